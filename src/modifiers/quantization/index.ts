/** Quantization: the modifier, its presets and errors, (the error table users see is src/eval/). */
export { QuantizationModifier, type QuantizationModifierArgs } from './base.ts';
