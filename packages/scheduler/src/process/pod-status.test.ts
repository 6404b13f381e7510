import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod, PodCondition } from '@skiff/api';
import { failureStatusPatch, type SchedulingFailureStatus } from './pod-status.js';

const NOW = '2026-01-01T00:00:10Z';
const EARLIER = '2026-01-01T00:00:00Z';
const msg = '0/1 nodes are available: 1 Insufficient cpu.';

function pod(conditions: PodCondition[] = [], nominatedNodeName?: string): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { containers: [] }, status: { conditions, ...(nominatedNodeName ? { nominatedNodeName } : {}) } };
}

const cases: { name: string; pod: Pod; failure: SchedulingFailureStatus; want: unknown }[] = [
  {
    name: 'no condition yet: set it',
    pod: pod(),
    failure: { reason: 'Unschedulable', message: msg },
    want: { status: { conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: msg, lastTransitionTime: NOW }] } },
  },
  {
    name: 'same condition: nothing to write',
    pod: pod([{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: msg, lastTransitionTime: EARLIER }]),
    failure: { reason: 'Unschedulable', message: msg },
    want: undefined,
  },
  {
    name: 'new message: written, transition time kept',
    pod: pod([{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: 'old', lastTransitionTime: EARLIER }]),
    failure: { reason: 'Unschedulable', message: msg },
    want: { status: { conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: msg, lastTransitionTime: EARLIER }] } },
  },
  {
    name: 'nominated node added',
    pod: pod([{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: msg, lastTransitionTime: EARLIER }]),
    failure: { reason: 'Unschedulable', message: msg, nominatedNodeName: 'n1' },
    want: { status: { conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: msg, lastTransitionTime: EARLIER }], nominatedNodeName: 'n1' } },
  },
  {
    name: 'same nominated node, same condition: nothing',
    pod: pod([{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: msg, lastTransitionTime: EARLIER }], 'n1'),
    failure: { reason: 'Unschedulable', message: msg, nominatedNodeName: 'n1' },
    want: undefined,
  },
  {
    name: 'from True to False: new transition time',
    pod: pod([{ type: 'PodScheduled', status: 'True', lastTransitionTime: EARLIER }]),
    failure: { reason: 'SchedulerError', message: 'binding rejected' },
    want: { status: { conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulerError', message: 'binding rejected', lastTransitionTime: NOW }] } },
  },
];

describe('failureStatusPatch', () => {
  for (const c of cases) it(c.name, () => assert.deepEqual(failureStatusPatch(c.pod, c.failure, NOW), c.want));
});
