// etcd compaction, as kube-apiserver does it (k8s.io/apiserver/pkg/storage/etcd3/compact.go): every
// interval, compact away the history older than the previous interval, one apiserver at a time.
//
// The apiservers on one etcd agree through one key (KeyLayout.compactRevKey): its version is the
// "compact time", its value the revision read at the last turn. Each interval an apiserver compares
// the key's version with the one it last saw and, if equal, puts the key (the version goes up by one)
// and compacts at the revision the previous turn recorded. If another apiserver got there first, the
// compare fails, this one adopts the new version and waits a full interval: one compaction per
// interval however many apiservers run. The first turn only records a revision.
import type { Etcd3 } from 'etcd3';
import type { ITxnResponse } from 'etcd3/lib/rpc.js';
import { counter, gauge, realClock, sleep, type Clock, type Logger, type Registry } from '@skiff/machinery';
import { etcdError } from './errors.js';

export type CompactionOutcome = 'compacted' | 'recorded' | 'skipped';

export interface CompactorOptions {
  etcd: Etcd3;
  /** KeyLayout.compactRevKey(). */
  key: string;
  intervalMs: number;
  log: Logger;
  metrics?: Registry;
  clock?: Clock;
}

export class Compactor {
  /** The compact key's version as last seen (0: absent). */
  private compactTime = 0n;
  /** The revision recorded at this apiserver's last successful turn (0: none yet). */
  private rev = 0n;
  private readonly turns;
  private readonly compactedRev;

  constructor(private readonly o: CompactorOptions) {
    const reg = o.metrics;
    this.turns = reg ? counter(reg, 'skiff_apiserver_etcd_compaction_turns_total', 'etcd compaction turns by outcome (compacted, recorded, skipped: another apiserver had the turn, error)', ['outcome']) : undefined;
    this.compactedRev = reg ? gauge(reg, 'skiff_apiserver_etcd_compacted_revision', 'the revision this apiserver last compacted etcd at', []) : undefined;
  }

  /** Compacts every interval until the signal aborts; a failed turn is logged and the next one comes an interval later. */
  async run(signal: AbortSignal): Promise<void> {
    const clock = this.o.clock ?? realClock;
    while (await sleep(clock, this.o.intervalMs, signal)) {
      try {
        const outcome = await this.compactOnce();
        this.turns?.inc({ outcome });
      } catch (e) {
        if (signal.aborted) return;
        this.turns?.inc({ outcome: 'error' });
        this.o.log.warn('etcd compaction failed', { err: String((e as Error)?.message ?? e) });
      }
    }
  }

  /** One turn (exported for tests). */
  async compactOnce(): Promise<CompactionOutcome> {
    const key = Buffer.from(this.o.key);
    let res: ITxnResponse;
    try {
      res = await this.o.etcd.kv.txn({
        compare: [{ key, target: 'Version', result: 'Equal', version: String(this.compactTime) }],
        success: [{ request_put: { key, value: Buffer.from(String(this.rev)) } }],
        failure: [{ request_range: { key } }],
      });
    } catch (e) {
      throw etcdError(e);
    }
    const current = BigInt(String(res.header.revision));
    if (!res.succeeded) {
      const kv = res.responses[0]?.response_range?.kvs[0];
      this.compactTime = kv ? BigInt(String(kv.version)) : 0n;
      this.rev = current;
      this.o.log.debug('etcd compaction turn taken by another apiserver', { compactTime: String(this.compactTime) });
      return 'skipped';
    }
    this.compactTime++;
    const target = this.rev;
    this.rev = current;
    if (target === 0n) return 'recorded';
    try {
      await this.o.etcd.kv.compact({ revision: String(target) });
    } catch (e) {
      throw etcdError(e);
    }
    this.compactedRev?.set(Number(target));
    this.o.log.info('compacted etcd', { revision: String(target) });
    return 'compacted';
  }
}
