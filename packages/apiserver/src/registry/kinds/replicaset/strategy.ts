// ReplicaSet: status is a subresource (cleared on create, kept on spec updates), as Kubernetes'
// rsStrategy.
import { statusSubresourceStrategy, type Strategy } from '../../strategy.js';

export const replicaSetStrategy: Strategy = statusSubresourceStrategy('ReplicaSet');
