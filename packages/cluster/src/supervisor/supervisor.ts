// The supervisor: a small daemon (`skiff-cluster supervise`) that keeps every process of its table
// running. A process starts once its gates hold (a node's namespace exists, the apiserver is
// ready...); one that exits is started again (at once, then with a growing delay) and the restart is
// logged. Processes run in their own session, so a supervisor that dies leaves them running: the
// next one adopts them by their pidfiles. SIGHUP re-reads the table (new processes start, removed
// ones stop, changed ones restart); SIGTERM stops every process, node processes first, etcd last.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, writeSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { sameCommand, spawnArgv, type Gate, type ProcessSpec } from '../process-spec.js';
import type { StatePaths } from '../state-dir.js';
import { restartDelayMs } from './backoff.js';
import { liveCmdline, readPidfile, removePidfile, terminate, writePidfile } from './proc.js';
import { readTable, writeJsonAtomic, type ProcessStatus, type SupervisorStatus } from './table.js';

export const TICK_MS = 100;
/**
 * How often a ready process's readiness URL is asked again. Until it answers, every tick asks, so
 * whatever waits for it starts at once; after that, a probe every tick of ten processes would cost the
 * processes themselves (the apiserver among them) and the supervisor a steady share of a core.
 */
export const READY_PROBE_MS = 2_000;
export const STOP_GRACE_MS = 10_000;

interface Managed {
  spec: ProcessSpec;
  pid?: number;
  child?: ChildProcess;
  startedAt: number;
  restarts: number;
  delayMs?: number;
  notBefore: number;
  ready: boolean;
  probing: boolean;
  /** no readiness probe before this time */
  nextProbe: number;
  waitingFor?: string;
  lastExit?: string;
  stopping: boolean;
}

/** Ours, from an earlier table or supervisor: the same program (and script) as the spec's. */
function sameProgram(spec: ProcessSpec, cmdline: readonly string[]): boolean {
  return cmdline[0] === spec.argv[0] && cmdline[1] === spec.argv[1];
}

function hasAddress(address: string): boolean {
  return Object.values(networkInterfaces()).some((list) => list?.some((a) => a.address === address));
}

export class Supervisor {
  private readonly procs = new Map<string, Managed>();
  private statusText = '';
  /** the table's generation once it is applied (its removed and changed processes stopped) */
  private generation = 0;

  constructor(
    private readonly paths: StatePaths,
    private readonly log: (line: string) => void,
  ) {}

  /** Runs until `signal` aborts, then stops every process. `reload` re-reads the table. */
  async run(signal: AbortSignal, reload: EventTarget): Promise<void> {
    await this.load();
    const onReload = () => void this.load().catch((e: Error) => this.log(`reload failed: ${e.message}`));
    reload.addEventListener('reload', onReload);
    while (!signal.aborted) {
      this.tick();
      await new Promise((r) => setTimeout(r, TICK_MS));
    }
    reload.removeEventListener('reload', onReload);
    await this.stopAll();
  }

  /** Applies the table on disk: adopt or start new processes, stop removed or changed ones. */
  private async load(): Promise<void> {
    const { generation, processes: table } = readTable(this.paths.table);
    const wanted = new Map(table.map((s) => [s.name, s]));
    const stops: Promise<void>[] = [];
    for (const [name, m] of this.procs) {
      const want = wanted.get(name);
      if (!want) {
        this.procs.delete(name);
        stops.push(this.stop(m, 'removed from the table'));
      } else if (JSON.stringify(want) !== JSON.stringify(m.spec)) {
        // changed: the new spec starts once the old process has stopped
        const next = this.fresh(want);
        next.stopping = true;
        this.procs.set(name, next);
        stops.push(
          this.stop(m, 'its command line changed').then(() => {
            next.stopping = false;
          }),
        );
      }
    }
    for (const spec of table) if (!this.procs.has(spec.name)) this.procs.set(spec.name, this.adopt(spec));
    // keep the table's order
    const ordered = table.map((s) => [s.name, this.procs.get(s.name)!] as const);
    this.procs.clear();
    for (const [k, v] of ordered) this.procs.set(k, v);
    await Promise.all(stops);
    this.generation = generation;
  }

  private fresh(spec: ProcessSpec): Managed {
    return { spec, startedAt: 0, restarts: 0, notBefore: 0, ready: false, probing: false, nextProbe: 0, stopping: false };
  }

  /** A process a previous supervisor started keeps running when its command line is the spec's. */
  private adopt(spec: ProcessSpec): Managed {
    const m = this.fresh(spec);
    const pid = readPidfile(this.paths.pid(spec.name));
    if (pid === undefined) return m;
    const cmd = liveCmdline(pid);
    if (cmd && sameCommand(spec, cmd)) {
      m.pid = pid;
      m.startedAt = Date.now();
      this.log(`adopted ${spec.name} (pid ${pid})`);
    } else if (cmd && sameProgram(spec, cmd)) {
      this.log(`${spec.name} (pid ${pid}) runs with another command line: restarting it`);
      m.stopping = true;
      void terminate(pid, STOP_GRACE_MS, (c) => sameProgram(spec, c)).then(() => {
        m.stopping = false;
      });
    } else {
      removePidfile(this.paths.pid(spec.name));
    }
    return m;
  }

  private gateBlocks(g: Gate): string | undefined {
    if ('file' in g) return existsSync(g.file) ? undefined : g.file;
    if ('address' in g) return hasAddress(g.address) ? undefined : `address ${g.address}`;
    return this.procs.get(g.ready)?.ready ? undefined : `${g.ready} to be ready`;
  }

  private tick(): void {
    const now = Date.now();
    for (const m of this.procs.values()) {
      if (m.stopping) continue;
      if (m.pid !== undefined && !m.child && !liveCmdline(m.pid)) this.exited(m, 'is gone');
      if (m.pid === undefined) {
        if (now < m.notBefore) continue;
        const blocked = (m.spec.gates ?? []).map((g) => this.gateBlocks(g)).find((b) => b !== undefined);
        if (blocked) {
          if (m.waitingFor !== blocked) this.log(`${m.spec.name} waits for ${blocked}`);
          m.waitingFor = blocked;
          continue;
        }
        m.waitingFor = undefined;
        this.start(m);
      } else if (m.spec.readyUrl && !m.probing && now >= m.nextProbe) {
        m.probing = true;
        void this.probe(m);
      } else if (!m.spec.readyUrl) {
        m.ready = true;
      }
    }
    this.writeStatus();
  }

  private async probe(m: Managed): Promise<void> {
    let ok = false;
    try {
      const res = await fetch(m.spec.readyUrl!, { signal: AbortSignal.timeout(1000) });
      ok = res.ok;
      await res.body?.cancel();
    } catch {}
    if (m.pid !== undefined) {
      if (ok && !m.ready) this.log(`${m.spec.name} is ready`);
      else if (!ok && m.ready) this.log(`${m.spec.name} is not ready`);
      m.ready = ok;
      m.nextProbe = ok ? Date.now() + READY_PROBE_MS : 0;
    }
    m.probing = false;
  }

  private start(m: Managed): void {
    const argv = spawnArgv(m.spec);
    const logPath = this.paths.log(m.spec.name);
    const fd = openSync(logPath, 'a');
    writeSync(fd, `---- ${new Date().toISOString()} skiff-cluster supervisor: starting ${argv.join(' ')}\n`);
    let child: ChildProcess;
    try {
      child = spawn(argv[0]!, argv.slice(1), { detached: true, stdio: ['ignore', fd, fd] });
    } finally {
      closeSync(fd);
    }
    const pid = child.pid;
    child.on('error', (e) => {
      if (m.child === child) this.exited(m, `could not start: ${e.message}`);
    });
    if (pid === undefined) return;
    m.child = child;
    m.pid = pid;
    m.startedAt = Date.now();
    m.ready = false;
    writePidfile(this.paths.pid(m.spec.name), pid);
    child.on('exit', (code, sig) => {
      if (m.child === child) this.exited(m, sig ? `was killed by ${sig}` : `exited with code ${code}`);
    });
    const verb = m.restarts > 0 ? `restarted (restart ${m.restarts}, ${m.lastExit})` : 'started';
    this.log(`${m.spec.name} ${verb}: pid ${pid}${m.spec.netns ? ` in netns ${m.spec.netns}` : ''}; log ${logPath}`);
  }

  private exited(m: Managed, why: string): void {
    const ranFor = Date.now() - m.startedAt;
    const pid = m.pid;
    m.pid = undefined;
    m.child = undefined;
    m.ready = false;
    m.nextProbe = 0;
    if (m.stopping) return;
    m.delayMs = restartDelayMs(m.delayMs, ranFor);
    m.notBefore = Date.now() + m.delayMs;
    m.restarts++;
    m.lastExit = `pid ${pid ?? '?'} ${why} after ${(ranFor / 1000).toFixed(1)} s`;
    removePidfile(this.paths.pid(m.spec.name));
    this.log(`${m.spec.name}: ${m.lastExit}; restarting ${m.delayMs ? `in ${m.delayMs / 1000} s` : 'now'}; log ${this.paths.log(m.spec.name)}`);
  }

  private async stop(m: Managed, why: string): Promise<void> {
    m.stopping = true;
    const pid = m.pid;
    if (pid === undefined) return;
    const how = await terminate(pid, STOP_GRACE_MS, (c) => sameProgram(m.spec, c));
    m.pid = undefined;
    m.child = undefined;
    removePidfile(this.paths.pid(m.spec.name));
    this.log(`stopped ${m.spec.name} (pid ${pid}, ${how}): ${why}`);
  }

  /** Stops every process, the highest stopRank first (each rank's processes together). */
  private async stopAll(): Promise<void> {
    const all = [...this.procs.values()];
    for (const m of all) m.stopping = true;
    const ranks = [...new Set(all.map((m) => m.spec.stopRank))].sort((a, b) => b - a);
    for (const r of ranks) await Promise.all(all.filter((m) => m.spec.stopRank === r).map((m) => this.stop(m, 'the cluster is stopping')));
    this.procs.clear();
    this.writeStatus();
  }

  private writeStatus(): void {
    const processes: ProcessStatus[] = [...this.procs.values()].map((m) => ({
      name: m.spec.name,
      ...(m.pid !== undefined ? { pid: m.pid } : {}),
      ready: m.ready,
      restarts: m.restarts,
      ...(m.waitingFor ? { waitingFor: m.waitingFor } : {}),
      ...(m.lastExit ? { lastExit: m.lastExit } : {}),
    }));
    const status: SupervisorStatus = { generation: this.generation, processes };
    const text = JSON.stringify(status);
    if (text === this.statusText) return;
    this.statusText = text;
    writeJsonAtomic(this.paths.supervisorStatus, status);
  }
}
