// `skiff-cluster down` (`npm stop`): stops every process (through the supervisor, else by their
// pidfiles), removes the host routes, then the lab (its namespaces, engines with every container
// and image, bridge, chains), then what the agents mounted for their pods' volumes (a Secret's tmpfs
// outlives its container: the agents leave their pods running when they stop, as the kubelet does).
// `purge` also removes the state folder (etcd's data, logs, tokens).
// Nothing there: a no-op.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { HostRunner, down as labDown, unmountUnder } from '@skiff/lab';
import { readClusterConfig, writeClusterConfig } from './cluster-config.js';
import { removeHostRoute } from './host-routes.js';
import { statePaths } from './state-dir.js';
import { stopSupervisor } from './supervisor/control.js';
import { readPidfile, removePidfile, terminate } from './supervisor/proc.js';
import { readTable } from './supervisor/table.js';

export interface DownOptions {
  stateDir: string;
  purge?: boolean;
  out?: (line: string) => void;
}

export async function down(o: DownOptions): Promise<string[]> {
  const out = o.out ?? ((line: string) => process.stdout.write(`skiff stop: ${line}\n`));
  const paths = statePaths(o.stateDir);
  const removed: string[] = [];
  const note = (line: string) => {
    removed.push(line);
    out(line);
  };
  if (!existsSync(paths.dir)) {
    out(`nothing to stop (${paths.dir} does not exist)`);
    return removed;
  }
  // the supervisor stops its processes, node processes first and etcd last
  if (await stopSupervisor(paths, 60_000)) note('stopped the supervisor and every process it ran');
  // what a dead supervisor left running
  for (const spec of readTable(paths.table).processes.sort((a, b) => b.stopRank - a.stopRank)) {
    const pid = readPidfile(paths.pid(spec.name));
    if (pid === undefined) continue;
    const how = await terminate(pid, 10_000, (cmd) => cmd[0] === spec.argv[0] && cmd[1] === spec.argv[1]);
    removePidfile(paths.pid(spec.name));
    if (how !== 'gone') note(`stopped ${spec.name} (pid ${pid}, ${how})`);
  }
  const config = readClusterConfig(paths.config);
  if (config) {
    for (const r of config.routes) {
      await removeHostRoute(r);
      note(`removed the host route ${r.destination} via ${r.via}`);
    }
    config.routes = [];
    writeClusterConfig(paths.config, config);
    const lab = await labDown({ name: config.labName, stateDir: paths.lab });
    if (lab.removed.length) note(`removed lab ${config.labName}: ${lab.removed.length} items (namespaces, engines, containers, images, bridge, chains)`);
  }
  await unmountUnder(new HostRunner(), join(paths.dir, 'agents'));
  for (const f of [paths.table, paths.supervisorStatus]) rmSync(f, { force: true });
  if (o.purge) {
    rmSync(paths.dir, { recursive: true, force: true });
    note(`removed ${paths.dir}`);
  }
  if (removed.length === 0) out('nothing was running');
  return removed;
}

