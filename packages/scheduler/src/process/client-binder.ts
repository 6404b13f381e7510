// The PodBinder of the process: the apiserver's conditional Bind (pods/binding) through the typed
// pods client, with the pod's uid as precondition and the placement explanation as the Binding's
// annotations (one write for both). The reply, the bound pod, is not decoded (bindAck): the informer
// shows it. A pod that already has a node (another scheduler won) or is being deleted fails with
// FAILED_PRECONDITION: the scheduler forgets the assumed pod and the informer's update removes it
// from the queue.
import type { Pod } from '@skiff/api';
import type { Clientset } from '@skiff/machinery';
import type { PodBinder } from '../framework/interface.js';

export class ClientPodBinder implements PodBinder {
  constructor(private readonly cs: Clientset) {}

  async bind(pod: Pod, nodeName: string, annotations?: Record<string, string>): Promise<void> {
    const uid = pod.metadata.uid;
    await this.cs.pods(pod.metadata.namespace ?? 'default').bindAck(pod.metadata.name ?? '', nodeName, uid ? { uid } : undefined, annotations);
  }
}
