// The compose file of the lab, rendered for N nodes. `deploy/compose/docker-compose.yml` is this
// rendering for 2 nodes (a unit test keeps the two the same); `skiff-compose up --nodes N` writes its
// own into the state folder. Settings are ${SKIFF_*} variables with defaults, so the file also works
// with plain docker-compose (README: deploy/compose).
import { stringify } from 'yaml';
import { nodePodCIDR } from '@skiff/cluster';

export const DEFAULT_CLUSTER_CIDR = '10.244.0.0/16';
export const IMAGE = 'skiff/compose:dev';

/** The flags docker-in-docker needs on this kind of machine (--privileged is refused: no CAP_SYS_RESOURCE). */
const NODE_RUNTIME = {
  init: true,
  cap_add: ['ALL'],
  cap_drop: ['SYS_RESOURCE'],
  security_opt: ['seccomp=unconfined', 'apparmor=unconfined'],
  device_cgroup_rules: ['a *:* rwm'],
};

const SECRETS = '${SKIFF_SECRETS:-./secrets}:/etc/skiff:ro';
const image = '${SKIFF_IMAGE:-' + IMAGE + '}';

/** A health check run inside the container with its own node: 200 from a local URL. */
function httpCheck(url: string): Record<string, unknown> {
  return {
    test: ['CMD', 'node', '-e', `fetch('${url}').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`],
    interval: '2s',
    timeout: '5s',
    retries: 60,
  };
}

export function nodeName(i: number): string {
  return `node${i}`;
}

/** The compose file (as an object) for `nodes` nodes: node I gets the I-th /24 of the cluster CIDR. */
export function composeFile(nodes: number, clusterCIDR = DEFAULT_CLUSTER_CIDR): Record<string, unknown> {
  const services: Record<string, unknown> = {
    etcd: { image, command: ['etcd'], restart: 'unless-stopped', volumes: ['etcd-data:/var/lib/etcd'] },
    apiserver: {
      image,
      command: ['apiserver'],
      restart: 'unless-stopped',
      depends_on: ['etcd'],
      ports: ['${SKIFF_API_PORT:-6443}:6443'],
      volumes: [SECRETS],
      healthcheck: httpCheck('http://127.0.0.1:6444/readyz'),
    },
    scheduler: { image, command: ['scheduler'], restart: 'unless-stopped', depends_on: { apiserver: { condition: 'service_healthy' } }, volumes: [SECRETS] },
    'controller-manager': {
      image,
      command: ['controller-manager'],
      restart: 'unless-stopped',
      depends_on: { apiserver: { condition: 'service_healthy' } },
      environment: { SKIFF_CLUSTER_CIDR: clusterCIDR },
      volumes: [SECRETS],
    },
    registry: {
      image,
      command: ['registry'],
      restart: 'unless-stopped',
      ports: ['127.0.0.1:${SKIFF_REGISTRY_PORT:-5000}:5000'],
      volumes: ['registry-data:/var/lib/docker-registry'],
      healthcheck: httpCheck('http://127.0.0.1:5000/v2/'),
    },
  };
  for (let i = 1; i <= nodes; i++) {
    const name = nodeName(i);
    services[name] = {
      image,
      command: ['node'],
      hostname: name,
      restart: 'unless-stopped',
      depends_on: { apiserver: { condition: 'service_healthy' }, registry: { condition: 'service_healthy' } },
      ...NODE_RUNTIME,
      environment: {
        SKIFF_NODE_NAME: name,
        SKIFF_POD_CIDR: nodePodCIDR(clusterCIDR, i),
        SKIFF_CLUSTER_CIDR: clusterCIDR,
        SKIFF_CGROUP_PARENT: `/skiff-compose-\${SKIFF_PROJECT:-skiff}-${name}`,
      },
      volumes: [SECRETS, '/sys/fs/cgroup:/sys/fs/cgroup:rw', `/var/lib/docker`],
    };
  }
  return { version: '2.4', services, volumes: { 'etcd-data': {}, 'registry-data': {} } };
}

export const HEADER = `# The Skiff compose lab (deploy/compose/README.md): etcd, the control plane, the lab registry and
# the nodes, each node a container with its own dockerd, node agent and proxy. Rendered by
# packages/compose/src/compose-file.ts (this file: 2 nodes); \`skiff-compose up --nodes N\` renders
# its own. Bring it up with \`npx skiff-compose up\` (it builds the image and writes the secrets).
`;

export function renderComposeFile(nodes: number, clusterCIDR = DEFAULT_CLUSTER_CIDR): string {
  return HEADER + stringify(composeFile(nodes, clusterCIDR), { lineWidth: 0 });
}
