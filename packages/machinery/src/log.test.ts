import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger, discardLogger, levelFromEnv } from './log.js';

function capture(): { stream: Writable; lines: () => string[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString());
      cb();
    },
  });
  return { stream, lines: () => chunks.join('').split('\n').filter(Boolean) };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

void test('json lines carry ts, level, component, msg and fields', async () => {
  const out = capture();
  const log = createLogger({ component: 'scheduler', level: 'info', stream: out.stream });
  log.child({ pod: 'default/web' }).info('pod bound', { node: 'n1' });
  log.debug('hidden');
  log.error('reconcile failed', { err: Object.assign(new Error('boom'), { code: 'ABORTED' }) });
  await tick();
  const [first, second, ...rest] = out.lines().map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(rest.length, 0);
  assert.deepEqual(Object.keys(first!).slice(0, 4), ['ts', 'level', 'component', 'msg']);
  assert.equal(first!.component, 'scheduler');
  assert.equal(first!.msg, 'pod bound');
  assert.equal(first!.pod, 'default/web');
  assert.equal(first!.node, 'n1');
  assert.match(String(first!.ts), /^\d{4}-\d\d-\d\dT/);
  const err = second!.err as Record<string, unknown>;
  assert.equal(err.message, 'boom');
  assert.equal(err.code, 'ABORTED');
});

void test('text format', async () => {
  const out = capture();
  const log = createLogger({ component: 'agent', level: 'debug', format: 'text', stream: out.stream });
  log.debug('started', { pod: 'ns/p', msg2: 'two words' });
  await tick();
  assert.match(out.lines()[0]!, /^\S+ DEBUG agent started pod=ns\/p msg2="two words"$/);
});

void test('level from env', async (t) => {
  const cases = [
    { name: 'unset', env: {}, want: 'info' },
    { name: 'debug', env: { SKIFF_LOG_LEVEL: 'debug' }, want: 'debug' },
    { name: 'upper case', env: { SKIFF_LOG_LEVEL: 'WARN' }, want: 'warn' },
    { name: 'unknown', env: { SKIFF_LOG_LEVEL: 'loud' }, want: 'info' },
  ];
  for (const c of cases) await t.test(c.name, () => assert.equal(levelFromEnv(c.env), c.want));
});

void test('discard logger is silent', () => {
  discardLogger().error('nothing', { a: 1 });
});
