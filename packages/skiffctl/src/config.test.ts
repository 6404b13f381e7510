import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync, statSync } from 'node:fs';
import { DEFAULT_SERVER, loadConfig, normalizeServer, resolveConnection, writeConfig, type ConnectionFlags } from './config.js';
import { tempDir, writeFiles } from './testing/run.js';

interface Case {
  name: string;
  /** Files under the temp home; `.skiff/config` is the default config. */
  files?: Record<string, string>;
  flags?: ConnectionFlags;
  env?: Record<string, string>;
  want: { server: string; token?: string; namespace?: string };
}

const cases: Case[] = [
  { name: 'nothing set: the default server', want: { server: DEFAULT_SERVER } },
  { name: 'default config file', files: { '.skiff/config': 'server: 10.0.0.1:6443\ntoken: t1\n' }, want: { server: '10.0.0.1:6443', token: 't1' } },
  { name: 'config file as JSON', files: { '.skiff/config': '{"server":"10.0.0.2:6443"}' }, want: { server: '10.0.0.2:6443' } },
  {
    name: 'env beats the file',
    files: { '.skiff/config': 'server: 10.0.0.1:6443\ntoken: t1\n' },
    env: { SKIFF_SERVER: '10.0.0.3:6443', SKIFF_TOKEN: 't3' },
    want: { server: '10.0.0.3:6443', token: 't3' },
  },
  {
    name: 'flags beat env',
    env: { SKIFF_SERVER: '10.0.0.3:6443', SKIFF_TOKEN: 't3' },
    flags: { server: '10.0.0.4:6443', token: 't4' },
    want: { server: '10.0.0.4:6443', token: 't4' },
  },
  {
    name: 'SKIFFCONFIG names another file',
    files: { '.skiff/config': 'server: 10.0.0.1:6443\n', 'other.yaml': 'server: 10.0.0.5:6443\n' },
    env: { SKIFFCONFIG: '@/other.yaml' },
    want: { server: '10.0.0.5:6443' },
  },
  {
    name: '--config beats SKIFFCONFIG',
    files: { 'a.yaml': 'server: 10.0.0.6:6443\n', 'b.yaml': 'server: 10.0.0.7:6443\n' },
    env: { SKIFFCONFIG: '@/a.yaml' },
    flags: { config: '@/b.yaml' },
    want: { server: '10.0.0.7:6443' },
  },
  {
    name: 'tokenFile relative to the config file',
    files: { '.skiff/config': 'server: 10.0.0.1:6443\ntokenFile: token\n', '.skiff/token': 'secret\n' },
    want: { server: '10.0.0.1:6443', token: 'secret' },
  },
  { name: 'namespace from the file', files: { '.skiff/config': 'namespace: team-a\n' }, want: { server: DEFAULT_SERVER, namespace: 'team-a' } },
  { name: 'empty file', files: { '.skiff/config': '' }, want: { server: DEFAULT_SERVER } },
];

for (const c of cases) {
  void test(`resolveConnection: ${c.name}`, () => {
    const home = writeFiles(c.files ?? {});
    const fix = (v: string | undefined): string | undefined => v?.replace('@', home);
    const env = Object.fromEntries(Object.entries(c.env ?? {}).map(([k, v]) => [k, fix(v)!]));
    const flags: ConnectionFlags = { ...c.flags, ...(c.flags?.config ? { config: fix(c.flags.config)! } : {}) };
    const conn = resolveConnection(flags, { env, home });
    assert.equal(conn.server, c.want.server);
    assert.equal(conn.token, c.want.token);
    assert.equal(conn.namespace, c.want.namespace ?? 'default');
  });
}

const errorCases: { name: string; files: Record<string, string>; env?: Record<string, string>; match: RegExp }[] = [
  { name: 'explicit missing file', files: {}, env: { SKIFFCONFIG: '/nonexistent/skiff.yaml' }, match: /config file \/nonexistent\/skiff\.yaml not found/ },
  { name: 'unknown key', files: { '.skiff/config': 'sever: x\n' }, match: /unknown key "sever"/ },
  { name: 'wrong type', files: { '.skiff/config': 'server: 6443\n' }, match: /server must be a string/ },
  { name: 'bad YAML', files: { '.skiff/config': 'server: [\n' }, match: /config file .*config: / },
  { name: 'missing tokenFile', files: { '.skiff/config': 'tokenFile: nope\n' }, match: /tokenFile .*nope/ },
];

for (const c of errorCases) {
  void test(`resolveConnection error: ${c.name}`, () => {
    const home = writeFiles(c.files);
    assert.throws(() => resolveConnection({}, { env: c.env ?? {}, home }), c.match);
  });
}

void test('writeConfig then loadConfig round-trips, mode 0600', () => {
  const home = tempDir();
  const path = writeConfig({ server: '127.0.0.1:7443', token: 'abc' }, { home, env: {} });
  assert.equal(path, join(home, '.skiff', 'config'));
  assert.equal(statSync(path).mode & 0o777, 0o600);
  const cfg = loadConfig({ home, env: {} });
  assert.equal(cfg.server, '127.0.0.1:7443');
  assert.equal(cfg.token, 'abc');
  assert.match(readFileSync(path, 'utf8'), /server: 127\.0\.0\.1:7443/);
});

void test('normalizeServer strips schemes and trailing slashes', () => {
  assert.equal(normalizeServer('grpc://host:1/'), 'host:1');
  assert.equal(normalizeServer('http://host:1'), 'host:1');
  assert.equal(normalizeServer('host:1'), 'host:1');
});
