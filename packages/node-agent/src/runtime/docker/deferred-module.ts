// A CommonJS module that exports one function, loaded on that function's first call instead of when
// a module requires it. For a dependency that requires, at its own load, code only some of its paths
// use (dockerode.ts): before the dependency loads, the module's cache entry is set to a stand-in that
// forwards every call to the real module, loading it then. Calls behave as before; only the load
// moves. A module already loaded is left as it is.
import { createRequire, Module } from 'node:module';

const require = createRequire(import.meta.url);

type Fn = (this: unknown, ...args: unknown[]) => unknown;

const standIns = new WeakSet<object>();

/**
 * Defers the CommonJS module at `filename` (an absolute path, as `require.resolve` gives) until the
 * function it exports is first called. Returns false when it was already loaded (nothing to defer).
 */
export function deferCommonJsFunction(filename: string): boolean {
  if (require.cache[filename]) return false;
  let real: Fn | undefined;
  const standIn: Fn = function (this: unknown, ...args: unknown[]) {
    if (real === undefined) {
      if (require.cache[filename]?.exports === standIn) delete require.cache[filename]; // the real module takes its place
      const loaded: unknown = require(filename);
      if (typeof loaded !== 'function') throw new TypeError(`${filename} does not export a function (deferred as one)`);
      real = loaded as Fn;
    }
    return real.apply(this, args);
  };
  standIns.add(standIn);
  const m = new Module(filename);
  m.filename = filename;
  m.exports = standIn;
  m.loaded = true;
  require.cache[filename] = m;
  return true;
}

/** Whether the module at `filename` has been loaded itself (not only its stand-in). */
export function isModuleLoaded(filename: string): boolean {
  const m = require.cache[filename];
  return m !== undefined && !standIns.has(m.exports as object);
}
