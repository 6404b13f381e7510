import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { containerLabels, LABELS, parseLabels, sandboxLabels } from './labels.js';

const pod = { uid: 'u1', namespace: 'ns', name: 'web' };

void describe('labels', () => {
  void it('a sandbox round-trips, keeping the pod labels', () => {
    const p = parseLabels(sandboxLabels({ pod, attempt: 2, hostname: 'web', labels: { app: 'web' } }));
    assert.deepEqual(p, { type: 'sandbox', pod, attempt: 2, restartCount: 0, own: { app: 'web' } });
  });
  void it('a container round-trips', () => {
    const p = parseLabels(containerLabels('sb', { pod, name: 'app', restartCount: 4, image: 'i', entrypoint: [], cmd: [], env: [], specHash: 'h' }));
    assert.deepEqual(p, { type: 'container', pod, attempt: 0, restartCount: 4, containerName: 'app', sandboxId: 'sb', specHash: 'h', own: {} });
  });
  const good = containerLabels('sb', { pod, name: 'app', restartCount: 1, image: 'i', entrypoint: [], cmd: [], env: [] });
  const cases: { name: string; labels: Record<string, string> | undefined }[] = [
    { name: 'no labels', labels: undefined },
    { name: 'not ours', labels: { app: 'x' } },
    { name: 'unknown type', labels: { ...good, [LABELS.type]: 'volume' } },
    { name: 'no pod uid', labels: { ...good, [LABELS.podUid]: '' } },
    { name: 'restart count not a number', labels: { ...good, [LABELS.restartCount]: 'x' } },
    { name: 'container without its sandbox', labels: Object.fromEntries(Object.entries(good).filter(([k]) => k !== LABELS.sandboxId)) },
  ];
  for (const c of cases) void it(`ignored: ${c.name}`, () => assert.equal(parseLabels(c.labels), undefined));
});
