// Writes pod statuses through the status subresource, only when they changed: compared with the
// last status written for the pod (the informer's copy may lag the write) and with the pod's own.
// Terminated messages are cut to the pod's 12 KiB first (termination-message.ts).
import type { Pod, PodStatus } from '@skiff/api';
import type { Clientset } from '@skiff/machinery';
import { statusEqual } from './pod-status.js';
import { limitTerminationMessages } from './termination-message.js';

export class StatusManager {
  private readonly written = new Map<string, PodStatus>();

  constructor(private readonly clients: Clientset) {}

  /** true when a write happened */
  async setStatus(pod: Pod, computed: PodStatus): Promise<boolean> {
    const status = limitTerminationMessages(pod, computed);
    const uid = pod.metadata.uid ?? '';
    const last = this.written.get(uid);
    if (statusEqual(last ?? pod.status, status)) return false;
    const { resourceVersion: _rv, ...metadata } = pod.metadata;
    await this.clients.pods(pod.metadata.namespace ?? '').updateStatus({ ...pod, metadata, status });
    this.written.set(uid, status);
    return true;
  }

  /** the status last written for a pod (for a final write before deletion) */
  lastWritten(uid: string): PodStatus | undefined {
    return this.written.get(uid);
  }

  forget(uid: string): void {
    this.written.delete(uid);
  }
}
