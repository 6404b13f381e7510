// skiffctl's own version: the package's.
import { readFileSync } from 'node:fs';

let cached: string | undefined;

export function clientVersion(): string {
  if (cached) return cached;
  try {
    // dist/client-version.js -> ../package.json
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
    cached = `v${pkg.version ?? '0.0.0'}`;
  } catch {
    cached = 'v0.0.0';
  }
  return cached;
}
