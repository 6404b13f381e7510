export { run, splitHostPort, type RunHooks, type RunningApiServer } from './server.js';
export { defaultConfig, type ApiServerConfig } from './config.js';
