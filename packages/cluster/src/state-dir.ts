// The cluster's state folder (`.skiff/local/` for `npm start`): config, tokens, logs and pids.
import { join, resolve } from 'node:path';

export interface StatePaths {
  dir: string;
  /** the cluster's settings (ports, subnets, nodes), written by `up` and reused by the next one */
  config: string;
  /** the supervisor's process table */
  table: string;
  /** the supervisor's own pid and log */
  supervisorPid: string;
  supervisorLog: string;
  /** what the supervisor last saw of each process (pid, ready, restarts) */
  supervisorStatus: string;
  /** the apiserver's token file and the admin's token (skiffctl) */
  tokenFile: string;
  adminToken: string;
  /** skiffctl's config for this cluster (also copied to ~/.skiff/config by `npm start`) */
  skiffctlConfig: string;
  etcdData: string;
  /** the lab's state (its engines, their logs and sockets) */
  lab: string;
  log(name: string): string;
  pid(name: string): string;
  tokenOf(name: string): string;
}

export function statePaths(dir: string): StatePaths {
  const d = resolve(dir);
  return {
    dir: d,
    config: join(d, 'cluster.json'),
    table: join(d, 'processes.json'),
    supervisorPid: join(d, 'supervisor.pid'),
    supervisorLog: join(d, 'supervisor.log'),
    supervisorStatus: join(d, 'supervisor-status.json'),
    tokenFile: join(d, 'tokens.csv'),
    adminToken: join(d, 'admin.token'),
    skiffctlConfig: join(d, 'skiffctl.yaml'),
    etcdData: join(d, 'etcd'),
    lab: join(d, 'lab'),
    log: (name) => join(d, `${name}.log`),
    pid: (name) => join(d, `${name}.pid`),
    tokenOf: (name) => join(d, `${name}.token`),
  };
}
