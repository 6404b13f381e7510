// Node: status is a subresource kept on spec updates; unlike most kinds, the status sent on create
// is kept (a node agent registers its Node with capacity and addresses), as Kubernetes'
// nodeStrategy.
import { statusSubresourceStrategy, type Strategy } from '../../strategy.js';

export const nodeStrategy: Strategy = {
  ...statusSubresourceStrategy('Node'),
  prepareForCreate() {},
};
