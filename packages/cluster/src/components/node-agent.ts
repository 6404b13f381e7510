// skiff-node-agent on every lab node: inside the node's network namespace, driving the node's own
// dockerd, with the node's address as its InternalIP and its pod CIDR; pods get the node-local
// cluster DNS address the proxy serves.
import { join } from 'node:path';
import type { Component } from './context.js';

export const nodeAgent: Component = {
  name: 'node-agent',
  processes: ({ config, paths, server, nodes, main, node, revision }) =>
    nodes.map((n) => ({
      name: `agent-${n.name}`,
      argv: [
        node, main('node-agent'),
        '--server', server, '--token-file', paths.tokenOf('node'),
        '--node-name', n.name, '--node-ip', n.address,
        '--docker-host', n.dockerHost,
        // its own directory for the pods' volumes (the agents share the host's filesystem)
        '--root-dir', join(paths.dir, 'agents', n.name),
        '--server-token-file', paths.tokenOf('agent-server'),
        '--pod-cidr', n.podCIDR, '--cluster-cidr', config.clusterCIDR,
        '--cluster-dns', config.clusterDNS, '--cluster-domain', config.clusterDomain,
      ],
      netns: n.netns,
      // not gated on the apiserver (the agent waits for it itself): its pod network is set up while
      // the apiserver starts (measured faster to Ready than starting it after the apiserver)
      gates: [{ file: `/run/netns/${n.netns}` }, { file: n.dockerHost.replace(/^unix:\/\//, '') }],
      revision: revision('node-agent'),
      stopRank: 3,
    })),
};
