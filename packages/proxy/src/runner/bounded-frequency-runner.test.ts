import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '@skiff/machinery';
import { BoundedFrequencyRunner } from './bounded-frequency-runner.js';

function setup(work: (clock: FakeClock) => Promise<void> = () => Promise.resolve()) {
  const clock = new FakeClock(0);
  const starts: number[] = [];
  const errors: unknown[] = [];
  const runner = new BoundedFrequencyRunner(
    async () => {
      starts.push(clock.now());
      await work(clock);
    },
    { clock, minIntervalMs: 1000, maxIntervalMs: 30000, onError: (e) => errors.push(e) },
  );
  const ac = new AbortController();
  runner.start(ac.signal);
  return { clock, starts, errors, runner, ac };
}

void describe('bounded frequency runner', () => {
  void it('started with a signal that already aborted, runs nothing and keeps no timer', async () => {
    const clock = new FakeClock(0);
    let runs = 0;
    const runner = new BoundedFrequencyRunner(async () => void runs++, { clock, minIntervalMs: 1000, maxIntervalMs: 30000, onError: () => undefined });
    runner.start(AbortSignal.abort());
    runner.run();
    await clock.tick(65000);
    assert.equal(runs, 0);
    assert.equal(clock.pending(), 0);
  });

  void it('tells how each run came about: when it was asked for, when it was due, when it fired', async () => {
    const { clock, runner, ac } = setup();
    await clock.tick(0);
    assert.deepEqual(runner.lastRun(), { askedAt: 0, due: 0, firedAt: 0 }, 'start asks for the first run');
    await clock.tick(400);
    runner.run();
    runner.run();
    await clock.tick(1000);
    assert.deepEqual(runner.lastRun(), { askedAt: 400, due: 1000, firedAt: 1000 }, 'held back by the minimum interval, asked for by the first request');
    await clock.tick(40000);
    assert.deepEqual(runner.lastRun(), { askedAt: undefined, due: 31000, firedAt: 31000 }, 'a periodic run');
    ac.abort();
  });

  void it('runs at once on start, then every maxInterval', async () => {
    const { clock, starts, ac } = setup();
    await clock.tick(0);
    await clock.tick(65000);
    assert.deepEqual(starts, [0, 30000, 60000]);
    ac.abort();
  });

  void it('coalesces a burst of requests into one run after minInterval', async () => {
    const { clock, starts, runner, ac } = setup();
    await clock.tick(0);
    await clock.tick(100);
    for (let i = 0; i < 50; i++) runner.run();
    await clock.tick(899);
    assert.deepEqual(starts, [0]);
    await clock.tick(1);
    assert.deepEqual(starts, [0, 1000]);
    await clock.tick(5000);
    assert.deepEqual(starts, [0, 1000], 'nothing more until the periodic run');
    ac.abort();
  });

  void it('a request long after the last run runs at once', async () => {
    const { clock, starts, runner, ac } = setup();
    await clock.tick(0);
    await clock.tick(10000);
    runner.run();
    await clock.tick(0);
    assert.deepEqual(starts, [0, 10000]);
    await clock.tick(30000);
    assert.deepEqual(starts, [0, 10000, 40000], 'the periodic run counts from the last run');
    ac.abort();
  });

  void it('a request during a run is kept and runs after it, one at a time', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const box: { runner?: BoundedFrequencyRunner } = {};
    const { clock, starts, runner, ac } = setup(async (c) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      if (c.now() === 0) box.runner?.run();
      await new Promise<void>((resolve) => c.setTimeout(resolve, 1500));
      inFlight--;
    });
    box.runner = runner;
    await clock.tick(0);
    await clock.tick(1500);
    assert.deepEqual(starts, [0, 1500]);
    assert.equal(maxInFlight, 1);
    ac.abort();
    await clock.tick(1500);
  });

  void it('retryAfter brings the next run forward; errors are reported and the runner goes on', async () => {
    const { clock, starts, errors, runner, ac } = setup(async (c) => {
      if (c.now() === 0) throw new Error('restore failed');
    });
    await clock.tick(0);
    assert.equal(errors.length, 1);
    runner.retryAfter(5000);
    await clock.tick(5000);
    assert.deepEqual(starts, [0, 5000]);
    ac.abort();
  });

  void it('a run that did nothing does not hold the next request back; one that did work does', async () => {
    const clock = new FakeClock(0);
    const starts: number[] = [];
    let work = false;
    const runner = new BoundedFrequencyRunner(
      async () => {
        starts.push(clock.now());
        return work;
      },
      { clock, minIntervalMs: 1000, maxIntervalMs: 30000, onError: () => undefined },
    );
    const ac = new AbortController();
    runner.start(ac.signal);
    await clock.tick(0);
    await clock.tick(30000);
    assert.deepEqual(starts, [0, 30000], 'the start and the periodic run, both doing nothing');
    await clock.tick(100);
    work = true;
    runner.run();
    await clock.tick(0);
    assert.deepEqual(starts, [0, 30000, 30100], 'at once, not 1 s after the periodic run');
    await clock.tick(100);
    runner.run();
    await clock.tick(899);
    assert.equal(starts.length, 3, 'held back by the run that did work');
    await clock.tick(1);
    assert.deepEqual(starts.slice(3), [31100]);
    await clock.tick(30000);
    assert.deepEqual(starts.slice(4), [61100], 'the periodic run counts from the last run');
    ac.abort();
  });

  void it('a request during a run that did nothing runs right after it', async () => {
    const clock = new FakeClock(0);
    const starts: number[] = [];
    const box: { runner?: BoundedFrequencyRunner } = {};
    const runner = new BoundedFrequencyRunner(
      async () => {
        starts.push(clock.now());
        if (clock.now() !== 30000) return true;
        // the periodic run: a change comes while it runs; it finds nothing to write
        box.runner?.run();
        await new Promise<void>((resolve) => clock.setTimeout(resolve, 200));
        return false;
      },
      { clock, minIntervalMs: 1000, maxIntervalMs: 30000, onError: () => undefined },
    );
    box.runner = runner;
    const ac = new AbortController();
    runner.start(ac.signal);
    await clock.tick(0);
    await clock.tick(30000);
    await clock.tick(200);
    assert.deepEqual(starts, [0, 30000, 30200]);
    ac.abort();
  });

  void it('stops on abort', async () => {
    const { clock, starts, runner, ac } = setup();
    await clock.tick(0);
    ac.abort();
    runner.run();
    await clock.tick(60000);
    assert.deepEqual(starts, [0]);
    assert.equal(clock.pending(), 0);
  });
});
