// The scheduler's configuration file: a subset of Kubernetes' KubeSchedulerConfiguration
// (kubescheduler.config.k8s.io/v1), same field names and meaning.

export const CONFIG_API_VERSION = 'kubescheduler.config.k8s.io/v1';
export const CONFIG_KIND = 'KubeSchedulerConfiguration';
export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';

export interface PluginRef {
  name: string;
  /** Score plugins only; 0 or absent means the default (1, or the plugin's default weight). */
  weight?: number;
}

export interface PluginSet {
  enabled?: PluginRef[];
  /** `{name: '*'}` disables every default plugin at this point. */
  disabled?: PluginRef[];
}

export const extensionPoints = ['queueSort', 'preFilter', 'filter', 'postFilter', 'preScore', 'score', 'reserve', 'permit', 'bind'] as const;
export type ExtensionPoint = (typeof extensionPoints)[number];

export type Plugins = { multiPoint?: PluginSet } & { [P in ExtensionPoint]?: PluginSet };

export interface PluginConfig {
  name: string;
  args?: unknown;
}

export interface KubeSchedulerProfile {
  schedulerName?: string;
  /** Overrides the top-level value for this profile; 0 or absent: the top-level value. */
  percentageOfNodesToScore?: number;
  plugins?: Plugins;
  pluginConfig?: PluginConfig[];
}

export interface KubeSchedulerConfiguration {
  apiVersion?: string;
  kind?: string;
  /** 0 (default): adaptive, 50% - nodes/125 but at least 5% and 100 nodes. */
  percentageOfNodesToScore?: number;
  podInitialBackoffSeconds?: number;
  podMaxBackoffSeconds?: number;
  profiles?: KubeSchedulerProfile[];
}
