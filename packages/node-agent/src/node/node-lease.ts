// The node's heartbeat Lease (kube-node-lease/<node>, the kubelet's nodelease controller): made
// with the Node as owner, renewed every 10 s (a quarter of its 40 s duration).
import { isApiError, type Lease } from '@skiff/api';
import { discardLogger, formatMicroTime, realClock, sleep, type Clientset, type Clock, type Logger } from '@skiff/machinery';

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';
export const LEASE_DURATION_SECONDS = 40;
export const LEASE_RENEW_MS = 10_000;

export class NodeLease {
  private readonly clock: Clock;
  private readonly log: Logger;

  constructor(
    private readonly clients: Clientset,
    private readonly nodeName: string,
    private readonly nodeUid: () => string | undefined,
    opts: { clock?: Clock; log?: Logger; renewMs?: number } = {},
  ) {
    this.clock = opts.clock ?? realClock;
    this.log = opts.log ?? discardLogger();
    this.renewMs = opts.renewMs ?? LEASE_RENEW_MS;
  }

  private readonly renewMs: number;

  async renew(): Promise<Lease> {
    const leases = this.clients.leases(NODE_LEASE_NAMESPACE);
    const renewTime = formatMicroTime(this.clock.now());
    try {
      const cur = await leases.get(this.nodeName);
      return await leases.update({ ...cur, spec: { ...cur.spec, holderIdentity: this.nodeName, leaseDurationSeconds: LEASE_DURATION_SECONDS, renewTime } });
    } catch (e) {
      if (!isApiError(e) || e.code !== 'NOT_FOUND') throw e;
    }
    const uid = this.nodeUid();
    return leases.create({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        name: this.nodeName,
        namespace: NODE_LEASE_NAMESPACE,
        ...(uid ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: this.nodeName, uid }] } : {}),
      },
      spec: { holderIdentity: this.nodeName, leaseDurationSeconds: LEASE_DURATION_SECONDS, renewTime },
    });
  }

  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.renew();
      } catch (err) {
        this.log.warn('lease renewal failed', { err });
      }
      await sleep(this.clock, this.renewMs, signal);
    }
  }
}
