import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffSnapshots, type PodLifecycleEventType, type Snapshot } from './relist.js';

type S = 'running' | 'exited' | 'unknown';
const snap = (entries: [string, S][]): Snapshot => new Map(entries.map(([id, state]) => [id, { podUid: 'p', state }]));

void describe('diffSnapshots (the kubelet generic PLEG events)', () => {
  const cases: { name: string; old: [string, S][]; cur: [string, S][]; want: [PodLifecycleEventType, string][] }[] = [
    { name: 'no change', old: [['a', 'running']], cur: [['a', 'running']], want: [] },
    { name: 'new and running', old: [], cur: [['a', 'running']], want: [['ContainerStarted', 'a']] },
    { name: 'created (unknown)', old: [], cur: [['a', 'unknown']], want: [['ContainerChanged', 'a']] },
    { name: 'started after created', old: [['a', 'unknown']], cur: [['a', 'running']], want: [['ContainerStarted', 'a']] },
    { name: 'died', old: [['a', 'running']], cur: [['a', 'exited']], want: [['ContainerDied', 'a']] },
    { name: 'new and already exited', old: [], cur: [['a', 'exited']], want: [['ContainerDied', 'a']] },
    { name: 'removed after it died', old: [['a', 'exited']], cur: [], want: [['ContainerRemoved', 'a']] },
    { name: 'removed while running', old: [['a', 'running']], cur: [], want: [['ContainerDied', 'a'], ['ContainerRemoved', 'a']] },
    { name: 'removed before it ran', old: [['a', 'unknown']], cur: [], want: [['ContainerDied', 'a'], ['ContainerRemoved', 'a']] },
  ];
  for (const c of cases) {
    void it(c.name, () => assert.deepEqual(diffSnapshots(snap(c.old), snap(c.cur)).map((e) => [e.type, e.containerId]), c.want));
  }
});
