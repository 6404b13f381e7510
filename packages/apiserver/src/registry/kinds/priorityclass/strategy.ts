// PriorityClass (scheduling.k8s.io), as Kubernetes' priorityClassStrategy, its REST Delete and the
// class half of the Priority admission plugin: at most one class is the global default (checked
// against etcd, not the cache, so that a default just created counts); the built-in classes are
// never deleted (validation keeps them from changing).
import { forbidden, qualifiedResource, resourceByKind, systemPriorityClass, type KObject, type PriorityClass } from '@skiff/api';
import { baseStrategy, type Strategy, type StrategyContext } from '../../strategy.js';

const KIND = 'PriorityClass';
const resource = (): string => qualifiedResource(resourceByKind(KIND)!);

/** Refuses a second globalDefault class (Kubernetes' Priority admission, on create and update). */
export async function checkOneDefault(obj: KObject, ctx: StrategyContext): Promise<void> {
  const pc = obj as PriorityClass;
  if (pc.globalDefault !== true) return;
  const name = pc.metadata.name ?? '';
  for (const other of (await ctx.listObjects(KIND, true)) as PriorityClass[]) {
    if (other.globalDefault === true && other.metadata.name !== name) {
      throw forbidden(resource(), name, `PriorityClass ${other.metadata.name} is already marked as default. Only one default can exist`);
    }
  }
}

export const priorityClassStrategy: Strategy = {
  ...baseStrategy(KIND),
  admission: (obj, _old, ctx) => checkOneDefault(obj, ctx),
  checkDelete(obj: KObject) {
    const name = obj.metadata.name ?? '';
    if (systemPriorityClass(name)) throw forbidden(resource(), name, 'this is a system priority class and cannot be deleted');
  },
};
