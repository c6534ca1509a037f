/** SpinQuant: the modifier, its mappings and the drift report. */
export { SpinQuantModifier, type SpinQuantModifierArgs } from './base.ts';
export { LLAMA_SPINQUANT_MAPPING } from './mappings.ts';
