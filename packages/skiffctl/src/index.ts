// skiffctl as a library: the CLI in-process, and the config file that `npm start` writes.
export { runCli, type CliDeps } from './cli.js';
export { loadConfig, writeConfig, resolveConnection, configPath, DEFAULT_SERVER, type SkiffConfig, type Connection, type ConfigSources } from './config.js';
export { processIo, StringOutput, type Io, type Output } from './io.js';
export { threeWayMergePatch } from './apply-patch.js';
export { LAST_APPLIED } from './last-applied.js';
