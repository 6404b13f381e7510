#!/usr/bin/env node
// skiff-compose CLI: flags in, library calls out. Progress on stderr as `skiff-compose: ...` lines.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { DEFAULT_IMAGE_CACHE, HostRunner } from '@skiff/lab';
import { down } from './down.js';
import { composePaths, readSettings } from './state.js';
import { pushToRegistry, up } from './up.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const log = (msg: string) => process.stderr.write(`skiff-compose: ${msg}\n`);
const runner = new HostRunner();

async function main(): Promise<void> {
  await yargs(hideBin(process.argv))
    .scriptName('skiff-compose')
    .option('state-dir', { type: 'string', default: join(repoRoot, '.skiff/compose'), describe: 'settings, secrets and the rendered compose file' })
    .command(
      'up',
      'build the images and bring the compose lab up (again: converge)',
      (y) =>
        y
          .option('nodes', { type: 'number', describe: 'node containers (default 2, then as last time)' })
          .option('project', { type: 'string', describe: 'compose project name (default skiff)' })
          .option('base', { type: 'string', describe: 'BASE image of the Dockerfile (default: skiff/compose-base:0.1, built offline)' })
          .option('cluster-cidr', { type: 'string', describe: 'pod addresses; node I gets the I-th /24 (default 10.244.0.0/16)' })
          .option('api-port', { type: 'number', describe: "the apiserver's published port (default 6443)" })
          .option('registry-port', { type: 'number', describe: "the registry's port on the engine's 127.0.0.1 (default 5000)" })
          .option('api-address', { type: 'string', describe: "where skiffctl reaches the engine's published ports (default 127.0.0.1)" })
          .option('image-cache', { type: 'string', default: DEFAULT_IMAGE_CACHE, describe: 'where the offline images are cached' })
          .option('timeout', { type: 'number', default: 180, describe: 'seconds to wait for the nodes' })
          .option('json', { type: 'boolean', default: false, describe: 'print one JSON line at the end' }),
      async (a) => {
        const r = await up({
          stateDir: a['state-dir'],
          repoRoot,
          ...(a.project ? { project: a.project } : {}),
          ...(a.nodes !== undefined ? { nodes: a.nodes } : {}),
          ...(a.base ? { base: a.base } : {}),
          ...(a['cluster-cidr'] ? { clusterCIDR: a['cluster-cidr'] } : {}),
          ...(a['api-port'] !== undefined ? { apiPort: a['api-port'] } : {}),
          ...(a['registry-port'] !== undefined ? { registryPort: a['registry-port'] } : {}),
          ...(a['api-address'] ? { apiAddress: a['api-address'] } : {}),
          imageCacheDir: a['image-cache'],
          timeoutMs: a.timeout * 1000,
          runner,
          log,
        });
        if (a.json) {
          process.stdout.write(JSON.stringify({ project: r.settings.project, nodes: r.nodes, server: `${r.settings.apiAddress}:${r.settings.apiPort}`, skiffctlConfig: r.paths.skiffctlConfig, timings: r.timings }) + '\n');
          return;
        }
        process.stdout.write(
          `compose lab ${r.settings.project} is up: nodes ${r.nodes.join(' ')}\n` +
            `  SKIFFCONFIG=${r.paths.skiffctlConfig} npx skiffctl get nodes\n` +
            `  npx skiff-compose push IMAGE NAME     # then image: registry:5000/NAME in a pod spec\n`,
        );
      },
    )
    .command(
      'push <image> <name>',
      "push an image of the engine into the lab registry (the nodes pull it as registry:5000/NAME)",
      (y) => y.positional('image', { type: 'string', demandOption: true }).positional('name', { type: 'string', demandOption: true }),
      async (a) => {
        const settings = readSettings(composePaths(a['state-dir']));
        if (!settings) throw new Error(`no compose lab in ${a['state-dir']}: run skiff-compose up`);
        process.stdout.write((await pushToRegistry(runner, settings, a.image, a.name)) + '\n');
      },
    )
    .command(
      'down',
      'remove the containers, networks and volumes (and cgroups) of the lab',
      (y) =>
        y
          .option('images', { type: 'boolean', default: false, describe: 'also the images up built or loaded' })
          .option('purge', { type: 'boolean', default: false, describe: 'also the state folder (secrets)' }),
      async (a) => {
        const removed = await down({ stateDir: a['state-dir'], images: a.images, purge: a.purge, runner, log });
        log(removed.length ? `removed ${removed.join(', ')}` : 'nothing to remove');
      },
    )
    .demandCommand(1)
    .strict()
    .fail((msg, err) => {
      log(err ? err.message : msg);
      process.exit(1);
    })
    .parseAsync();
}

void main();
