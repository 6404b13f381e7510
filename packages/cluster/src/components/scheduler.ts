// skiff-scheduler on the host.
import { leaderIdentity, type Component } from './context.js';

export const scheduler: Component = {
  name: 'scheduler',
  processes: ({ config, paths, server, main, node, revision }) => [
    {
      name: 'scheduler',
      argv: [node, main('scheduler'), '--server', server, '--token-file', paths.tokenOf('scheduler'), '--leader-elect-identity', leaderIdentity(config, 'scheduler'), '--health-port', String(config.ports.schedulerHealth)],
      readyUrl: `http://127.0.0.1:${config.ports.schedulerHealth}/healthz`,
      // not gated on the apiserver: it loads while etcd and the apiserver start, and waits for the apiserver itself
      revision: revision('scheduler'),
      stopRank: 2,
    },
  ],
};
