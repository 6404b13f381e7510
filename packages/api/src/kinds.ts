// The API kinds: validation and defaulting of every kind, and the parsers they rest on.
export { validateObject, validateObjectMeta, validateObjectMetaUpdate, validateLabels, validateAnnotations, validatePodSpec, validatePodTemplateSpec, validatePodSpecUpdate } from './validation/index.js';
export { applyDefaults, defaultImagePullPolicy, defaultPodSpec, defaultPodTemplateSpec } from './defaults/index.js';
export * from './types/index.js';
export * from './labels.js';
export * from './fields.js';
export * from './names.js';
export * from './quantity.js';
export * from './tolerations.js';
