import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { upstreamsFromResolvConf, type Upstream } from './resolv-conf.js';

const cases: { name: string; text: string; exclude?: string[]; want: Upstream[] }[] = [
  { name: 'nameserver lines in order', text: 'search lab\nnameserver 10.0.0.2\nnameserver 10.0.0.3\noptions ndots:1\n', want: [{ host: '10.0.0.2', port: 53 }, { host: '10.0.0.3', port: 53 }] },
  { name: 'IPv6 with a zone index', text: 'nameserver fe80::1%eth0\n', want: [{ host: 'fe80::1', port: 53 }] },
  { name: 'comments and junk are skipped', text: '# nameserver 1.1.1.1\nnameserver not-an-ip\n  nameserver 10.0.0.9 \n', want: [{ host: '10.0.0.9', port: 53 }] },
  { name: 'the cluster DNS address itself is left out (no loop)', text: 'nameserver 169.254.20.10\nnameserver 10.0.0.2\n', exclude: ['169.254.20.10'], want: [{ host: '10.0.0.2', port: 53 }] },
  { name: 'none', text: '', want: [] },
];

void describe('resolv.conf upstreams', () => {
  for (const c of cases) void it(c.name, () => assert.deepEqual(upstreamsFromResolvConf(c.text, c.exclude), c.want));
});
