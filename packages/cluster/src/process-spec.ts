// One supervised process: what to run, where (a node's network namespace or the host), and what it
// waits for before it starts. The supervisor keeps every spec of its table running.

/** A condition a process waits for before (re)starting; checked by the supervisor. */
export type Gate =
  /** a path exists (a node's network namespace, a Docker socket) */
  | { file: string }
  /** an address is assigned to one of the host's interfaces (the lab bridge's address) */
  | { address: string }
  /** another process of the table is ready (its readiness URL answers 200) */
  | { ready: string };

export interface ProcessSpec {
  /** unique in the table: `etcd`, `apiserver`, `agent-n1`; names `<name>.log` and `<name>.pid` */
  name: string;
  /** the program and its arguments, as the process's /proc/<pid>/cmdline shows them */
  argv: string[];
  /** run inside this network namespace (`nsenter --net=/run/netns/<netns>`), else on the host */
  netns?: string;
  /** a URL that answers 200 once the process serves */
  readyUrl?: string;
  /** start only once these hold */
  gates?: Gate[];
  /** the build of its program (its package's last build time): a rebuild restarts the process */
  revision?: string;
  /** stop order: higher stops first (node processes before the control plane, etcd last) */
  stopRank: number;
}

/** The command line actually spawned: nsenter execs the program, so the pid stays the program's. */
export function spawnArgv(spec: ProcessSpec): string[] {
  return spec.netns ? ['nsenter', `--net=/run/netns/${spec.netns}`, '--', ...spec.argv] : spec.argv;
}

/** The same process as `spec` when its command line is exactly the spec's. */
export function sameCommand(spec: ProcessSpec, cmdline: readonly string[]): boolean {
  return cmdline.length === spec.argv.length && cmdline.every((a, i) => a === spec.argv[i]);
}
