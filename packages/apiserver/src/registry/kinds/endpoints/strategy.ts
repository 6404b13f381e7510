// Endpoints: nothing beyond the defaults (no status subresource).
import { baseStrategy, type Strategy } from '../../strategy.js';

export const endpointsStrategy: Strategy = baseStrategy('Endpoints');
