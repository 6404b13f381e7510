// Imported by main, before every other module but machinery's small-daemon-heap, for its effect: V8's
// optimizing compiler (TurboFan) stays off unless `--js-optimizer` turns it back on. The agent's work
// is waiting on dockerd and the apiserver, not JavaScript; what TurboFan costs is memory: its own
// code pages in the node binary and the optimized code it makes. Measured with 100 pods on 3 lab
// nodes (npm run bench -- cluster): the agent 81-82 MB resident with TurboFan, 70-71 MB without
// (own pages 37-38 -> 30 MB, node binary pages 44 -> 40 MB), the deployment as fast. The interpreter
// and the baseline compiler (Sparkplug) still run.
import { setFlagsFromString } from 'node:v8';

/** Turns V8's optimizing compiler on or off for the code that becomes hot from now on. */
export function useOptimizingCompiler(on: boolean): void {
  setFlagsFromString(on ? '--turbofan' : '--no-turbofan');
}

useOptimizingCompiler(false);
