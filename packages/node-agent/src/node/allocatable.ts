// The node's allocatable as the kubelet computes it (GetNodeAllocatableReservation and the
// allocatable setter): capacity minus --kube-reserved, --system-reserved and the hard eviction
// thresholds (memory.available from memory, nodefs.available from ephemeral-storage, a percentage
// taken of the capacity), never below zero. Soft thresholds and the other signals reserve nothing.
import { toMilli } from '@skiff/api';
import type { Threshold } from './pressure.js';

/** cpu in millicores, memory and ephemeral-storage in bytes, pid in processes */
export interface Reservation {
  cpuMilli: bigint;
  memoryBytes: bigint;
  ephemeralStorageBytes: bigint;
}

export const NO_RESERVATION: Reservation = { cpuMilli: 0n, memoryBytes: 0n, ephemeralStorageBytes: 0n };

const RESERVABLE = ['cpu', 'memory', 'ephemeral-storage', 'pid'] as const;

/**
 * `cpu=200m,memory=500Mi,ephemeral-storage=1Gi,pid=1000` (the kubelet's --kube-reserved and
 * --system-reserved, a map of resource to quantity) → the reservation; throws with the kubelet's
 * messages. `pid` is accepted and reserves nothing that the Node reports.
 */
export function parseReserved(flag: string, spec: string): Reservation {
  const r = { ...NO_RESERVATION };
  if (spec.trim() === '') return r;
  for (const part of spec.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new Error(`--${flag}: malformed pair ${JSON.stringify(part)}, expect string=string`);
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (!(RESERVABLE as readonly string[]).includes(key)) throw new Error(`--${flag}: cannot reserve ${JSON.stringify(key)} resource`);
    let milli: bigint;
    try {
      milli = toMilli(value);
    } catch (e) {
      throw new Error(`--${flag}: failed to parse quantity ${JSON.stringify(value)} for ${JSON.stringify(key)} resource: ${(e as Error).message}`, { cause: e });
    }
    if (milli < 0n) throw new Error(`--${flag}: resource quantity for ${JSON.stringify(key)} cannot be negative: ${value}`);
    if (key === 'cpu') r.cpuMilli += milli;
    else if (key === 'memory') r.memoryBytes += ceilDiv(milli, 1000n);
    else if (key === 'ephemeral-storage') r.ephemeralStorageBytes += ceilDiv(milli, 1000n);
  }
  return r;
}

function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

/** what the hard eviction thresholds hold back of a capacity (the kubelet's hardEvictionReservation) */
export function evictionReservation(thresholds: readonly Threshold[], capacity: { memoryBytes: bigint; ephemeralStorageBytes: bigint }): Reservation {
  const r = { ...NO_RESERVATION };
  for (const t of thresholds) {
    if (t.gracePeriodMs) continue; // soft
    const of = (cap: bigint) => (t.bytes !== undefined ? BigInt(t.bytes) : (cap * BigInt(Math.round((t.percent ?? 0) * 1e6))) / 100_000_000n);
    if (t.signal === 'memory.available') r.memoryBytes = of(capacity.memoryBytes);
    else if (t.signal === 'nodefs.available') r.ephemeralStorageBytes = of(capacity.ephemeralStorageBytes);
  }
  return r;
}

export function sumReservations(...rs: Reservation[]): Reservation {
  return rs.reduce((a, b) => ({ cpuMilli: a.cpuMilli + b.cpuMilli, memoryBytes: a.memoryBytes + b.memoryBytes, ephemeralStorageBytes: a.ephemeralStorageBytes + b.ephemeralStorageBytes }), { ...NO_RESERVATION });
}

/** capacity minus the reservation, each at least zero */
export function subtractReservation(capacity: Reservation, reserved: Reservation): Reservation {
  const sub = (a: bigint, b: bigint) => (a > b ? a - b : 0n);
  return {
    cpuMilli: sub(capacity.cpuMilli, reserved.cpuMilli),
    memoryBytes: sub(capacity.memoryBytes, reserved.memoryBytes),
    ephemeralStorageBytes: sub(capacity.ephemeralStorageBytes, reserved.ephemeralStorageBytes),
  };
}

/** "2", "1900m" */
export function cpuQuantity(milli: bigint): string {
  return milli % 1000n === 0n ? String(milli / 1000n) : `${milli}m`;
}

/** "16133860Ki" (whole KiB), else plain bytes, as a BinarySI quantity prints */
export function bytesQuantity(bytes: bigint): string {
  return bytes % 1024n === 0n ? `${bytes / 1024n}Ki` : String(bytes);
}
