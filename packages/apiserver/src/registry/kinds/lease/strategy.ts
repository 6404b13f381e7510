// Lease (coordination.k8s.io): nothing beyond the defaults.
import { baseStrategy, type Strategy } from '../../strategy.js';

export const leaseStrategy: Strategy = baseStrategy('Lease');
