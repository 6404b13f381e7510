// String ordering without locale data. String.prototype.localeCompare makes V8 load ICU collation
// data (about 2 MB RSS per process); the orders Skiff computes (status conditions, pod lists, Go's
// sort.Strings tie-breaks in the controllers) are plain code-unit orders, as in Go for ASCII.

/** Compares by UTF-16 code units: negative when a < b, 0 when equal, positive when a > b. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
