// What `npm start` prints at the end: where the cluster is, what to try, how to reach the app.
import type { UpResult } from './up.js';

export function summary(r: UpResult, userConfig: boolean): string {
  const t = r.timings.map((s) => `${s.step} ${s.seconds.toFixed(1)} s`).join(', ');
  const ctl = userConfig ? 'npx skiffctl' : `SKIFFCONFIG=${r.paths.skiffctlConfig} npx skiffctl`;
  const lines = [
    '',
    `Skiff is running: ${r.lab.nodes.length} nodes, ready in ${r.totalSeconds.toFixed(1)} s (${t})`,
    `  apiserver        ${r.server} (token in ${r.paths.adminToken}; skiffctl reads ${userConfig ? '~/.skiff/config' : r.paths.skiffctlConfig})`,
    `  nodes            ${r.lab.nodes.map((n) => `${n.name} ${n.address} (netns ${n.netns})`).join(', ')}`,
    `  logs and pids    ${r.paths.dir}/*.log, *.pid; supervisor: ${r.paths.supervisorLog}`,
    '',
    'Try:',
    `  ${ctl} get nodes`,
    `  ${ctl} get pods -o wide`,
    `  ${ctl} get deployments,services`,
    `  ${ctl} describe deployment my-app`,
    `  npx skiff-cluster status   (or: node packages/cluster/dist/main.js status)`,
  ];
  if (r.seed) {
    const s = r.seed;
    const n1 = r.lab.nodes[0]!;
    lines.push(
      '',
      `The seed's app (examples/node-app, image my-app:latest built on every node) answers with the name of the pod that served:`,
      `  curl http://${n1.address}:${s.nodePort}/                       # NodePort (service my-app-nodeport) on any node, from the host`,
      `  nsenter --net=/run/netns/${n1.netns} curl http://${s.clusterIP}:${s.servicePort}/   # the seed's Service my-app by its ClusterIP, from a node`,
      `  http://my-app/ from inside any pod (cluster DNS: my-app.default.svc.cluster.local)`,
    );
    for (const p of s.pods) lines.push(`  curl http://${p.ip}:${s.port}/                          # pod ${p.name} on ${p.node}, by its IP`);
  }
  lines.push('', 'Stop everything with: npm stop   (npm stop -- --purge also deletes the state folder)');
  return lines.join('\n');
}
