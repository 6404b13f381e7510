// Deployment: status is a subresource (cleared on create, kept on spec updates), as Kubernetes'
// deploymentStrategy.
import { statusSubresourceStrategy, type Strategy } from '../../strategy.js';

export const deploymentStrategy: Strategy = statusSubresourceStrategy('Deployment');
