// The docker and docker-compose commands the compose lab runs, against the engine DOCKER_HOST names
// (the machine's own engine when unset). Every command goes through a lab Runner.
import type { Runner } from '@skiff/lab';

export interface ComposeTarget {
  /** the compose project: container, network and volume names start with it */
  project: string;
  /** the rendered compose file */
  file: string;
  /** the ${SKIFF_*} variables of the compose file */
  env: Record<string, string>;
}

export async function imageId(runner: Runner, ref: string): Promise<string | undefined> {
  const r = await runner.run('docker', ['image', 'inspect', '-f', '{{.Id}}', ref], { allowFail: true });
  return r.code === 0 ? r.stdout.trim() : undefined;
}

/** docker-compose with the project's file and variables. */
export function compose(runner: Runner, t: ComposeTarget, args: readonly string[], allowFail = false) {
  const env = Object.entries(t.env).map(([k, v]) => `${k}=${v}`);
  return runner.run('env', [...env, 'docker-compose', '--ansi', 'never', '-p', t.project, '-f', t.file, ...args], { allowFail });
}
