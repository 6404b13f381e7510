#!/usr/bin/env node
// skiff-lab CLI: flags in, library calls out. Logs are plain stderr lines.
import { spawn } from 'node:child_process';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { down } from './down.js';
import { LabError } from './errors.js';
import { DEFAULT_IMAGE_CACHE } from './images.js';
import { prepareImageCache } from './image-cache.js';
import { HostRunner } from './exec.js';
import { DEFAULT_LAB_NAME } from './names.js';
import type { LabLog, LabOptions } from './options.js';
import { DEFAULT_STATE_ROOT } from './state.js';
import { labState, status, type LabStatus } from './status.js';
import { DEFAULT_SUBNET } from './subnet.js';
import { up } from './up.js';

const log: LabLog = (msg, fields = {}) => {
  const kv = Object.entries(fields).map(([k, v]) => `${k}=${typeof v === 'string' && !/\s/.test(v) ? v : JSON.stringify(v)}`);
  process.stderr.write(`skiff-lab: ${[msg, ...kv].join(' ')}\n`);
};

interface Common {
  name: string;
  'state-dir'?: string;
}

function labOptions(a: Common): LabOptions {
  return { name: a.name, log, ...(a['state-dir'] ? { stateDir: a['state-dir'] } : {}) };
}

function printStatus(s: LabStatus | undefined, output: string): void {
  const nodes = (s?.nodes ?? []).map((n) => ({ name: n.name, netns: n.netns, address: n.address, dockerHost: n.dockerHost, ready: n.ready }));
  if (output === 'json') {
    process.stdout.write(JSON.stringify({ name: s?.name ?? null, subnet: s?.subnet ?? null, bridge: s?.bridge ?? null, nodes }) + '\n');
    return;
  }
  if (!s) {
    process.stdout.write('no lab\n');
    return;
  }
  process.stdout.write(`lab ${s.name}  subnet ${s.subnet}  bridge ${s.bridge} (${s.bridgeAddress})  state ${s.stateDir}\n`);
  const rows = [['NODE', 'ADDRESS', 'NETNS', 'READY', 'DOCKER_HOST'], ...nodes.map((n) => [n.name, n.address, n.netns, String(n.ready), n.dockerHost])];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) process.stdout.write(r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd() + '\n');
}

async function dockerPassthrough(a: Common & { node: string; args: string[] }): Promise<number> {
  const state = await labState(labOptions(a));
  const node = state?.nodes.find((n) => n.name === a.node);
  if (!node) throw new LabError(`no node ${a.node} in lab ${a.name}${state ? ` (nodes: ${state.nodes.map((n) => n.name).join(' ')})` : ''}`);
  const child = spawn('docker', ['-H', `unix://${node.socket}`, ...a.args], { stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    child.on('error', (e) => reject(new LabError(`cannot run docker: ${e.message}`)));
    child.on('close', (code, sig) => resolve(code ?? (sig ? 128 : 1)));
  });
}

async function main(): Promise<number> {
  let exitCode = 0;
  await yargs(hideBin(process.argv))
    .scriptName('skiff-lab')
    .parserConfiguration({ 'populate--': true })
    .option('name', { type: 'string', default: DEFAULT_LAB_NAME, describe: 'lab (cluster) name' })
    .option('state-dir', { type: 'string', describe: `state and logs (default ${DEFAULT_STATE_ROOT}/NAME)` })
    .command(
      'up',
      'bring the lab up, or repair what is missing',
      (y) =>
        y
          .option('nodes', { type: 'number', demandOption: true, describe: 'number of nodes (n1..nN)' })
          .option('subnet', { type: 'string', describe: `host subnet of the lab bridge (default ${DEFAULT_SUBNET})` })
          .option('image-cache', { type: 'string', describe: `image tarball cache (default ${DEFAULT_IMAGE_CACHE})` })
          .option('dockerd-arg', { type: 'string', array: true, describe: 'dockerd flags replacing the defaults (--bridge=none --iptables=true --ip-forward=true); repeat it' })
          .option('o', { alias: 'output', choices: ['table', 'json'], default: 'table' }),
      async (a) => {
        const r = await up({
          ...labOptions(a),
          nodes: a.nodes,
          ...(a.subnet ? { subnet: a.subnet } : {}),
          ...(a['image-cache'] ? { imageCacheDir: a['image-cache'] } : {}),
          ...(a['dockerd-arg'] ? { dockerdArgs: a['dockerd-arg'] } : {}),
        });
        if (r.changes.length === 0) log('nothing to change');
        printStatus(r, a.o);
      },
    )
    .command('down', 'remove everything the lab made', (y) => y, async (a) => {
      const r = await down(labOptions(a));
      if (r.removed.length === 0) log('nothing to remove');
    })
    .command(
      'status',
      'show the nodes and whether each engine answers',
      (y) => y.option('o', { alias: 'output', choices: ['table', 'json'], default: 'table' }),
      async (a) => printStatus(await status(labOptions(a)), a.o),
    )
    .command(
      'docker <node>',
      "run the docker CLI against a node's engine: skiff-lab docker n1 -- ps",
      (y) => y.positional('node', { type: 'string', demandOption: true }),
      async (a) => {
        exitCode = await dockerPassthrough({ ...a, node: a.node, args: ((a['--'] as unknown[]) ?? []).map(String) });
      },
    )
    .command(
      'images',
      'build the lab images into the cache (no registry) and print them',
      (y) => y.option('image-cache', { type: 'string', describe: `image tarball cache (default ${DEFAULT_IMAGE_CACHE})` }),
      async (a) => {
        const cache = await prepareImageCache(new HostRunner(), a['image-cache'] ?? DEFAULT_IMAGE_CACHE);
        for (const i of cache.images) process.stdout.write(`${i.ref}\t${i.id}\t${i.tarball}\t${i.buildSeconds.toFixed(2)}s\n`);
        if (cache.seed) process.stdout.write(`engine seed\t${cache.seed}\n`);
        else log('no engine seed', { error: cache.seedError });
      },
    )
    .demandCommand(1)
    .strict()
    .fail((msg, err) => {
      throw err ?? new LabError(msg);
    })
    .help()
    .parseAsync();
  return exitCode;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`skiff-lab: ${e instanceof LabError ? e.message : e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
