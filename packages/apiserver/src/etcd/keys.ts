// The etcd key layout. Only the apiserver knows it:
//   <prefix>/<resource>/<namespace>/<name>   namespaced objects
//   <prefix>/<resource>/<name>               cluster-scoped objects
//   <prefix>/ranges/serviceips/<ip>          ClusterIP allocations (value: the owning Service key)
//   <prefix>/ranges/servicenodeports/<port>  NodePort allocations
//   <prefix>/compact_rev_key                 the compaction lock: its version counts compactions,
//                                            its value is the last compacted revision (compactor.ts)
import type { ResourceType } from '@skiff/api';

export class KeyLayout {
  constructor(readonly prefix: string) {}

  /** The prefix of one resource type, or of one namespace of it; ends with "/". */
  resourcePrefix(t: ResourceType, namespace = ''): string {
    return t.namespaced && namespace ? `${this.prefix}/${t.resource}/${namespace}/` : `${this.prefix}/${t.resource}/`;
  }

  objectKey(t: ResourceType, namespace: string, name: string): string {
    return t.namespaced ? `${this.prefix}/${t.resource}/${namespace}/${name}` : `${this.prefix}/${t.resource}/${name}`;
  }

  /** namespace/name (or name) of an object key of type t. */
  parseObjectKey(t: ResourceType, key: string): { namespace: string; name: string } {
    const rest = key.slice(this.resourcePrefix(t).length);
    if (!t.namespaced) return { namespace: '', name: rest };
    const i = rest.indexOf('/');
    return { namespace: rest.slice(0, i), name: rest.slice(i + 1) };
  }

  clusterIPKey(ip: string): string {
    return `${this.prefix}/ranges/serviceips/${ip}`;
  }

  clusterIPPrefix(): string {
    return `${this.prefix}/ranges/serviceips/`;
  }

  nodePortKey(port: number): string {
    return `${this.prefix}/ranges/servicenodeports/${port}`;
  }

  nodePortPrefix(): string {
    return `${this.prefix}/ranges/servicenodeports/`;
  }

  /** kube-apiserver's compact_rev_key, inside the prefix (no resource is named so; resources are
   * lowercase plurals without "_"). */
  compactRevKey(): string {
    return `${this.prefix}/compact_rev_key`;
  }
}

/** The smallest key greater than every key with this prefix (etcd range_end). */
export function prefixEnd(prefix: string): Buffer {
  const b = Buffer.from(prefix);
  for (let i = b.length - 1; i >= 0; i--) {
    if (b[i]! < 0xff) {
      const out = Buffer.from(b.subarray(0, i + 1));
      out[i] = b[i]! + 1;
      return out;
    }
  }
  return Buffer.from([0]);
}
