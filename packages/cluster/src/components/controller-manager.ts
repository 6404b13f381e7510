// skiff-controller-manager on the host.
import type { Component } from './context.js';

export const controllerManager: Component = {
  name: 'controller-manager',
  processes: ({ config, paths, server, main, node, revision }) => [
    {
      name: 'controller-manager',
      argv: [node, main('controller-manager'), '--server', server, '--token-file', paths.tokenOf('controller-manager'), '--http-listen', `127.0.0.1:${config.ports.controllerManagerHttp}`],
      readyUrl: `http://127.0.0.1:${config.ports.controllerManagerHttp}/healthz`,
      gates: [{ ready: 'apiserver' }],
      revision: revision('controller-manager'),
      stopRank: 2,
    },
  ],
};
