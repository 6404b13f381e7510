// The plugin names, as Kubernetes spells them (they appear in configuration files and messages).
export const PrioritySortName = 'PrioritySort';
export const NodeNameName = 'NodeName';
export const NodeUnschedulableName = 'NodeUnschedulable';
export const NodeResourcesFitName = 'NodeResourcesFit';
export const BalancedAllocationName = 'NodeResourcesBalancedAllocation';
export const NodeAffinityName = 'NodeAffinity';
export const TaintTolerationName = 'TaintToleration';
export const InterPodAffinityName = 'InterPodAffinity';
export const PodTopologySpreadName = 'PodTopologySpread';
export const NodePortsName = 'NodePorts';
export const ImageLocalityName = 'ImageLocality';
export const DefaultPreemptionName = 'DefaultPreemption';
export const DefaultBinderName = 'DefaultBinder';
