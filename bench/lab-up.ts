// `npm run bench -- lab-up`: how long `skiff-lab up --nodes 3` takes from nothing (images cached)
// until every engine answers, and `down` until all is gone, beside the limit measured in the same
// run: the same three dockerds started by hand in parallel in bare namespaces. Also the first
// (uncached) image build and each node engine's RSS. The last line is one JSON object.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { down, HostRunner, prepareImageCache, status, up } from '@skiff/lab';
import { bareDown, bareNodes, bareUp } from './lib/lab-bare.js';

const exec = promisify(execFile);
const NODES = 3;
const ROUNDS = Number(process.env.LAB_BENCH_ROUNDS ?? 7);

async function freeSubnet(): Promise<string> {
  const { stdout: routes } = await exec('ip', ['-4', 'route', 'show', 'table', 'all']);
  const { stdout: addrs } = await exec('ip', ['-4', '-o', 'addr', 'show']);
  for (let third = 0; third < 256; third++) {
    const prefix = `10.197.${third}.`;
    if (!routes.includes(prefix) && !addrs.includes(prefix)) return `${prefix}0/24`;
  }
  throw new Error('no free /24 in 10.197.0.0/16');
}

async function rssMb(pid: number): Promise<number> {
  const s = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(s)?.[1] ?? 0);
  return Math.round((kb / 1024) * 10) / 10;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'skiff-bench-lab-'));
  const cache = join(dir, 'images');
  const name = `bench-lab-${randomBytes(3).toString('hex')}`;
  const stateDir = join(dir, 'state');
  const subnet = await freeSubnet();
  const lab = { name, stateDir };
  const ups: number[] = [];
  const downs: number[] = [];
  const bareUps: number[] = [];
  const bareDowns: number[] = [];
  let dockerdRss: number[] = [];
  let containerdRss: number[] = [];
  try {
    const t0 = performance.now();
    // The whole cache: image tarballs plus the engine seed made from them.
    const { images, seed } = await prepareImageCache(new HostRunner(), cache);
    const imageBuild = (performance.now() - t0) / 1000;
    if (!seed) console.error('lab-up: no engine seed; nodes load the tarballs');
    // Let the cache's writeback finish so it does not land on the first rounds.
    await exec('sync');

    for (let round = 0; round < ROUNDS; round++) {
      let t = performance.now();
      await up({ ...lab, nodes: NODES, subnet, imageCacheDir: cache });
      ups.push((performance.now() - t) / 1000);
      if (round === 0) {
        const st = await status(lab);
        dockerdRss = await Promise.all((st?.nodes ?? []).map((n) => rssMb(n.dockerdPid ?? 0)));
        containerdRss = await Promise.all(
          (st?.nodes ?? []).map(async (n) => {
            const pid = Number((await readFile(join(stateDir, 'nodes', n.name, 'exec/containerd/containerd.pid'), 'utf8').catch(() => '0')).trim());
            return pid > 0 ? rssMb(pid).catch(() => 0) : 0;
          }),
        );
      }
      t = performance.now();
      await down(lab);
      downs.push((performance.now() - t) / 1000);

      const bare = bareNodes(join(dir, `bare-${round}`), `${randomBytes(2).toString('hex')}`, NODES);
      try {
        bareUps.push(await bareUp(bare, seed));
      } finally {
        bareDowns.push(await bareDown(bare));
      }
    }

    const upS = median(ups);
    const bareUpS = median(bareUps);
    const downS = median(downs);
    const bareDownS = median(bareDowns);
    const rows: [string, string, string, string][] = [
      ['figure', 'skiff-lab', 'bare dockerds (limit)', 'ratio'],
      [`up, ${NODES} nodes (s)`, upS.toFixed(3), bareUpS.toFixed(3), (upS / bareUpS).toFixed(2)],
      [`up, ${NODES} nodes, best round (s)`, Math.min(...ups).toFixed(3), Math.min(...bareUps).toFixed(3), (Math.min(...ups) / Math.min(...bareUps)).toFixed(2)],
      [`down, ${NODES} nodes (s)`, downS.toFixed(3), bareDownS.toFixed(3), (downS / bareDownS).toFixed(2)],
      ['first image build, uncached (s)', imageBuild.toFixed(3), '-', '-'],
      ['dockerd RSS per node (MB)', dockerdRss.join(' / '), '-', '-'],
      ['containerd RSS per node (MB)', containerdRss.join(' / '), '-', '-'],
    ];
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    console.log(`lab-up: ${ROUNDS} rounds, medians; images ${images.map((i) => i.ref).join(', ')}; targets: up ratio <= 1.3, down <= 5 s`);
    for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('  '));
    console.log(`rounds: up ${ups.map((x) => x.toFixed(2)).join(' ')} | bare up ${bareUps.map((x) => x.toFixed(2)).join(' ')} | down ${downs.map((x) => x.toFixed(2)).join(' ')}`);
    console.log(
      JSON.stringify({
        up_s: r3(upS),
        bare_up_s: r3(bareUpS),
        up_ratio: r3(upS / bareUpS),
        up_best_s: r3(Math.min(...ups)),
        bare_up_best_s: r3(Math.min(...bareUps)),
        down_s: r3(downS),
        bare_down_s: r3(bareDownS),
        image_build_s: r3(imageBuild),
        dockerd_rss_mb: r3(dockerdRss.reduce((a, b) => a + b, 0) / Math.max(1, dockerdRss.length)),
        dockerd_rss_mb_per_node: dockerdRss,
        containerd_rss_mb_per_node: containerdRss,
        nodes: NODES,
        rounds: ROUNDS,
      }),
    );
  } finally {
    await down(lab).catch((e: unknown) => console.error(`lab-up: cleanup: ${String(e)}`));
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
