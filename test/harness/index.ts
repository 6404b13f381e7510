export * from './etcd.js';
export * from './apiserver.js';
