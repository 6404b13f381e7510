// @skiff/machinery/testing: what tests of components use, kept out of the production entry.
export * from './fake-client.js';
export { FakeClock, flushMicrotasks } from '../clock.js';
export * from './pod-bounds.js';
