// ConfigMaps and Secrets kept in memory, for tests: the ConfigSource contract without an apiserver.
import type { ConfigMap, Secret } from '@skiff/api';
import type { ConfigSource } from './volume-plugin.js';

export class FakeConfigSource implements ConfigSource {
  readonly configMaps = new Map<string, ConfigMap>();
  readonly secrets = new Map<string, Secret>();

  setConfigMap(namespace: string, name: string, data: Record<string, string>): void {
    this.configMaps.set(`${namespace}/${name}`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace, name }, data });
  }

  /** `data` in plain text; stored base64 as the API has it */
  setSecret(namespace: string, name: string, data: Record<string, string>): void {
    const encoded = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
    this.secrets.set(`${namespace}/${name}`, { apiVersion: 'v1', kind: 'Secret', metadata: { namespace, name }, data: encoded });
  }

  async configMap(namespace: string, name: string): Promise<ConfigMap | undefined> {
    return structuredClone(this.configMaps.get(`${namespace}/${name}`));
  }

  async secret(namespace: string, name: string): Promise<Secret | undefined> {
    return structuredClone(this.secrets.get(`${namespace}/${name}`));
  }
}
