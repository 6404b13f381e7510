// The `create KIND NAME` generators: configmap, secret generic and deployment, building the object
// kubectl builds for the same flags.
import type { KObject } from '@skiff/api';
import type { Client } from '@skiff/machinery';
import { UsageError } from '../cli-error.js';
import type { Io } from '../io.js';
import { createGenerated, type GeneratedArgs } from './create-generated.js';
import { configMapData, readDataSources, secretData, type DataSources } from './data-sources.js';

interface Named extends GeneratedArgs {
  name: string;
  namespace: string;
}

export interface CreateConfigMapArgs extends Named, DataSources {
  env?: Record<string, string | undefined>;
}

export interface CreateSecretArgs extends CreateConfigMapArgs {
  /** Default Opaque. */
  type?: string;
}

export interface CreateDeploymentArgs extends Named {
  images: string[];
  replicas?: number;
  /** The first container's containerPort (-1 or unset: none). */
  port?: number;
}

export async function createConfigMap(client: Client, args: CreateConfigMapArgs, io: Io): Promise<number> {
  const entries = readDataSources(args, `ConfigMap "${args.name}"`, args.env);
  const cm: KObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: args.name, namespace: args.namespace }, ...configMapData(entries) };
  return createGenerated(client, cm, args, io);
}

export async function createSecretGeneric(client: Client, args: CreateSecretArgs, io: Io): Promise<number> {
  const entries = readDataSources(args, `Secret "${args.name}"`, args.env);
  const secret: KObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: args.name, namespace: args.namespace }, type: args.type || 'Opaque', data: secretData(entries) };
  return createGenerated(client, secret, args, io);
}

/** kubectl's container name for an image: its last path element without tag or digest, `_` as `-`, made unique. */
export function containerNames(images: readonly string[]): string[] {
  const used = new Set<string>();
  return images.map((image) => {
    let name = image.split('/').pop() ?? image;
    name = name.split('@')[0]!.split(':')[0]!.replace(/_/g, '-');
    let unique = name;
    for (let n = 2; used.has(unique); n++) unique = `${name}-${n}`;
    used.add(unique);
    return unique;
  });
}

export function deploymentFor(args: Pick<CreateDeploymentArgs, 'name' | 'namespace' | 'images' | 'replicas' | 'port'>): KObject {
  if (args.images.length === 0) throw new UsageError('required flag(s) "image" not set');
  const labels = { app: args.name };
  const names = containerNames(args.images);
  const containers = args.images.map((image, i) => ({
    name: names[i],
    image,
    ...(i === 0 && args.port !== undefined && args.port >= 0 ? { ports: [{ containerPort: args.port }] } : {}),
  }));
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: args.name, namespace: args.namespace, labels },
    spec: { replicas: args.replicas ?? 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers } } },
  } as KObject;
}

export async function createDeployment(client: Client, args: CreateDeploymentArgs, io: Io): Promise<number> {
  return createGenerated(client, deploymentFor(args), args, io);
}
