// What dockerode requires at its own load that the agent does not use: docker-modem's ssh transport
// (ssh2 and its crypto code) and dockerode's BuildKit session (@grpc/proto-loader and protobufjs'
// .proto parser). The agent talks to dockerd over a unix socket and builds no image through a
// session. `deferDockerodeExtras` (called by main before dockerode loads) defers both until first
// used (deferred-module.ts): an ssh:// docker host or a BuildKit build still works, loading them then.
// Measured on Node 20, the agent's modules loaded, after a full GC: 39 fewer modules, 1.7 MB less JS
// heap, 1.3 MB less of the node binary's pages (and ssh2's 16 MB wasm memory not reserved).
// Their layout is dockerode 5's and docker-modem 5's: with other majors nothing is deferred (and the
// test fails, so that an upgrade measures again).
import { createRequire } from 'node:module';
import { deferCommonJsFunction } from './deferred-module.js';

const require = createRequire(import.meta.url);

const MEASURED_MAJORS = { dockerode: 5, 'docker-modem': 5 } as const;

const dockerodeMain = require.resolve('dockerode'); // <dockerode>/lib/docker.js
const fromDockerode = createRequire(dockerodeMain);
const modemMain = fromDockerode.resolve('docker-modem'); // <docker-modem>/lib/modem.js
const fromModem = createRequire(modemMain);

/** The modules deferred, by absolute path. */
export const DOCKERODE_EXTRAS = {
  /** docker-modem's ssh transport: `ssh(options) -> http.Agent` */
  ssh: fromModem.resolve('./ssh'),
  /** dockerode's BuildKit session: `withSession(docker, auth, handler)` */
  session: fromDockerode.resolve('./session'),
} as const;

function major(main: string): number {
  const pkg = createRequire(main)('../package.json') as { version: string };
  return Number(pkg.version.split('.')[0]);
}

/** Defers the extras when dockerode and docker-modem are the majors measured; returns whether it did. */
export function deferDockerodeExtras(): boolean {
  if (major(dockerodeMain) !== MEASURED_MAJORS.dockerode || major(modemMain) !== MEASURED_MAJORS['docker-modem']) return false;
  for (const filename of Object.values(DOCKERODE_EXTRAS)) deferCommonJsFunction(filename);
  return true;
}
