// skiff-apiserver on the lab bridge's address (the host and every node reach it there), with the
// token file; its HTTP endpoints on the host's loopback.
import type { Component } from './context.js';

export const apiserver: Component = {
  name: 'apiserver',
  processes: ({ config, paths, server, bridgeAddress, main, node, revision }) => [
    {
      name: 'apiserver',
      argv: [
        node, main('apiserver'),
        '--etcd-servers', `http://127.0.0.1:${config.ports.etcd}`,
        '--listen', server, '--advertise-address', bridgeAddress,
        '--http-listen', `127.0.0.1:${config.ports.apiHttp}`,
        '--token-file', paths.tokenFile,
        '--service-cluster-ip-range', config.serviceCIDR,
      ],
      readyUrl: `http://127.0.0.1:${config.ports.apiHttp}/readyz`,
      // not gated on etcd: it waits for etcd itself (retrying each second) while its modules load
      gates: [{ address: bridgeAddress }],
      revision: revision('apiserver'),
      stopRank: 1,
    },
  ],
};
