// etcd on the host's loopback: only the apiserver talks to it.
import type { Component } from './context.js';

export const etcd: Component = {
  name: 'etcd',
  processes: ({ config, paths }) => {
    const client = `http://127.0.0.1:${config.ports.etcd}`;
    const peer = `http://127.0.0.1:${config.ports.etcdPeer}`;
    return [
      {
        name: 'etcd',
        argv: [
          'etcd', '--name', 'skiff-local', '--data-dir', paths.etcdData,
          '--listen-client-urls', client, '--advertise-client-urls', client,
          '--listen-peer-urls', peer, '--initial-advertise-peer-urls', peer,
          '--initial-cluster', `skiff-local=${peer}`, '--initial-cluster-state', 'new', '--initial-cluster-token', 'skiff-local',
        ],
        readyUrl: `${client}/health`,
        stopRank: 0,
      },
    ];
  },
};
