// Heap sizing of a long-running component. V8 lets the old generation grow to several times its
// live size before a full collection: for a server whose live data is small and whose requests leave
// much short-lived garbage, that is most of its resident memory. A growth limit keeps the heap within
// `percent` over the live size, at the cost of more frequent (and shorter) full collections.
import { setFlagsFromString } from 'node:v8';

/** Sets V8's heap growing factor to 1 + percent/100 (0 keeps V8's own heuristics). Call it early. */
export function limitHeapGrowth(percent: number): void {
  if (!Number.isInteger(percent) || percent < 0) throw new Error(`heap growth must be a whole number of percent >= 0, got ${percent}`);
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`);
}
