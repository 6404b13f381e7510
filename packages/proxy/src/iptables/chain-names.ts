// The proxy's chain names. Fixed chains are named here; per service port and per endpoint chains
// get a deterministic hash as kube-proxy's (the first 16 characters of the base32 SHA-256 of the
// service port name and protocol, plus the endpoint for endpoint chains), so a restart finds and
// rewrites the same chains. Every chain the proxy makes starts with "SKIFF-" and is listed by
// isProxyChain; nothing else is ever created or deleted.
import { hash } from 'node:crypto';

export const SERVICES_CHAIN = 'SKIFF-SERVICES';
export const EXTERNAL_SERVICES_CHAIN = 'SKIFF-EXTERNAL-SERVICES';
export const NODEPORTS_CHAIN = 'SKIFF-NODEPORTS';
export const POSTROUTING_CHAIN = 'SKIFF-POSTROUTING';
export const MARK_MASQ_CHAIN = 'SKIFF-MARK-MASQ';
export const FORWARD_CHAIN = 'SKIFF-FORWARD';
export const CANARY_CHAIN = 'SKIFF-PROXY-CANARY';

const SERVICE_PREFIXES = ['SKIFF-SVC-', 'SKIFF-XLB-', 'SKIFF-EXT-', 'SKIFF-SEP-'] as const;
const FIXED = new Set([SERVICES_CHAIN, EXTERNAL_SERVICES_CHAIN, NODEPORTS_CHAIN, POSTROUTING_CHAIN, MARK_MASQ_CHAIN, FORWARD_CHAIN, CANARY_CHAIN]);

const BASE32 = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'].map((c) => c.charCodeAt(0));

/**
 * `prefix` and the first 16 characters of the base32 SHA-256 of `text`, made as one flat string
 * (a full sync names ~110,000 chains at 10,000 services, and keeps the names). The 16 characters
 * encode exactly the first 10 bytes of the digest (80 bits), so only those are encoded.
 */
function hashedName(prefix: string, text: string): string {
  const d = hash('sha256', text, 'buffer');
  const codes: number[] = [];
  for (let i = 0; i < prefix.length; i++) codes.push(prefix.charCodeAt(i));
  for (let i = 0; i < 10; i += 5) {
    // 40 bits as a high byte and a low 32-bit word (bitwise operators are 32-bit).
    const hi = d[i] ?? 0;
    const lo = (((d[i + 1] ?? 0) << 24) | ((d[i + 2] ?? 0) << 16) | ((d[i + 3] ?? 0) << 8) | (d[i + 4] ?? 0)) >>> 0;
    for (const v of [hi >> 3, ((hi & 7) << 2) | (lo >>> 30), lo >>> 25, lo >>> 20, lo >>> 15, lo >>> 10, lo >>> 5, lo]) codes.push(BASE32[v & 31] ?? 0);
  }
  return String.fromCharCode(...codes);
}

/** SKIFF-SVC-...: the service port's cluster-policy chain (protocol in lower case, as kube-proxy). */
export function serviceChain(servicePortName: string, protocol: string): string {
  return hashedName('SKIFF-SVC-', servicePortName + protocol);
}

/** SKIFF-XLB-...: the service port's local-policy chain (endpoints on this node only). */
export function localChain(servicePortName: string, protocol: string): string {
  return hashedName('SKIFF-XLB-', servicePortName + protocol);
}

/** SKIFF-EXT-...: where traffic to the service port's external destinations goes first. */
export function externalChain(servicePortName: string, protocol: string): string {
  return hashedName('SKIFF-EXT-', servicePortName + protocol);
}

/** SKIFF-SEP-...: one endpoint ("ip:port") of the service port. */
export function endpointChain(servicePortName: string, protocol: string, endpoint: string): string {
  return hashedName('SKIFF-SEP-', servicePortName + protocol + endpoint);
}

/** A per service port or per endpoint chain of the proxy. */
export function isServiceChain(chain: string): boolean {
  return SERVICE_PREFIXES.some((p) => chain.startsWith(p));
}

/** Any chain the proxy creates (and only those: not the pod network's SKIFF-PODNET-* chains). */
export function isProxyChain(chain: string): boolean {
  return FIXED.has(chain) || isServiceChain(chain);
}
