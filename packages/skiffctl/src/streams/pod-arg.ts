// The POD argument of logs, exec, port-forward: NAME, or pod/NAME (pods/NAME, po/NAME) as kubectl.
import { UsageError } from '../cli-error.js';

export function podName(arg: string): string {
  const slash = arg.indexOf('/');
  if (slash < 0) {
    if (!arg) throw new UsageError('a pod name is required');
    return arg;
  }
  const type = arg.slice(0, slash).toLowerCase();
  const name = arg.slice(slash + 1);
  if (!['pod', 'pods', 'po'].includes(type)) throw new UsageError(`only pods are supported here, not "${arg.slice(0, slash)}" (name the pod: skiffctl get pods)`);
  if (!name) throw new UsageError(`a pod name is required after "${type}/"`);
  return name;
}
