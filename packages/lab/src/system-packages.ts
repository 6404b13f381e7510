// Debian packages the lab needs, installed with apt-get when missing (a fresh CI machine may lack
// docker.io and busybox-static).
import { LabError } from './errors.js';
import type { Runner } from './exec.js';
import { isExecutable, which } from './which.js';

interface Need {
  /** a command on the PATH, or an absolute path that must exist */
  probe: string;
  pkg: string;
}

const NEEDS: readonly Need[] = [
  { probe: 'dockerd', pkg: 'docker.io' },
  { probe: 'docker', pkg: 'docker.io' },
  { probe: '/bin/busybox', pkg: 'busybox-static' },
  { probe: 'iptables', pkg: 'iptables' },
  { probe: 'ip', pkg: 'iproute2' },
  { probe: 'nsenter', pkg: 'util-linux' },
];

/** An absolute path that exists, or a command found on the PATH. */
function present(probe: string): boolean {
  return probe.startsWith('/') ? isExecutable(probe) : which(probe) !== undefined;
}

export function missingPackages(): string[] {
  const found = NEEDS.map((n) => present(n.probe));
  return [...new Set(NEEDS.filter((_, i) => !found[i]).map((n) => n.pkg))];
}

/** Installs what is missing; returns the packages it installed. */
export async function ensureSystemPackages(runner: Runner, log: (msg: string) => void): Promise<string[]> {
  const missing = missingPackages();
  if (missing.length === 0) return [];
  if (process.getuid?.() !== 0) throw new LabError(`missing Debian packages ${missing.join(' ')}: run as root or install them`);
  log(`installing ${missing.join(' ')}`);
  const env = 'DEBIAN_FRONTEND=noninteractive';
  await runner.run('sh', ['-c', `${env} apt-get update -qq && ${env} apt-get install -y -qq --no-install-recommends ${missing.join(' ')}`]);
  // Debian starts docker.service on install; the lab runs its own engines and needs no host engine.
  return missing;
}
