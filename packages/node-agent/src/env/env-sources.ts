// Where a container's env values come from besides its spec: ConfigMaps, Secrets and Services, read
// from the agent's informer caches (listers) in the process, from plain maps in tests.
import type { ConfigMap, Secret, Service } from '@skiff/api';
import type { Lister } from '@skiff/machinery';

export interface EnvSources {
  configMap(namespace: string, name: string): ConfigMap | undefined;
  secret(namespace: string, name: string): Secret | undefined;
  services(namespace: string): Service[];
}

export const noEnvSources: EnvSources = { configMap: () => undefined, secret: () => undefined, services: () => [] };

export function listerEnvSources(configMaps: Lister<ConfigMap>, secrets: Lister<Secret>, services: Lister<Service>): EnvSources {
  return {
    configMap: (ns, name) => configMaps.get(ns, name),
    secret: (ns, name) => secrets.get(ns, name),
    services: (ns) => services.list(ns),
  };
}

/** EnvSources over fixed objects (tests, hollow nodes). */
export function staticEnvSources(objects: { configMaps?: ConfigMap[]; secrets?: Secret[]; services?: Service[] }): EnvSources {
  const find = <T extends ConfigMap | Secret>(list: T[] | undefined, ns: string, name: string) => list?.find((o) => o.metadata.namespace === ns && o.metadata.name === name);
  return {
    configMap: (ns, name) => find(objects.configMaps, ns, name),
    secret: (ns, name) => find(objects.secrets, ns, name),
    services: (ns) => (objects.services ?? []).filter((o) => o.metadata.namespace === ns),
  };
}
