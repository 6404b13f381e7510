// skiff-compose up: the images (offline base, the project's image), the secrets, the compose file for
// N nodes, the registry first with the pod sandbox image pushed to it, then every service; returns
// once every node is Ready. Running it again converges: compose recreates only what changed.
import { mkdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { ensureAgentServerToken, ensureTokens } from '@skiff/cluster';
import { ensureDebianPackages, pauseRecipe, PAUSE_IMAGE, which, type Runner } from '@skiff/lab';
import { runCli, StringOutput, writeConfig } from '@skiff/skiffctl';
import { baseRecipe, BASE_IMAGE } from './base-image.js';
import { DEFAULT_CLUSTER_CIDR, nodeName, renderComposeFile } from './compose-file.js';
import { compose } from './docker.js';
import { buildImage, ensureLoaded } from './image.js';
import { composePaths, composeTarget, readSettings, writeSettings, type ComposePaths, type ComposeSettings } from './state.js';

export interface UpOptions {
  stateDir: string;
  repoRoot: string;
  project?: string;
  nodes?: number;
  /** BASE of the Dockerfile; unset: the offline base made from the host's Debian packages */
  base?: string;
  clusterCIDR?: string;
  apiPort?: number;
  registryPort?: number;
  apiAddress?: string;
  imageCacheDir: string;
  timeoutMs?: number;
  runner: Runner;
  log(msg: string): void;
}

export interface UpResult {
  settings: ComposeSettings;
  paths: ComposePaths;
  nodes: string[];
  timings: { step: string; seconds: number }[];
}

/** The registry's name for an image as the nodes pull it. */
export const NODE_REGISTRY = 'registry:5000';

async function step<T>(timings: UpResult['timings'], log: (m: string) => void, name: string, f: () => Promise<T>): Promise<T> {
  const t = performance.now();
  log(`${name} ...`);
  const r = await f();
  const seconds = (performance.now() - t) / 1000;
  timings.push({ step: name, seconds });
  log(`${name} done in ${seconds.toFixed(1)} s`);
  return r;
}

/** skiffctl with the lab's config, in this process. */
export async function skiffctl(paths: ComposePaths, args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new StringOutput();
  const stderr = new StringOutput();
  const code = await runCli(args, { stdout, stderr, stdin: (async function* () {})() }, { env: { ...process.env, SKIFFCONFIG: paths.skiffctlConfig } });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** Tags a local image of the engine into the lab registry and pushes it; returns the nodes' name for it. */
export async function pushToRegistry(runner: Runner, settings: ComposeSettings, image: string, name: string): Promise<string> {
  const pushed = `127.0.0.1:${settings.registryPort}/${name}`;
  await runner.run('docker', ['tag', image, pushed]);
  await runner.run('docker', ['push', '-q', pushed]);
  await runner.run('docker', ['rmi', pushed], { allowFail: true });
  return `${NODE_REGISTRY}/${name}`;
}

async function readyNodes(paths: ComposePaths): Promise<string[]> {
  const r = await skiffctl(paths, ['get', 'nodes', '-o', 'json']);
  if (r.code !== 0) return [];
  const items = (JSON.parse(r.stdout) as { items: { metadata: { name: string }; status?: { conditions?: { type: string; status: string }[] } }[] }).items;
  return items.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).map((n) => n.metadata.name);
}

export async function up(o: UpOptions): Promise<UpResult> {
  const timings: UpResult['timings'] = [];
  const paths = composePaths(o.stateDir);
  mkdirSync(paths.secrets.dir, { recursive: true, mode: 0o700 });
  const before = readSettings(paths);
  const project = o.project ?? before?.project ?? 'skiff';
  const settings: ComposeSettings = {
    version: 1,
    project,
    nodes: o.nodes ?? before?.nodes ?? 2,
    clusterCIDR: o.clusterCIDR ?? before?.clusterCIDR ?? DEFAULT_CLUSTER_CIDR,
    apiPort: o.apiPort ?? before?.apiPort ?? 6443,
    registryPort: o.registryPort ?? before?.registryPort ?? 5000,
    apiAddress: o.apiAddress ?? before?.apiAddress ?? '127.0.0.1',
    image: `skiff/compose:${project}`,
    base: o.base ?? before?.base ?? BASE_IMAGE,
    builtImages: before?.builtImages ?? [],
  };
  const remember = (ref: string) => {
    if (!settings.builtImages.includes(ref)) settings.builtImages.push(ref);
    writeSettings(paths, settings);
  };
  writeSettings(paths, settings);
  const { runner, log } = o;
  const target = composeTarget(paths, settings);

  await step(timings, log, 'tools', async () => {
    if (!which('docker-compose')) await ensureDebianPackages(runner, ['docker-compose']);
  });
  await step(timings, log, 'images', async () => {
    if (settings.base === BASE_IMAGE) {
      if (await ensureLoaded(runner, o.imageCacheDir, baseRecipe)) remember(BASE_IMAGE);
    }
    await buildImage(runner, { repoRoot: o.repoRoot, tag: settings.image, base: settings.base, workDir: paths.dir });
    remember(settings.image);
  });
  await step(timings, log, 'secrets', async () => {
    ensureTokens(paths.secrets);
    ensureAgentServerToken(paths.secrets);
    await writeFile(paths.composeFile, renderComposeFile(settings.nodes, settings.clusterCIDR));
    writeConfig({ server: `${settings.apiAddress}:${settings.apiPort}`, tokenFile: paths.secrets.adminToken }, { config: paths.skiffctlConfig });
  });
  await step(timings, log, 'registry', async () => {
    await compose(runner, target, ['up', '-d', 'registry']);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const r = await runner.run('docker', ['inspect', '-f', '{{.State.Health.Status}}', `${project}_registry_1`], { allowFail: true });
      if (r.stdout.trim() === 'healthy') break;
      if (Date.now() > deadline) throw new Error(`the registry did not become healthy: ${r.stdout.trim()} ${r.stderr.trim()}`);
      await new Promise((res) => setTimeout(res, 300));
    }
    if (await ensureLoaded(runner, o.imageCacheDir, pauseRecipe)) remember(PAUSE_IMAGE);
    await pushToRegistry(runner, settings, PAUSE_IMAGE, PAUSE_IMAGE);
  });
  await step(timings, log, 'services', async () => {
    await compose(runner, target, ['up', '-d', '--remove-orphans']);
  });
  const want = Array.from({ length: settings.nodes }, (_, i) => nodeName(i + 1));
  await step(timings, log, 'nodes ready', async () => {
    const deadline = Date.now() + (o.timeoutMs ?? 180_000);
    for (;;) {
      const ready = await readyNodes(paths);
      if (want.every((n) => ready.includes(n))) return;
      if (Date.now() > deadline) {
        const ps = await compose(runner, target, ['ps'], true);
        throw new Error(`nodes not Ready after ${((o.timeoutMs ?? 180_000) / 1000).toFixed(0)} s (ready: ${ready.join(' ') || 'none'}); docker-compose logs ${want[0]} tells why\n${ps.stdout}`);
      }
      await new Promise((res) => setTimeout(res, 1000));
    }
  });
  return { settings, paths, nodes: want, timings };
}
