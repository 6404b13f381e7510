// The effective security context of a container (the pod's, overridden field by field by the
// container's, as kuberuntime's determineEffectiveSecurityContext) turned into the engine's terms,
// with the kubelet's checks: runAsNonRoot against runAsUser or the image's USER, and runAsGroup only
// with runAsUser (Docker's `User` is "uid[:gid]").
import type { Container, PodSecurityContext } from '@skiff/api';
import { ContainerConfigError } from '../errors.js';
import type { ContainerSecurity } from '../runtime/runtime.js';

export interface SecurityInput {
  pod: { namespace: string; name: string; uid: string };
  podSecurityContext?: PodSecurityContext;
  container: Pick<Container, 'name' | 'securityContext'>;
  /** the image's USER ("" when unset, which means root) */
  imageUser: string;
}

function podName(p: SecurityInput['pod']): string {
  return `${p.name}_${p.namespace}(${p.uid})`;
}

/** The image USER's uid: a number, undefined for a user name, 0 when unset (root). */
function imageUid(user: string): { uid?: number; name?: string } {
  const u = user.split(':')[0] ?? '';
  if (u === '') return { uid: 0 };
  return /^\d+$/.test(u) ? { uid: Number(u) } : { name: u };
}

function verifyNonRoot(input: SecurityInput, runAsUser: number | undefined): void {
  const where = `(pod: "${podName(input.pod)}", container: ${input.container.name})`;
  if (runAsUser !== undefined) {
    if (runAsUser === 0) throw new ContainerConfigError(`container's runAsUser breaks non-root policy ${where}`);
    return;
  }
  const image = imageUid(input.imageUser);
  if (image.uid === 0) throw new ContainerConfigError(`container has runAsNonRoot and image will run as root ${where}`);
  if (image.name !== undefined) throw new ContainerConfigError(`container has runAsNonRoot and image has non-numeric user (${image.name}), cannot verify user is non-root ${where}`);
}

export function containerSecurity(input: SecurityInput): ContainerSecurity {
  const pod = input.podSecurityContext ?? {};
  const sc = input.container.securityContext ?? {};
  const runAsUser = sc.runAsUser ?? pod.runAsUser;
  const runAsGroup = sc.runAsGroup ?? pod.runAsGroup;
  const runAsNonRoot = sc.runAsNonRoot ?? pod.runAsNonRoot;
  if (runAsNonRoot) verifyNonRoot(input, runAsUser);
  const out: ContainerSecurity = {};
  if (runAsUser !== undefined) out.user = String(runAsUser);
  if (runAsGroup !== undefined) {
    if (out.user === undefined) throw new ContainerConfigError(`runAsGroup is specified without a runAsUser (container: ${input.container.name})`);
    out.user += `:${runAsGroup}`;
  }
  const groups = [...(pod.fsGroup !== undefined ? [pod.fsGroup] : []), ...(pod.supplementalGroups ?? [])];
  if (groups.length) out.groupAdd = groups.map(String);
  if (sc.privileged) out.privileged = true;
  if (sc.readOnlyRootFilesystem) out.readOnlyRootfs = true;
  if (sc.capabilities?.add?.length) out.capAdd = [...sc.capabilities.add];
  if (sc.capabilities?.drop?.length) out.capDrop = [...sc.capabilities.drop];
  if (sc.allowPrivilegeEscalation === false) out.noNewPrivileges = true;
  return out;
}
