// A profile resolved from the configuration: which plugin runs at which extension point, in order,
// with score weights and plugin arguments. The Framework instantiates it through the registry.

export interface WeightedPlugin {
  name: string;
  weight: number;
}

export interface ResolvedProfile {
  schedulerName: string;
  queueSort: string[];
  preFilter: string[];
  filter: string[];
  postFilter: string[];
  preScore: string[];
  score: WeightedPlugin[];
  reserve: string[];
  permit: string[];
  bind: string[];
  /** Plugin name -> its `args` from pluginConfig. */
  pluginArgs: Record<string, unknown>;
  /** 0: adaptive (Kubernetes' default); 1..100: a fixed share of the nodes. */
  percentageOfNodesToScore: number;
}
