/** SmoothQuant and its log-equalization alias. */
export { SmoothQuantModifier } from './base.ts';
export { LogarithmicEqualizationModifier } from './logEqualization.ts';
