// A container's command line against its image, as Kubernetes defines it:
//   no command, no args  -> the image's Entrypoint and Cmd
//   command only         -> command; the image's Entrypoint and Cmd are both ignored
//   args only            -> the image's Entrypoint with args (the image's Cmd is ignored)
//   command and args     -> command with args
// `$(VAR)` in command and args expands against the container's environment. Both parts come back
// explicit (possibly empty), so the engine merges nothing from the image on its own.
import { expand, mappingFor } from './expansion.js';

export interface ImageCommand {
  entrypoint: readonly string[];
  cmd: readonly string[];
}

export function resolveCommand(
  container: { command?: readonly string[]; args?: readonly string[] },
  image: ImageCommand,
  env: readonly { name: string; value: string }[],
): { entrypoint: string[]; cmd: string[] } {
  const mapping = mappingFor(new Map(env.map((e) => [e.name, e.value])));
  const command = (container.command ?? []).map((s) => expand(s, mapping));
  const args = (container.args ?? []).map((s) => expand(s, mapping));
  if (command.length === 0 && args.length === 0) return { entrypoint: [...image.entrypoint], cmd: [...image.cmd] };
  if (command.length > 0) return { entrypoint: command, cmd: args };
  return { entrypoint: [...image.entrypoint], cmd: args };
}
