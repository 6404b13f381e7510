// `skiff-cluster up` (`npm start`): makes the cluster match its settings, step by step. Each step
// observes first, so running it again on a running cluster changes nothing, and on a damaged one
// repairs what is missing (a dead process is started again by the supervisor, a node is added or
// removed by the lab).
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { up as labUp, status as labStatus, type LabStatus } from '@skiff/lab';
import { createClient, type Client } from '@skiff/machinery';
import { writeConfig } from '@skiff/skiffctl';
import {
  choosePorts,
  DEFAULT_CLUSTER_CIDR,
  DEFAULT_CLUSTER_DNS,
  DEFAULT_CLUSTER_DOMAIN,
  DEFAULT_LAB_NAME,
  DEFAULT_NODES,
  DEFAULT_SERVICE_CIDR,
  readClusterConfig,
  writeClusterConfig,
  type ClusterConfig,
} from './cluster-config.js';
import type { ComponentContext, LabNode } from './components/context.js';
import { processTable } from './components/registry.js';
import { syncHostRoutes, type HostRoute } from './host-routes.js';
import { nodePodCIDR } from './pod-cidr.js';
import { Progress, StepError } from './progress.js';
import { REPO_ROOT } from './repo-root.js';
import { buildSeedImages, deploySeed, SEED_APP_DIR, SEED_IMAGE, type SeedResult } from './seed.js';
import { statePaths, type StatePaths } from './state-dir.js';
import { ensureSupervisor, supervisorPid } from './supervisor/control.js';
import { readStatus, writeTable } from './supervisor/table.js';
import { ensureAgentServerToken, ensureTokens } from './tokens.js';
import { waitFor } from './wait.js';


export interface UpOptions {
  stateDir: string;
  nodes?: number;
  labName?: string;
  labSubnet?: string;
  clusterCIDR?: string;
  /** every port a free one (tests); else the defaults, replaced only when taken */
  freePorts?: boolean;
  imageCacheDir?: string;
  /** point ~/.skiff/config at this cluster (npm start does) */
  writeUserConfig?: boolean;
  /** build the seed's image and deploy it (default true) */
  seed?: boolean;
  /** more flags per component (`{ 'controller-manager': ['--node-monitor-grace-period=20'] }`); recorded, and replaced when given again */
  extraArgs?: Record<string, string[]>;
  /** how long each waiting step may take (default 120 s) */
  timeoutMs?: number;
  out?: (line: string) => void;
}

export interface UpResult {
  config: ClusterConfig;
  paths: StatePaths;
  server: string;
  lab: LabStatus;
  seed?: SeedResult;
  timings: Progress['timings'];
  totalSeconds: number;
}

/**
 * The file a package's process runs: its bundle (`dist/main.bundle.js`, scripts/bundle.mjs, made by
 * `npm run build`), which loads in half the CPU of tsc's `dist/main.js`; that one when there is no bundle.
 */
export function programOf(pkg: string): string {
  const bundle = join(REPO_ROOT, 'packages', pkg, 'dist', 'main.bundle.js');
  return existsSync(bundle) ? bundle : join(REPO_ROOT, 'packages', pkg, 'dist', 'main.js');
}

/** The lab's nodes as the components see them. */
export function labNodes(config: ClusterConfig, lab: LabStatus): LabNode[] {
  return lab.nodes.map((n) => ({ name: n.name, netns: n.netns, address: n.address, dockerHost: n.dockerHost, podCIDR: nodePodCIDR(config.clusterCIDR, Number(n.name.slice(1))) }));
}

export function componentContext(config: ClusterConfig, paths: StatePaths, lab: LabStatus, tokens: ComponentContext['tokens']): ComponentContext {
  return {
    config,
    paths,
    server: `${lab.bridgeAddress}:${config.ports.api}`,
    bridgeAddress: lab.bridgeAddress,
    nodes: labNodes(config, lab),
    tokens,
    main: programOf,
    revision: (pkg) => {
      try {
        return statSync(programOf(pkg)).mtime.toISOString();
      } catch {
        return 'unbuilt';
      }
    },
    node: process.execPath,
  };
}

async function settings(o: UpOptions, paths: StatePaths, out: (line: string) => void): Promise<ClusterConfig> {
  const prior = readClusterConfig(paths.config);
  const config: ClusterConfig = prior ?? {
    version: 1,
    labName: o.labName ?? DEFAULT_LAB_NAME,
    nodes: DEFAULT_NODES,
    clusterCIDR: DEFAULT_CLUSTER_CIDR,
    serviceCIDR: DEFAULT_SERVICE_CIDR,
    clusterDNS: DEFAULT_CLUSTER_DNS,
    clusterDomain: DEFAULT_CLUSTER_DOMAIN,
    ports: await choosePorts(o.freePorts ?? false, out),
    routes: [],
  };
  if (o.labName && o.labName !== config.labName) throw new StepError(`${paths.dir} holds cluster ${config.labName}, not ${o.labName}`, undefined, `npm stop -- --purge first, or use another state folder`);
  if (o.nodes !== undefined) config.nodes = o.nodes;
  if (o.labSubnet) config.labSubnet = o.labSubnet;
  if (o.clusterCIDR) config.clusterCIDR = o.clusterCIDR;
  if (o.extraArgs) config.extraArgs = o.extraArgs;
  nodePodCIDR(config.clusterCIDR, config.nodes); // refuses a cluster CIDR without a /24 for every node
  writeClusterConfig(paths.config, config);
  return config;
}

/** Writes the supervisor's table and has the supervisor apply it; resolves once it has. */
async function applyTable(ctx: ComponentContext): Promise<string> {
  const generation = writeTable(ctx.paths.table, processTable(ctx));
  const how = ensureSupervisor(ctx.paths);
  await waitFor(`the supervisor to apply its table (${ctx.paths.supervisorLog})`, 30_000, async () => (readStatus(ctx.paths.supervisorStatus).generation >= generation ? true : undefined));
  return how;
}

function nodeReady(n: { status?: { conditions?: { type: string; status: string }[] } }): boolean {
  return n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

export async function up(o: UpOptions): Promise<UpResult> {
  const out = o.out ?? ((line: string) => process.stdout.write(`skiff start: ${line}\n`));
  const timeoutMs = o.timeoutMs ?? 120_000;
  const progress = new Progress(out);
  const paths = statePaths(o.stateDir);
  mkdirSync(paths.dir, { recursive: true });

  const { config, tokens } = await progress.step('settings', `state folder ${paths.dir}`, async () => {
    const config = await settings(o, paths, out);
    const tokens = ensureTokens(paths);
    ensureAgentServerToken(paths);
    const p = config.ports;
    return { value: { config, tokens }, detail: `cluster ${config.labName}, ${config.nodes} nodes, ports apiserver ${p.api}, etcd ${p.etcd}` };
  });
  const labOptions = { name: config.labName, stateDir: paths.lab };

  const lab = await progress.step('lab', `${config.nodes} lab machines (network namespaces with their own dockerd)`, async () => {
    // nodes about to be removed: their processes stop before the lab takes their namespaces away
    const before = await labStatus(labOptions);
    if (before && before.nodes.length > config.nodes) {
      const keep = { ...before, nodes: before.nodes.slice(0, config.nodes) };
      if (supervisorPid(paths) !== undefined) await applyTable(componentContext(config, paths, keep, tokens));
    }
    const log = (msg: string, fields?: Record<string, unknown>) => {
      if (/^(made|started|removed|loaded|seeded|installing)/.test(msg)) out(`lab: ${msg} ${Object.entries(fields ?? {}).map(([k, v]) => `${k}=${String(v)}`).join(' ')}`);
    };
    try {
      // new nodes start with the sample app built (and its build cache), so its build on every node
      // below finds each step cached instead of running npm install three times during the start
      const seedBuilds = (o.seed ?? true) ? [{ tag: SEED_IMAGE, context: SEED_APP_DIR }] : [];
      const r = await labUp({ ...labOptions, nodes: config.nodes, ...(config.labSubnet ? { subnet: config.labSubnet } : {}), ...(o.imageCacheDir ? { imageCacheDir: o.imageCacheDir } : {}), seedBuilds, log });
      const detail = r.changes.length === 0 ? 'nothing to change' : `${r.changes.length} changes`;
      return { value: r as LabStatus, detail: `${detail}; nodes ${r.nodes.map((n) => `${n.name} ${n.address}`).join(', ')}; bridge ${r.bridgeAddress}` };
    } catch (e) {
      throw new StepError((e as Error).message, join(paths.lab, 'lab.log'), `read the lab's log; a subnet clash is fixed with --subnet (e.g. npm start -- --subnet 10.201.0.0/24)`);
    }
  });
  const ctx = componentContext(config, paths, lab, tokens);
  const server = ctx.server;
  // skiffctl finds the cluster: the state folder's config always, ~/.skiff/config for npm start
  const skiffctlConfig = { server, tokenFile: paths.adminToken };
  writeConfig(skiffctlConfig, { config: paths.skiffctlConfig });
  if (o.writeUserConfig) writeConfig(skiffctlConfig, {});

  // the seed's image builds on the nodes' engines while the processes start (it needs only dockerd)
  const images = o.seed ?? true ? buildSeedImages(lab) : undefined;

  await progress.step('control plane', 'etcd and skiff-apiserver on the host (then the scheduler, controller-manager and a node agent per node)', async () => {
    const how = await applyTable(ctx);
    await waitReady(paths, ['etcd', 'apiserver'], timeoutMs);
    return { value: undefined, detail: `supervisor ${how}; apiserver on ${server}` };
  });

  const client = createClient({ server, token: tokens.admin, userAgent: 'skiff-cluster' });
  try {
    await progress.step('nodes', `the scheduler and controller-manager ready, ${config.nodes} nodes registered and Ready`, async () => {
      await waitReady(paths, ['scheduler', 'controller-manager'], timeoutMs);
      const names = new Set(lab.nodes.map((n) => n.name));
      let removed = 0;
      await waitFor('every node Ready', timeoutMs, async () => {
        const nodes = (await client.list('nodes')).items;
        for (const n of nodes) {
          const name = n.metadata.name ?? '';
          if (names.has(name)) continue;
          await removeNode(client, name);
          removed++;
        }
        return [...names].every((name) => nodes.some((n) => n.metadata.name === name && nodeReady(n as never))) ? true : undefined;
      }).catch(async () => {
        const nodes = (await client.list('nodes')).items;
        const bad = [...names].find((name) => !nodes.some((n) => n.metadata.name === name && nodeReady(n as never))) ?? 'n1';
        throw new StepError(`node ${bad} is not Ready after ${timeoutMs / 1000} s`, paths.log(`agent-${bad}`), `read the agent's log and ${join(paths.lab, 'nodes', bad, 'dockerd.log')}; npm start again restarts what died`);
      });
      return { value: undefined, detail: `${names.size} Ready${removed ? `; ${removed} Node objects of removed machines deleted, with their pods` : ''}` };
    });

    await progress.step('routes', 'host routes to every pod CIDR (the host reaches pods by their IP)', async () => {
      const want = await podRoutes(client);
      const changes = await syncHostRoutes(want, config.routes);
      config.routes = want;
      writeClusterConfig(paths.config, config);
      return { value: undefined, detail: changes.length ? changes.join('; ') : want.map((r) => `${r.destination} via ${r.via}`).join(', ') };
    });

    let seed: SeedResult | undefined;
    if (images) seed = await deploySeed({ progress, client, lab, paths, timeoutMs, images });
    return { config, paths, server, lab, ...(seed ? { seed } : {}), timings: progress.timings, totalSeconds: progress.totalSeconds() };
  } finally {
    client.close();
  }
}

/**
 * A machine that left the lab: its Node object goes, and the pods bound to it are deleted at once
 * (nothing runs them any more; Kubernetes' pod GC does the same for pods of a deleted node).
 */
async function removeNode(client: Client, name: string): Promise<void> {
  await client.delete('nodes', '', name).catch(() => undefined);
  const pods = (await client.list('pods', { fieldSelector: `spec.nodeName=${name}` })).items;
  for (const p of pods) await client.delete('pods', p.metadata.namespace ?? 'default', p.metadata.name ?? '', { gracePeriodSeconds: 0 }).catch(() => undefined);
}

/** Waits until the supervisor reports every named process ready; else names the first that is not. */
async function waitReady(paths: StatePaths, names: readonly string[], timeoutMs: number): Promise<void> {
  try {
    await waitFor(`${names.join(', ')} to be ready`, timeoutMs, async () => {
      const st = readStatus(paths.supervisorStatus).processes;
      return names.every((n) => st.find((s) => s.name === n)?.ready) ? true : undefined;
    });
  } catch {
    const st = readStatus(paths.supervisorStatus).processes;
    const bad = names.find((n) => !st.find((s) => s.name === n)?.ready) ?? names[0]!;
    const s = st.find((x) => x.name === bad);
    throw new StepError(
      `${bad} is not ready after ${timeoutMs / 1000} s${s?.waitingFor ? ` (waiting for ${s.waitingFor})` : ''}${s?.lastExit ? ` (last exit: ${s.lastExit})` : ''}`,
      paths.log(bad),
      `read the log (and ${paths.supervisorLog}); a port held by another program is fixed by npm stop -- --purge, then npm start`,
    );
  }
}

/** Every Node's pod CIDR via its InternalIP. */
async function podRoutes(client: Client): Promise<HostRoute[]> {
  type NodeShape = { spec?: { podCIDR?: string }; status?: { addresses?: { type: string; address: string }[] } };
  const nodes = (await client.list('nodes')).items as unknown as NodeShape[];
  return nodes.flatMap((n) => {
    const cidr = n.spec?.podCIDR;
    const ip = n.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
    return cidr && ip ? [{ destination: cidr, via: ip }] : [];
  });
}
