import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PodSecurityContext, SecurityContext } from '@skiff/api';
import type { ContainerSecurity } from '../runtime/runtime.js';
import { containerSecurity } from './security.js';

void describe('containerSecurity', () => {
  const pod = { namespace: 'ns', name: 'web', uid: 'u1' };
  const cases: { name: string; podSc?: PodSecurityContext; sc?: SecurityContext; imageUser?: string; want?: ContainerSecurity; error?: RegExp }[] = [
    { name: 'nothing set', want: {} },
    { name: 'runAsUser from the pod', podSc: { runAsUser: 1000 }, want: { user: '1000' } },
    { name: 'the container overrides the pod', podSc: { runAsUser: 1000, runAsGroup: 1000 }, sc: { runAsUser: 2000 }, want: { user: '2000:1000' } },
    { name: 'runAsGroup without runAsUser', sc: { runAsGroup: 5 }, error: /runAsGroup is specified without a runAsUser/ },
    { name: 'fsGroup then supplementalGroups', podSc: { fsGroup: 2000, supplementalGroups: [3000, 4000] }, want: { groupAdd: ['2000', '3000', '4000'] } },
    {
      name: 'capabilities, privileged, read-only root, no privilege escalation',
      sc: { capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] }, privileged: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
      want: { capAdd: ['NET_ADMIN'], capDrop: ['ALL'], privileged: true, readOnlyRootfs: true, noNewPrivileges: true },
    },
    { name: 'allowPrivilegeEscalation true sets nothing', sc: { allowPrivilegeEscalation: true }, want: {} },
    { name: 'runAsNonRoot with a non-root runAsUser', sc: { runAsNonRoot: true, runAsUser: 1000 }, imageUser: '', want: { user: '1000' } },
    { name: 'runAsNonRoot with runAsUser 0', sc: { runAsNonRoot: true, runAsUser: 0 }, error: /container's runAsUser breaks non-root policy \(pod: "web_ns\(u1\)", container: app\)/ },
    { name: 'runAsNonRoot on an image without USER', podSc: { runAsNonRoot: true }, imageUser: '', error: /image will run as root/ },
    { name: 'runAsNonRoot on an image running as 0:0', podSc: { runAsNonRoot: true }, imageUser: '0:0', error: /image will run as root/ },
    { name: 'runAsNonRoot on an image with a numeric user', podSc: { runAsNonRoot: true }, imageUser: '1000:1000', want: {} },
    { name: 'runAsNonRoot on an image with a user name', podSc: { runAsNonRoot: true }, imageUser: 'nobody', error: /image has non-numeric user \(nobody\), cannot verify user is non-root/ },
    { name: 'the container turns runAsNonRoot off', podSc: { runAsNonRoot: true }, sc: { runAsNonRoot: false }, imageUser: '', want: {} },
  ];
  for (const c of cases) {
    void it(c.name, () => {
      const run = () => containerSecurity({ pod, podSecurityContext: c.podSc, container: { name: 'app', securityContext: c.sc }, imageUser: c.imageUser ?? '' });
      if (c.error) assert.throws(run, c.error);
      else assert.deepEqual(run(), c.want);
    });
  }
});
