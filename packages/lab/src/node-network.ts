// Observes and repairs one node's network (namespace, veth, address, routes, forwarding).
import { readFile } from 'node:fs/promises';
import { runPlan, type Command } from './command.js';
import type { Runner } from './exec.js';
import { listLinks, listRoutes, type IpLink } from './ip-link.js';
import { planNodeNetwork, planRemoveNodeNetwork } from './netns.js';
import { netnsInode } from './processes.js';
import type { LabState, NodeState } from './state.js';

async function nsIpForward(netns: string, runner: Runner): Promise<string> {
  const r = await runner.run('nsenter', [`--net=/run/netns/${netns}`, 'cat', '/proc/sys/net/ipv4/ip_forward'], { allowFail: true });
  return r.code === 0 ? r.stdout : '0';
}

/**
 * Brings the node's network to its spec. `fresh` says the namespace was just made (nothing inside
 * to observe yet); `ipForwardOn` that its net.ipv4.ip_forward is known to be on (the engine just
 * started turned it on), so it is neither read nor set.
 */
export async function ensureNodeNetwork(
  runner: Runner,
  lab: LabState,
  node: NodeState,
  hostLinks: IpLink[],
  fresh = false,
  ipForwardOn = false,
): Promise<Command[]> {
  const netnsExists = (await netnsInode(`/run/netns/${node.netns}`)) !== undefined;
  const look = netnsExists && !fresh;
  const hostVeth = hostLinks.find((l) => l.ifname === node.veth);
  const known = ipForwardOn ? '1' : '0';
  const [links, routes, ipForward] = look
    ? await Promise.all([listLinks(runner, node.netns), listRoutes(runner, node.netns), ipForwardOn ? known : nsIpForward(node.netns, runner)])
    : [[], [], known];
  const plan = planNodeNetwork(
    {
      netnsExists,
      ...(hostVeth ? { hostVeth } : {}),
      links,
      routes,
      ipForward,
    },
    {
      netns: node.netns,
      veth: node.veth,
      bridge: lab.bridge,
      address: `${node.address}/${lab.subnet.split('/')[1]}`,
      gateway: lab.bridgeAddress,
    },
  );
  await runPlan(runner, plan);
  return plan;
}

export async function removeNodeNetwork(runner: Runner, node: Pick<NodeState, 'netns' | 'veth'>, hostLinks: IpLink[]): Promise<Command[]> {
  const netnsExists = (await netnsInode(`/run/netns/${node.netns}`)) !== undefined;
  const plan = planRemoveNodeNetwork(netnsExists, hostLinks.find((l) => l.ifname === node.veth), node.netns);
  const done: Command[] = [];
  // The host side of the veth usually goes with the namespace; deleting it again is allowed to fail.
  for (const c of plan) if ((await runner.run(c.cmd, c.args, { allowFail: true })).code === 0) done.push(c);
  return done;
}

export async function hostIpForward(): Promise<string> {
  return readFile('/proc/sys/net/ipv4/ip_forward', 'utf8').catch(() => '0');
}
