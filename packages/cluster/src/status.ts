// `skiff-cluster status`: the processes as the supervisor sees them, and the lab's nodes.
import { status as labStatus, type LabStatus } from '@skiff/lab';
import { readClusterConfig } from './cluster-config.js';
import { statePaths } from './state-dir.js';
import { supervisorPid } from './supervisor/control.js';
import { readStatus, type ProcessStatus } from './supervisor/table.js';

export interface ClusterStatus {
  stateDir: string;
  supervisorPid?: number;
  server?: string;
  processes: ProcessStatus[];
  lab?: LabStatus;
}

export async function clusterStatus(stateDir: string): Promise<ClusterStatus> {
  const paths = statePaths(stateDir);
  const config = readClusterConfig(paths.config);
  const pid = supervisorPid(paths);
  const lab = config ? await labStatus({ name: config.labName, stateDir: paths.lab }) : undefined;
  return {
    stateDir: paths.dir,
    ...(pid !== undefined ? { supervisorPid: pid } : {}),
    ...(config && lab ? { server: `${lab.bridgeAddress}:${config.ports.api}` } : {}),
    processes: pid !== undefined ? readStatus(paths.supervisorStatus).processes : [],
    ...(lab ? { lab } : {}),
  };
}

export function formatStatus(s: ClusterStatus): string {
  const lines = [`state folder ${s.stateDir}`];
  lines.push(s.supervisorPid !== undefined ? `supervisor pid ${s.supervisorPid}` : 'supervisor not running');
  if (s.server) lines.push(`apiserver ${s.server}`);
  if (s.processes.length) {
    lines.push('PROCESS               PID      READY  RESTARTS  NOTE');
    for (const p of s.processes) {
      const note = p.waitingFor ? `waiting for ${p.waitingFor}` : (p.lastExit ?? '');
      lines.push(`${p.name.padEnd(22)}${String(p.pid ?? '-').padEnd(9)}${String(p.ready).padEnd(7)}${String(p.restarts).padEnd(10)}${note}`);
    }
  }
  if (s.lab) for (const n of s.lab.nodes) lines.push(`node ${n.name}: ${n.address} netns ${n.netns} dockerd ${n.ready ? 'ready' : 'not ready'}`);
  return lines.join('\n');
}
