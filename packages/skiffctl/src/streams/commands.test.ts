import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Node } from '@skiff/api';
import { UsageError } from '../cli-error.js';
import { execStart } from './exec.js';
import { parsePortPair } from './port-forward.js';
import { nodesTable, podsTable } from './top.js';

describe('parsePortPair (kubectl port-forward forms)', () => {
  const cases: [string, string, { local: number; remote: number } | RegExp][] = [
    ['one port for both sides', '8080', { local: 8080, remote: 8080 }],
    ['local and remote', '8080:80', { local: 8080, remote: 80 }],
    ['a free local port', ':80', { local: 0, remote: 80 }],
    ['too many parts', '1:2:3', /use LOCAL:REMOTE/],
    ['not a number', 'http', /invalid remote port "http"/],
    ['out of range', '8080:70000', /between 0 and 65535/],
    ['remote port 0', '8080:0', /the remote port must be between 1 and 65535/],
  ];
  for (const [name, spec, want] of cases) {
    it(name, () => {
      if (want instanceof RegExp) assert.throws(() => parsePortPair(spec), (e: unknown) => e instanceof UsageError && want.test(e.message));
      else assert.deepEqual(parsePortPair(spec), want);
    });
  }
});

describe('execStart', () => {
  const terminal = { setRawMode: () => {}, size: () => ({ rows: 40, cols: 120 }), onResize: () => () => {} };
  const base = { pod: 'web', namespace: 'ns1', command: ['sh'] };
  const cases: { name: string; args: Partial<Parameters<typeof execStart>[0]>; terminal?: typeof terminal; want?: unknown; error?: RegExp }[] = [
    { name: 'plain', args: {}, want: { start: { target: { namespace: 'ns1', name: 'web', container: '' }, command: ['sh'], stdin: false, tty: false }, tty: false } },
    { name: '-it with a terminal sends its size', args: { stdin: true, tty: true, container: 'app' }, terminal, want: { start: { target: { namespace: 'ns1', name: 'web', container: 'app' }, command: ['sh'], stdin: true, tty: true, size: { rows: 40, cols: 120 } }, tty: true } },
    { name: '-t without a terminal warns and runs without one', args: { tty: true }, want: { start: { target: { namespace: 'ns1', name: 'web', container: '' }, command: ['sh'], stdin: false, tty: false }, tty: false, warning: 'Unable to use a TTY - input is not a terminal or the right kind of file' } },
    { name: 'no command', args: { command: [] }, error: /you must specify at least one command/ },
  ];
  for (const c of cases) {
    it(c.name, () => {
      if (c.error) assert.throws(() => execStart({ ...base, ...c.args }, c.terminal), c.error);
      else assert.deepEqual(execStart({ ...base, ...c.args }, c.terminal), c.want);
    });
  }
});

describe('top tables', () => {
  const pods = [
    { namespace: 'a', name: 'small', uid: '1', timestamp: '', windowSeconds: 1, containers: [{ name: 'app', cpuNanoCores: 1_400_000, memoryWorkingSetBytes: 3 * 1024 * 1024 }] },
    { namespace: 'b', name: 'big', uid: '2', timestamp: '', windowSeconds: 1, containers: [{ name: 'app', cpuNanoCores: 250_000_000, memoryWorkingSetBytes: 1024 * 1024 }, { name: 'side', cpuNanoCores: 0, memoryWorkingSetBytes: 1024 * 1024 }] },
  ];
  const cases: { name: string; args: Parameters<typeof podsTable>[1]; want: string[][] }[] = [
    { name: 'pods, as listed', args: { namespace: 'a' }, want: [['NAME', 'CPU(cores)', 'MEMORY(bytes)'], ['small', '1m', '3Mi'], ['big', '250m', '2Mi']] },
    { name: 'sorted by cpu, every namespace', args: { namespace: 'a', allNamespaces: true, sortBy: 'cpu' }, want: [['NAMESPACE', 'NAME', 'CPU(cores)', 'MEMORY(bytes)'], ['b', 'big', '250m', '2Mi'], ['a', 'small', '1m', '3Mi']] },
    { name: 'sorted by memory, no headers', args: { namespace: 'a', sortBy: 'memory', noHeaders: true }, want: [['small', '1m', '3Mi'], ['big', '250m', '2Mi']] },
    { name: 'containers', args: { namespace: 'a', containers: true }, want: [['POD', 'NAME', 'CPU(cores)', 'MEMORY(bytes)'], ['small', 'app', '1m', '3Mi'], ['big', 'app', '250m', '1Mi'], ['big', 'side', '0m', '1Mi']] },
  ];
  for (const c of cases) it(`podsTable: ${c.name}`, () => assert.deepEqual(podsTable(pods, c.args), c.want));

  it('podsTable refuses another sort key', () => assert.throws(() => podsTable(pods, { namespace: 'a', sortBy: 'name' }), /--sort-by accepts only cpu or memory/));

  it('nodesTable: percentages of allocatable', () => {
    const nodes = [{ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, status: { allocatable: { cpu: '2', memory: '4Gi' } } } as Node];
    const usage = [
      { name: 'n1', timestamp: '', windowSeconds: 1, cpuNanoCores: 500_000_000, memoryWorkingSetBytes: 1024 * 1024 * 1024 },
      { name: 'gone', timestamp: '', windowSeconds: 1, cpuNanoCores: 0, memoryWorkingSetBytes: 0 },
    ];
    assert.deepEqual(nodesTable(usage, nodes, {}), [
      ['NAME', 'CPU(cores)', 'CPU(%)', 'MEMORY(bytes)', 'MEMORY(%)'],
      ['n1', '500m', '25%', '1024Mi', '25%'],
      ['gone', '0m', '<unknown>', '0Mi', '<unknown>'],
    ]);
  });
});
