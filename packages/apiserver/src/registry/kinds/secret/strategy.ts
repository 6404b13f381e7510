// Secret: nothing beyond the defaults; `type` is selectable (fields.ts).
import { baseStrategy, type Strategy } from '../../strategy.js';

export const secretStrategy: Strategy = baseStrategy('Secret');
