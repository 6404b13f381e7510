// skiff-controller-manager on the host; its node IPAM gives each Node a /24 of the cluster CIDR.
import { leaderIdentity, type Component } from './context.js';

export const controllerManager: Component = {
  name: 'controller-manager',
  processes: ({ config, paths, server, main, node, revision }) => [
    {
      name: 'controller-manager',
      argv: [node, main('controller-manager'), '--server', server, '--token-file', paths.tokenOf('controller-manager'), '--leader-elect-identity', leaderIdentity(config, 'controller-manager'), '--http-listen', `127.0.0.1:${config.ports.controllerManagerHttp}`, '--cluster-cidr', config.clusterCIDR, '--node-cidr-mask-size', '24'],
      readyUrl: `http://127.0.0.1:${config.ports.controllerManagerHttp}/healthz`,
      gates: [{ ready: 'apiserver' }],
      revision: revision('controller-manager'),
      stopRank: 2,
    },
  ],
};
