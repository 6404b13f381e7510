import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Progress, startFailureMessage, StepError, StepFailed } from './progress.js';

const NEXT = 'skiff start: what runs stays running; npm start again continues, npm stop removes it all';

/** Runs one step of a Progress that fails with `error`; returns what `npm start` prints and the lines shown. */
async function failingStep(step: string, error: Error): Promise<{ message: string; lines: string[]; thrown: unknown; timings: number }> {
  const lines: string[] = [];
  const progress = new Progress((l) => lines.push(l));
  let thrown: unknown;
  await progress
    .step(step, 'what it does', () => Promise.reject(error))
    .catch((e: unknown) => {
      thrown = e;
    });
  return { message: startFailureMessage(thrown), lines, thrown, timings: progress.timings.length };
}

const cases: { name: string; step: string; error: Error; want: (string | RegExp)[] }[] = [
  {
    name: 'a StepError: the step, its time and cause, the log to read, the fix',
    step: 'nodes',
    error: new StepError('node n2 is not Ready after 120 s', '/state/agent-n2.log', "read the agent's log; npm start again restarts what died"),
    want: [/^skiff start: step "nodes" failed after \d+\.\d s: node n2 is not Ready after 120 s$/, '  log: /state/agent-n2.log', "  fix: read the agent's log; npm start again restarts what died", NEXT],
  },
  {
    name: 'a StepError with a log and no fix',
    step: 'control plane',
    error: new StepError('etcd is not ready after 120 s (last exit: code 1)', '/state/etcd.log'),
    want: [/^skiff start: step "control plane" failed after \d+\.\d s: etcd is not ready after 120 s \(last exit: code 1\)$/, '  log: /state/etcd.log', NEXT],
  },
  {
    name: 'a StepError with a fix and no log',
    step: 'settings',
    error: new StepError('/s holds cluster local, not other', undefined, 'npm stop -- --purge first, or use another state folder'),
    want: [/^skiff start: step "settings" failed after \d+\.\d s: \/s holds cluster local, not other$/, '  fix: npm stop -- --purge first, or use another state folder', NEXT],
  },
  {
    name: 'any other error: the step and the message only',
    step: 'image',
    error: new Error('docker build exited 1'),
    want: [/^skiff start: step "image" failed after \d+\.\d s: docker build exited 1$/, NEXT],
  },
];

void describe('a failing step (progress.ts)', () => {
  for (const c of cases) {
    void it(c.name, async () => {
      const { message, lines, thrown, timings } = await failingStep(c.step, c.error);
      assert.ok(thrown instanceof StepFailed);
      assert.equal(thrown.step, c.step);
      assert.equal(thrown.reason, c.error);
      const got = message.split('\n');
      assert.equal(got.pop(), '', 'ends with a newline');
      assert.equal(got.length, c.want.length, message);
      c.want.forEach((w, i) => (typeof w === 'string' ? assert.equal(got[i], w) : assert.match(got[i]!, w)));
      assert.deepEqual(lines, [`${c.step}: what it does`], 'the step announced, no time printed for it');
      assert.equal(timings, 0, 'a failed step has no timing');
    });
  }

  void it('an error outside a step: its message', () => {
    assert.equal(startFailureMessage(new Error('no such file')), `skiff start: no such file\n${NEXT}\n`);
  });

  void it('a step that succeeds prints its detail with its time and records it', async () => {
    const lines: string[] = [];
    const progress = new Progress((l) => lines.push(l));
    assert.equal(await progress.step('routes', 'host routes', async () => ({ value: 7, detail: 'nothing to change' })), 7);
    assert.equal(lines[0], 'routes: host routes');
    assert.match(lines[1]!, /^routes: nothing to change \(\d+\.\d s\)$/);
    assert.deepEqual(progress.timings.map((t) => t.step), ['routes']);
  });
});
