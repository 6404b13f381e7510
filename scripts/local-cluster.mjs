// Small helpers for scripts/start.sh (the local cluster of `npm start`).
//   node scripts/local-cluster.mjs free-port            prints a free TCP port on 127.0.0.1
//   node scripts/local-cluster.mjs port-busy PORT       exit 0 if something listens on 127.0.0.1:PORT, else 1
//   node scripts/local-cluster.mjs write-config SERVER  sets `server` in ~/.skiff/config (other keys kept)
import { createServer, connect } from 'node:net';

const [cmd, arg] = process.argv.slice(2);

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function portBusy(port) {
  return new Promise((resolve) => {
    const c = connect({ host: '127.0.0.1', port });
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
    c.setTimeout(1000, () => {
      c.destroy();
      resolve(true);
    });
  });
}

switch (cmd) {
  case 'free-port':
    console.log(await freePort());
    break;
  case 'port-busy':
    process.exit((await portBusy(Number(arg))) ? 0 : 1);
    break;
  case 'write-config': {
    // Resolved from the repository's node_modules (workspace link to packages/skiffctl).
    const { loadConfig, writeConfig } = await import('@skiff/skiffctl');
    let current = {};
    try {
      current = { ...loadConfig() };
      delete current.path;
    } catch {
      // An unreadable config is replaced.
    }
    console.log(writeConfig({ ...current, server: arg }));
    break;
  }
  default:
    console.error('usage: local-cluster.mjs free-port | port-busy PORT | write-config SERVER');
    process.exit(2);
}
