/** AWQ: activation-aware weight scaling ahead of a quantization modifier. */
export { AWQModifier, type AWQModifierArgs, type AwqErrorMetric } from './base.ts';
export { DEFAULT_AWQ_MAPPINGS } from './mappings.ts';
