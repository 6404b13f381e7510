// skiff-proxy on every lab node: inside the node's network namespace, programming that node's
// iptables for Services (ClusterIP, NodePort) and answering cluster DNS on the node-local address
// the agents give the pods as their nameserver.
import type { Component } from './context.js';

export const proxy: Component = {
  name: 'proxy',
  processes: ({ config, paths, server, nodes, main, node, revision }) =>
    nodes.map((n) => ({
      name: `proxy-${n.name}`,
      argv: [
        node, main('proxy'),
        '--server', server, '--token-file', paths.tokenOf('proxy'),
        '--hostname-override', n.name, '--cluster-cidr', config.clusterCIDR,
        '--cluster-dns-ip', config.clusterDNS, '--cluster-domain', config.clusterDomain,
      ],
      netns: n.netns,
      gates: [{ file: `/run/netns/${n.netns}` }, { ready: 'apiserver' }],
      revision: revision('proxy'),
      stopRank: 3,
    })),
};
