// The seed's sample app (the founding document's scenario): its image built on every node from
// examples/node-app/ with its Dockerfile unchanged (FROM node:latest is the lab's offline image, and
// its npmrc makes `npm install` work without a network for the dependency-free app), its manifests
// in examples/seed/node-app/ applied unchanged, and every replica Running.
import { join } from 'node:path';
import type { LabStatus } from '@skiff/lab';
import type { Client } from '@skiff/machinery';
import { runCli, StringOutput } from '@skiff/skiffctl';
import { Progress, StepError } from './progress.js';
import { commandFailure, runCommand } from '@skiff/machinery/exec';
import type { StatePaths } from './state-dir.js';
import { waitFor } from './wait.js';
import { REPO_ROOT } from './repo-root.js';

export const SEED_APP_DIR = join(REPO_ROOT, 'examples', 'node-app');
export const SEED_MANIFESTS = join(REPO_ROOT, 'examples', 'seed', 'node-app');
/** the manifests' image `my-app`, i.e. my-app:latest */
export const SEED_IMAGE = 'my-app:latest';
export const SEED_DEPLOYMENT = { namespace: 'default', name: 'my-app' };

export interface SeedPod {
  name: string;
  node: string;
  ip: string;
}

export interface SeedResult {
  pods: SeedPod[];
  /** the container port every pod answers on */
  port: number;
}

interface PodShape {
  metadata: { name: string; deletionTimestamp?: string };
  spec?: { nodeName?: string; containers?: { ports?: { containerPort: number }[] }[] };
  status?: { phase?: string; podIP?: string };
}

/** Builds the seed's image on one node's engine with the docker CLI (its classic builder: the lab has no buildx). */
export async function buildSeedImage(dockerHost: string): Promise<void> {
  const args = ['-H', dockerHost, 'build', '-q', '-t', SEED_IMAGE, SEED_APP_DIR];
  const r = await runCommand('docker', args);
  if (r.code !== 0) throw new Error(commandFailure('docker', args, r));
}

/** `skiffctl ARGS` with this cluster's config, in this process (skiffctl's own runCli). */
export async function skiffctl(paths: StatePaths, args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new StringOutput();
  const stderr = new StringOutput();
  const code = await runCli(args, { stdout, stderr, stdin: (async function* () {})() }, { env: { ...process.env, SKIFFCONFIG: paths.skiffctlConfig } });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** Starts building the image on every node; the promise resolves to the error, if any (never rejects). */
export function buildSeedImages(lab: LabStatus): Promise<Error | undefined> {
  return Promise.all(lab.nodes.map((n) => buildSeedImage(n.dockerHost))).then(
    () => undefined,
    (e: Error) => e,
  );
}

export async function deploySeed(o: { progress: Progress; client: Client; lab: LabStatus; paths: StatePaths; timeoutMs: number; images: Promise<Error | undefined> }): Promise<SeedResult> {
  const { progress, client, lab, paths } = o;
  await progress.step('image', `${SEED_IMAGE} from examples/node-app/ on every node (built while the processes started)`, async () => {
    const e = await o.images;
    if (e) {
      throw new StepError((e as Error).message, join(paths.lab, 'nodes', lab.nodes[0]?.name ?? 'n1', 'dockerd.log'), `try it by hand: docker -H ${lab.nodes[0]?.dockerHost} build -t ${SEED_IMAGE} examples/node-app`);
    }
    return { value: undefined, detail: `${SEED_IMAGE} on ${lab.nodes.map((n) => n.name).join(', ')}` };
  });

  await progress.step('deploy', 'skiffctl apply -f examples/seed/node-app/', async () => {
    const r = await skiffctl(paths, ['apply', '-f', SEED_MANIFESTS]);
    if (r.code !== 0) throw new StepError(`skiffctl apply exited ${r.code}: ${(r.stderr || r.stdout).trim()}`, paths.log('apiserver'), 'fix the manifest the error names');
    return { value: undefined, detail: r.stdout.trim().split('\n').join('; ') };
  });

  return progress.step('pods', `waiting for every replica of deployment ${SEED_DEPLOYMENT.name} to run`, async () => {
    let seen: PodShape[] = [];
    const pods = await waitFor('the pods to run', o.timeoutMs, async () => {
      const d = (await client.get('deployments', SEED_DEPLOYMENT.namespace, SEED_DEPLOYMENT.name)) as { spec?: { replicas?: number; selector?: { matchLabels?: Record<string, string> } } };
      const labels = d.spec?.selector?.matchLabels ?? {};
      const selector = Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');
      seen = (await client.list('pods', { namespace: SEED_DEPLOYMENT.namespace, labelSelector: selector })).items as unknown as PodShape[];
      const live = seen.filter((p) => !p.metadata.deletionTimestamp);
      const running = live.filter((p) => p.status?.phase === 'Running' && p.status.podIP && p.spec?.nodeName);
      return running.length === (d.spec?.replicas ?? 1) && live.length === running.length ? running : undefined;
    }).catch((e: Error) => {
      const stuck = seen.find((p) => p.status?.phase !== 'Running');
      const node = stuck?.spec?.nodeName;
      throw new StepError(
        `${e.message}; pods: ${seen.map((p) => `${p.metadata.name} ${p.status?.phase ?? '?'} on ${p.spec?.nodeName ?? '(unscheduled)'}`).join(', ') || 'none'}`,
        node ? paths.log(`agent-${node}`) : paths.log('scheduler'),
        `skiffctl describe pod ${stuck?.metadata.name ?? ''} (events say why)`.trim(),
      );
    });
    const port = pods[0]?.spec?.containers?.[0]?.ports?.[0]?.containerPort ?? 3000;
    const result = pods.map((p) => ({ name: p.metadata.name, node: p.spec!.nodeName!, ip: p.status!.podIP! }));
    return { value: { pods: result, port }, detail: result.map((p) => `${p.name} ${p.ip} on ${p.node}`).join(', ') };
  });
}
