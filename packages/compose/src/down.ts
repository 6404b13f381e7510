// skiff-compose down: the project's containers, networks and volumes (docker-compose down -v), the
// cgroup directories the nodes' dockerds made on the machine, and with `images` the images `up`
// added to the engine; with `purge` the state folder too. Safe to run again, and on a half-made lab.
import { rm } from 'node:fs/promises';
import { removeCgroupParent, type Runner } from '@skiff/lab';
import { nodeName } from './compose-file.js';
import { compose } from './docker.js';
import { composePaths, composeTarget, nodeCgroupParent, readSettings } from './state.js';

export interface DownOptions {
  stateDir: string;
  /** also remove the images up built or loaded */
  images?: boolean;
  /** also remove the state folder (secrets, settings) */
  purge?: boolean;
  runner: Runner;
  log(msg: string): void;
}

export async function down(o: DownOptions): Promise<string[]> {
  const paths = composePaths(o.stateDir);
  const settings = readSettings(paths);
  const removed: string[] = [];
  if (settings) {
    const target = composeTarget(paths, settings);
    const r = await compose(o.runner, target, ['down', '-v', '--remove-orphans', '-t', '5'], true);
    if (r.code !== 0) o.log(`docker-compose down: ${r.stderr.trim()}`);
    else removed.push(`project ${settings.project}`);
    // a node count lowered since: the cgroup parents of every node the lab ever had are looked for
    for (let i = 1; i <= Math.max(settings.nodes, 16); i++) await removeCgroupParent(nodeCgroupParent(settings.project, nodeName(i)));
    if (o.images) {
      for (const ref of [...settings.builtImages].reverse()) {
        const rm = await o.runner.run('docker', ['rmi', ref], { allowFail: true });
        if (rm.code === 0) removed.push(`image ${ref}`);
      }
    }
  }
  if (o.purge) {
    await rm(paths.dir, { recursive: true, force: true });
    removed.push(`state ${paths.dir}`);
  }
  return removed;
}
