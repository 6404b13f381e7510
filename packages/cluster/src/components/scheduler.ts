// skiff-scheduler on the host.
import { leaderIdentity, type Component } from './context.js';

export const scheduler: Component = {
  name: 'scheduler',
  processes: ({ config, paths, server, main, node, revision }) => [
    {
      name: 'scheduler',
      argv: [node, main('scheduler'), '--server', server, '--token-file', paths.tokenOf('scheduler'), '--leader-elect-identity', leaderIdentity(config, 'scheduler'), '--health-port', String(config.ports.schedulerHealth)],
      readyUrl: `http://127.0.0.1:${config.ports.schedulerHealth}/healthz`,
      gates: [{ ready: 'apiserver' }],
      revision: revision('scheduler'),
      stopRank: 2,
    },
  ],
};
