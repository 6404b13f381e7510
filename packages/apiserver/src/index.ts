export { run, splitHostPort, type RunningApiServer } from './server.js';
export { defaultConfig, type ApiServerConfig } from './config.js';
