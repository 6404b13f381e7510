// Bind: the apiserver's Bind RPC, through the PodBinder the wiring supplies.
import type { CycleState } from '../../framework/cycle-state.js';
import type { BindPlugin, Handle } from '../../framework/interface.js';
import type { PodInfo } from '../../framework/pod-info.js';
import { Status } from '../../framework/status.js';
import { DefaultBinderName } from '../names.js';

export class DefaultBinder implements BindPlugin {
  readonly name = DefaultBinderName;

  constructor(private readonly handle: Handle) {}

  async bind(state: CycleState, pod: PodInfo, nodeName: string): Promise<Status> {
    const binder = this.handle.binder;
    if (!binder) return Status.error(new Error('no binder configured'));
    try {
      await binder.bind(pod.pod, nodeName, state.bindingAnnotations);
      return Status.SUCCESS;
    } catch (err) {
      return Status.error(err);
    }
  }
}
