// The proxy's chain names. Fixed chains are named here; per service port and per endpoint chains
// get a deterministic hash as kube-proxy's (the first 16 characters of the base32 SHA-256 of the
// service port name and protocol, plus the endpoint for endpoint chains), so a restart finds and
// rewrites the same chains. Every chain the proxy makes starts with "SKIFF-" and is listed by
// isProxyChain; nothing else is ever created or deleted.
import { createHash } from 'node:crypto';

export const SERVICES_CHAIN = 'SKIFF-SERVICES';
export const EXTERNAL_SERVICES_CHAIN = 'SKIFF-EXTERNAL-SERVICES';
export const NODEPORTS_CHAIN = 'SKIFF-NODEPORTS';
export const POSTROUTING_CHAIN = 'SKIFF-POSTROUTING';
export const MARK_MASQ_CHAIN = 'SKIFF-MARK-MASQ';
export const FORWARD_CHAIN = 'SKIFF-FORWARD';
export const CANARY_CHAIN = 'SKIFF-PROXY-CANARY';

const SERVICE_PREFIXES = ['SKIFF-SVC-', 'SKIFF-XLB-', 'SKIFF-EXT-', 'SKIFF-SEP-'] as const;
const FIXED = new Set([SERVICES_CHAIN, EXTERNAL_SERVICES_CHAIN, NODEPORTS_CHAIN, POSTROUTING_CHAIN, MARK_MASQ_CHAIN, FORWARD_CHAIN, CANARY_CHAIN]);

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

function hash16(text: string): string {
  return base32(createHash('sha256').update(text).digest()).slice(0, 16);
}

/** SKIFF-SVC-...: the service port's cluster-policy chain (protocol in lower case, as kube-proxy). */
export function serviceChain(servicePortName: string, protocol: string): string {
  return `SKIFF-SVC-${hash16(servicePortName + protocol)}`;
}

/** SKIFF-XLB-...: the service port's local-policy chain (endpoints on this node only). */
export function localChain(servicePortName: string, protocol: string): string {
  return `SKIFF-XLB-${hash16(servicePortName + protocol)}`;
}

/** SKIFF-EXT-...: where traffic to the service port's external destinations goes first. */
export function externalChain(servicePortName: string, protocol: string): string {
  return `SKIFF-EXT-${hash16(servicePortName + protocol)}`;
}

/** SKIFF-SEP-...: one endpoint ("ip:port") of the service port. */
export function endpointChain(servicePortName: string, protocol: string, endpoint: string): string {
  return `SKIFF-SEP-${hash16(servicePortName + protocol + endpoint)}`;
}

/** A per service port or per endpoint chain of the proxy. */
export function isServiceChain(chain: string): boolean {
  return SERVICE_PREFIXES.some((p) => chain.startsWith(p));
}

/** Any chain the proxy creates (and only those: not the pod network's SKIFF-PODNET-* chains). */
export function isProxyChain(chain: string): boolean {
  return FIXED.has(chain) || isServiceChain(chain);
}
