// Events expire: each is written with an etcd lease of the event TTL. Leases are shared by the events
// written within one minute (as the kube-apiserver's lease reuse), so a burst costs one grant.
import type { Etcd3 } from 'etcd3';

const REUSE_MS = 60_000;

export class EventLeases {
  private current?: { id: string; grantedAt: number };
  private pending?: Promise<string>;

  constructor(
    private readonly etcd: Etcd3,
    private readonly ttlSeconds: number,
  ) {}

  /** A lease id whose expiry is at least the TTL from now (within a minute). */
  async lease(): Promise<string> {
    const now = Date.now();
    if (this.current && now - this.current.grantedAt < REUSE_MS) return this.current.id;
    this.pending ??= this.etcd.leaseClient
      .leaseGrant({ TTL: this.ttlSeconds + REUSE_MS / 1000 })
      .then((res) => {
        this.current = { id: String(res.ID), grantedAt: now };
        return this.current.id;
      })
      .finally(() => {
        this.pending = undefined;
      });
    return this.pending;
  }
}
