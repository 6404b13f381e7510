// Every kind's typed client from one Client, as client-go's kubernetes.Clientset:
// `cs.pods('default').list()`, `cs.nodes().get('n1')`, `cs.deployments('prod').updateStatus(d)`.
// A namespaced kind with no namespace lists and watches every namespace.
import type { ConfigMap, Deployment, Endpoints, Event, Lease, Namespace, Node, Pod, PriorityClass, ReplicaSet, Secret, Service } from '@skiff/api';
import { type PodClient, type TypedClient, podClient, typedClient } from './typed-client.js';
import type { Client } from './types.js';

export class Clientset {
  constructor(readonly client: Client) {}

  namespaces(): TypedClient<Namespace> {
    return typedClient(this.client, 'namespaces');
  }

  nodes(): TypedClient<Node> {
    return typedClient(this.client, 'nodes');
  }

  pods(namespace = ''): PodClient<Pod> {
    return podClient(this.client, namespace);
  }

  services(namespace = ''): TypedClient<Service> {
    return typedClient(this.client, 'services', namespace);
  }

  endpoints(namespace = ''): TypedClient<Endpoints> {
    return typedClient(this.client, 'endpoints', namespace);
  }

  configMaps(namespace = ''): TypedClient<ConfigMap> {
    return typedClient(this.client, 'configmaps', namespace);
  }

  secrets(namespace = ''): TypedClient<Secret> {
    return typedClient(this.client, 'secrets', namespace);
  }

  events(namespace = ''): TypedClient<Event> {
    return typedClient(this.client, 'events', namespace);
  }

  leases(namespace = ''): TypedClient<Lease> {
    return typedClient(this.client, 'leases', namespace);
  }

  deployments(namespace = ''): TypedClient<Deployment> {
    return typedClient(this.client, 'deployments', namespace);
  }

  replicaSets(namespace = ''): TypedClient<ReplicaSet> {
    return typedClient(this.client, 'replicasets', namespace);
  }

  priorityClasses(): TypedClient<PriorityClass> {
    return typedClient(this.client, 'priorityclasses');
  }
}
