import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod, Toleration } from '@skiff/api';
import { addDefaultTolerations } from './default-tolerations.js';

const notReady: Toleration = { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 };
const unreachable: Toleration = { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 };

describe('DefaultTolerationSeconds', () => {
  const cases: { name: string; have?: Toleration[]; want: Toleration[] }[] = [
    { name: 'none: both added', want: [notReady, unreachable] },
    { name: 'own not-ready toleration kept, unreachable added', have: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 }], want: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 }, unreachable] },
    { name: 'an empty key with NoExecute tolerates both', have: [{ operator: 'Exists', effect: 'NoExecute' }], want: [{ operator: 'Exists', effect: 'NoExecute' }] },
    { name: 'an empty effect for the key tolerates it', have: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists' }], want: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists' }, notReady] },
    { name: 'a NoSchedule toleration does not count', have: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoSchedule' }], want: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoSchedule' }, notReady, unreachable] },
    { name: 'already defaulted: unchanged', have: [notReady, unreachable], want: [notReady, unreachable] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const pod: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [], ...(c.have ? { tolerations: c.have } : {}) } };
      addDefaultTolerations(pod);
      assert.deepEqual(pod.spec!.tolerations, c.want);
    });
  }
});
