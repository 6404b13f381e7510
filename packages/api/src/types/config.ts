import type { KObject } from '../object.js';

export interface ConfigMap extends KObject {
  apiVersion: 'v1';
  kind: 'ConfigMap';
  data?: Record<string, string>;
  /** Values are base64 in JSON. */
  binaryData?: Record<string, string>;
  immutable?: boolean;
}

export interface Secret extends KObject {
  apiVersion: 'v1';
  kind: 'Secret';
  /** Values are base64 in JSON (bytes on the wire). */
  data?: Record<string, string>;
  /** Write-only plain-text values, merged into data by the server. */
  stringData?: Record<string, string>;
  /** Opaque (default), kubernetes.io/tls, ... */
  type?: string;
  immutable?: boolean;
}
