/** SmoothQuant and its log-equalization alias. */
export { SmoothQuantModifier, type SmoothQuantModifierArgs } from './base.ts';
export { LogarithmicEqualizationModifier, LOG_EQUALIZATION_DEPRECATED } from './logEqualization.ts';
export { DEFAULT_SMOOTHQUANT_MAPPINGS } from './mappings.ts';
