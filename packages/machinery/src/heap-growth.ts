// Heap sizing of a long-running component. V8 lets the old generation grow to several times its
// live size before a full collection: for a server whose live data is small and whose requests leave
// much short-lived garbage, that is most of its resident memory. A growth limit keeps the heap within
// `percent` over the live size, at the cost of more frequent (and shorter) full collections.
//
// The young generation is the other large part. V8 starts it at two 1 MB semi-spaces and doubles
// them, up to 16 MB each on 64-bit, whenever enough survives a scavenge; a process that once had a
// burst of work keeps both at their largest, 32 MB resident, for as long as it runs (measured on
// Node 20: the node agent with 100 pods, 32 of its 76 MB of anonymous memory). V8 reads the maximum
// (`--max-semi-space-size`) only when the heap is made, before any JavaScript runs, so the process's
// own code cannot lower it; the growth factor V8 reads at each growth, so setting it to 1 first thing
// keeps the semi-spaces at their initial size for the life of the process.
import { setFlagsFromString } from 'node:v8';

/** Sets V8's heap growing factor to 1 + percent/100 (0 keeps V8's own heuristics). Call it early. */
export function limitHeapGrowth(percent: number): void {
  if (!Number.isInteger(percent) || percent < 0) throw new Error(`heap growth must be a whole number of percent >= 0, got ${percent}`);
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`);
}

/** The `--heap-growth-percent` flag (an option record for yargs and cliFlags) with a component's default; pass its value to limitHeapGrowth. */
export function heapGrowthFlags(defaultPercent: number) {
  return {
    'heap-growth-percent': {
      type: 'number',
      default: defaultPercent,
      describe: 'how far the JS heap may grow past its live size before a full garbage collection (lower: less memory, more CPU; 0: V8 default)',
    },
  } as const;
}

/**
 * Keeps V8's young generation at its initial size (two 1 MB semi-spaces) for a small daemon whose
 * work comes in bursts: each scavenge stays short and no burst leaves 32 MB behind. Call it first
 * thing in the process's main, before the first collection; every launcher (the cluster's
 * supervisor, the systemd units, the compose entry, the benchmarks) runs that main.
 */
export function keepYoungGenerationSmall(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
}
