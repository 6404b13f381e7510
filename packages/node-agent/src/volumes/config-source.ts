// ConfigMaps and Secrets read from the apiserver for volumes, each cached for a short time (the
// kubelet's TTL-based configmap/secret manager): every pod sync asks again, a change reaches the
// node within the TTL plus the resync period, and many pods naming one object cost one read.
import { isApiError, type ConfigMap, type Secret } from '@skiff/api';
import type { Clientset } from '@skiff/machinery';
import type { ConfigSource } from './volume-plugin.js';

export const CONFIG_CACHE_TTL_MS = 5_000;

interface Entry<T> {
  atMs: number;
  value: Promise<T | undefined>;
}

export class CachedConfigSource implements ConfigSource {
  private readonly cache = new Map<string, Entry<ConfigMap | Secret>>();

  constructor(
    private readonly clients: Clientset,
    private readonly now: () => number,
    private readonly ttlMs = CONFIG_CACHE_TTL_MS,
  ) {}

  configMap(namespace: string, name: string): Promise<ConfigMap | undefined> {
    return this.read(`configmaps/${namespace}/${name}`, () => this.clients.configMaps(namespace).get(name)) as Promise<ConfigMap | undefined>;
  }

  secret(namespace: string, name: string): Promise<Secret | undefined> {
    return this.read(`secrets/${namespace}/${name}`, () => this.clients.secrets(namespace).get(name)) as Promise<Secret | undefined>;
  }

  private read<T extends ConfigMap | Secret>(key: string, get: () => Promise<T>): Promise<T | undefined> {
    const hit = this.cache.get(key);
    const now = this.now();
    if (hit && now - hit.atMs < this.ttlMs) return hit.value as Promise<T | undefined>;
    const value = get().catch((e: unknown) => {
      if (isApiError(e) && e.code === 'NOT_FOUND') return undefined;
      this.cache.delete(key); // an error is not remembered
      throw e;
    });
    this.cache.set(key, { atMs: now, value });
    if (this.cache.size > 4096) this.cache.delete(this.cache.keys().next().value as string);
    return value;
  }
}
