// ConfigMap: nothing beyond the defaults (no status, no generation).
import { baseStrategy, type Strategy } from '../../strategy.js';

export const configMapStrategy: Strategy = baseStrategy('ConfigMap');
