// skiff-proxy's core: change trackers, the iptables rule generator and wrapper, the
// bounded-frequency runner, the proxier that ties them together, and the process (run).
export * from './tracker/service-port.js';
export * from './tracker/endpoint-info.js';
export * from './tracker/change-tracker.js';
export * from './iptables/chain-names.js';
export * from './iptables/fixed-rules.js';
export * from './iptables/service-rules.js';
export * from './iptables/rules-planner.js';
export * from './iptables/iptables.js';
export * from './iptables/exec-iptables.js';
export * from './iptables/backend.js';
export * from './iptables/fake-iptables.js';
export * from './iptables/syncer.js';
export * from './iptables/cleanup.js';
export * from './runner/bounded-frequency-runner.js';
export * from './proxier.js';
export * from './process/run-config.js';
export * from './process/sync-health.js';
export * from './process/metrics.js';
export * from './process/cleanup-node.js';
export * from './run.js';
export * from './dns/zone-index.js';
export * from './dns/cluster-zone.js';
export * from './dns/resolv-conf.js';
export * from './dns/forwarder.js';
export * from './dns/dns-server.js';
export * from './dns/dns-address.js';
