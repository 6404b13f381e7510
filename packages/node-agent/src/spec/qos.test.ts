import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Container } from '@skiff/api';
import { podQOSClass, type QOSClass } from './qos.js';

function c(requests?: Record<string, string>, limits?: Record<string, string>): Container {
  return { name: 'c', image: 'i', resources: { ...(requests && { requests }), ...(limits && { limits }) } };
}

void describe('podQOSClass', () => {
  const full = { cpu: '500m', memory: '128Mi' };
  const cases: { name: string; containers: Container[]; init?: Container[]; want: QOSClass }[] = [
    { name: 'no resources at all', containers: [c()], want: 'BestEffort' },
    { name: 'zero quantities count as none', containers: [c({ cpu: '0' }, { memory: '0' })], want: 'BestEffort' },
    { name: 'other resources do not count', containers: [c({ 'ephemeral-storage': '1Gi' })], want: 'BestEffort' },
    { name: 'requests equal limits for cpu and memory', containers: [c(full, full)], want: 'Guaranteed' },
    { name: 'limits only (requests unset)', containers: [c(undefined, full)], want: 'Burstable' },
    { name: 'equal values written differently', containers: [c({ cpu: '0.5', memory: '134217728' }, full)], want: 'Guaranteed' },
    { name: 'request below limit', containers: [c({ cpu: '250m', memory: '128Mi' }, full)], want: 'Burstable' },
    { name: 'memory limit missing', containers: [c({ cpu: '500m' }, { cpu: '500m' })], want: 'Burstable' },
    { name: 'one container guaranteed, one best effort', containers: [c(full, full), c()], want: 'Burstable' },
    { name: 'two guaranteed containers', containers: [c(full, full), c({ cpu: '1', memory: '1Gi' }, { cpu: '1', memory: '1Gi' })], want: 'Guaranteed' },
    { name: 'an init container without limits', containers: [c(full, full)], init: [c()], want: 'Burstable' },
    { name: 'requests only', containers: [c({ memory: '64Mi' })], want: 'Burstable' },
  ];
  for (const t of cases) {
    void it(t.name, () => assert.equal(podQOSClass({ containers: t.containers, initContainers: t.init }), t.want));
  }
});
