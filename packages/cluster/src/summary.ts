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
    lines.push('', `The seed's app (examples/node-app, image my-app:latest built on every node) answers on each pod's IP:`);
    for (const p of r.seed.pods) lines.push(`  curl http://${p.ip}:${r.seed.port}/      # ${p.name} on ${p.node}`);
  }
  lines.push('', 'Stop everything with: npm stop   (npm stop -- --purge also deletes the state folder)');
  return lines.join('\n');
}
