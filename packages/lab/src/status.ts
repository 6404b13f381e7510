// `status`: the lab's nodes and whether each engine answers.
import { runningDockerd } from './dockerd.js';
import { SocketEngineApi } from './engine-api.js';
import { resolveOptions, type LabOptions } from './options.js';
import { readState, type LabState } from './state.js';

export interface NodeStatus {
  name: string;
  netns: string;
  address: string;
  /** DOCKER_HOST for the node's engine, `unix://<socket>` */
  dockerHost: string;
  ready: boolean;
  /** dockerd's pid, when it runs */
  dockerdPid?: number;
}

export interface LabStatus {
  name: string;
  stateDir: string;
  subnet: string;
  bridge: string;
  bridgeAddress: string;
  nodes: NodeStatus[];
}

export async function labStatus(lab: LabState): Promise<LabStatus> {
  const nodes = await Promise.all(
    lab.nodes.map(async (n): Promise<NodeStatus> => {
      const pid = await runningDockerd(n);
      const ready = pid !== undefined && (await new SocketEngineApi(n.socket).ping());
      return { name: n.name, netns: n.netns, address: n.address, dockerHost: `unix://${n.socket}`, ready, ...(pid ? { dockerdPid: pid } : {}) };
    }),
  );
  return { name: lab.name, stateDir: lab.stateDir, subnet: lab.subnet, bridge: lab.bridge, bridgeAddress: lab.bridgeAddress, nodes };
}

/** The lab's status, or undefined when there is no lab with that name and state dir. */
export async function status(o: LabOptions = {}): Promise<LabStatus | undefined> {
  const r = resolveOptions(o);
  const lab = await readState(r.stateDir);
  return lab ? labStatus(lab) : undefined;
}

/** The node's state (its socket, netns, address...) for tools that talk to its engine. */
export async function labState(o: LabOptions = {}): Promise<LabState | undefined> {
  return readState(resolveOptions(o).stateDir);
}
