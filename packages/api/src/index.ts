export * from './errors.js';
export * from './object.js';
export * from './registry.js';
export * from './proto-root.js';
export * from './wire.js';
export * from './kinds.js';
export * from './wire-decode.js';
export * from './wire-encode.js';
