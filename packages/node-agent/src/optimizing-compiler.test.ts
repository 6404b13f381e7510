// The agent runs without V8's optimizing compiler unless asked (optimizing-compiler.ts): a hot
// function stays unoptimized after the module loads, and is optimized once turned back on.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

const moduleUrl = new URL('./optimizing-compiler.js', import.meta.url).href;

/** Whether a hot loop got TurboFan code in a fresh process that imported the module (and maybe turned it on). */
function turbofanned(turnOn: boolean): boolean {
  const script = `
    const { useOptimizingCompiler } = await import(${JSON.stringify(moduleUrl)});
    ${turnOn ? 'useOptimizingCompiler(true);' : ''}
    function hot(a) { let s = 0; for (let i = 0; i < a.length; i++) s += a[i] * 2; return s; }
    const a = Array.from({ length: 1000 }, (_, i) => i);
    for (let i = 0; i < 100000; i++) hot(a);
    process.stdout.write(String(%GetOptimizationStatus(hot)));`;
  const r = spawnSync(process.execPath, ['--allow-natives-syntax', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  const TURBOFANNED = 1 << 6; // V8's OptimizationStatus::kTurboFanned
  return (Number(r.stdout) & TURBOFANNED) !== 0;
}

void describe('the optimizing compiler of the agent', () => {
  void it('stays off once the module is imported', () => assert.equal(turbofanned(false), false));
  void it('optimizes hot code again when turned on (--js-optimizer)', () => assert.equal(turbofanned(true), true));
});
