export * from './client/types.js';
export * from './client/grpc-client.js';
export * from './grpc/codec.js';
export * from './grpc/service.js';
export * from './grpc/status.js';
export * from './log.js';
export * from './metrics.js';
export * from './health-server.js';
