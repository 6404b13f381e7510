// skiff-node-agent on every lab node: inside the node's network namespace, driving the node's own
// dockerd, with the node's address as its InternalIP.
import type { Component } from './context.js';

export const nodeAgent: Component = {
  name: 'node-agent',
  processes: ({ config, server, nodes, tokens, main, node, revision }) =>
    nodes.map((n) => ({
      name: `agent-${n.name}`,
      argv: [
        node, main('node-agent'),
        '--server', server, '--token', tokens.node,
        '--node-name', n.name, '--node-ip', n.address,
        '--docker-host', n.dockerHost,
        '--pod-cidr', n.podCIDR, '--cluster-cidr', config.clusterCIDR,
      ],
      netns: n.netns,
      gates: [{ file: `/run/netns/${n.netns}` }, { file: n.dockerHost.replace(/^unix:\/\//, '') }, { ready: 'apiserver' }],
      revision: revision('node-agent'),
      stopRank: 3,
    })),
};
