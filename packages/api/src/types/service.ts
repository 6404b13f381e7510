import type { KObject } from '../object.js';
import type { IntOrString, ObjectReference } from './meta.js';

export interface Service extends KObject {
  apiVersion: 'v1';
  kind: 'Service';
  spec?: ServiceSpec;
  status?: ServiceStatus;
}

export interface ServiceSpec {
  ports?: ServicePort[];
  selector?: Record<string, string>;
  /** An IPv4 address, "None" (headless), or empty to allocate. */
  clusterIP?: string;
  clusterIPs?: string[];
  /** ClusterIP, NodePort, LoadBalancer, ExternalName. */
  type?: string;
  externalIPs?: string[];
  /** None, ClientIP. */
  sessionAffinity?: string;
  sessionAffinityConfig?: { clientIP?: { timeoutSeconds?: number } };
  loadBalancerIP?: string;
  externalName?: string;
  /** Cluster, Local. */
  externalTrafficPolicy?: string;
  /** Cluster, Local. */
  internalTrafficPolicy?: string;
  healthCheckNodePort?: number;
  publishNotReadyAddresses?: boolean;
  ipFamilies?: string[];
  ipFamilyPolicy?: string;
}

export interface ServicePort {
  name?: string;
  /** TCP, UDP, SCTP. */
  protocol?: string;
  port: number;
  targetPort?: IntOrString;
  nodePort?: number;
  appProtocol?: string;
}

export interface ServiceStatus {
  loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] };
}

export interface Endpoints extends KObject {
  apiVersion: 'v1';
  kind: 'Endpoints';
  subsets?: EndpointSubset[];
}

export interface EndpointSubset {
  addresses?: EndpointAddress[];
  notReadyAddresses?: EndpointAddress[];
  ports?: EndpointPort[];
}

export interface EndpointAddress {
  ip: string;
  hostname?: string;
  nodeName?: string;
  targetRef?: ObjectReference;
}

export interface EndpointPort {
  name?: string;
  port: number;
  protocol?: string;
  appProtocol?: string;
}
