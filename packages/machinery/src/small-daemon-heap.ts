// Imported first by the main of a small daemon (the node agent, the proxy), for its effect: the
// young generation stays small (heap-growth.ts). As the first import, it runs before the modules
// after it are evaluated, while the heap is still at its initial size.
import { keepYoungGenerationSmall } from './heap-growth.js';

keepYoungGenerationSmall();
