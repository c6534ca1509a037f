/** Quantization: the modifier, its presets and errors, (the error table users see is src/eval/). */
export { QuantizationModifier, quantizeWeight, type QuantizationModifierArgs } from './base.ts';
export { PRESETS, presetScheme, type QuantizationArgs, type QuantizationScheme } from './presets.ts';
export {
  GroupDivisibilityError, NarrowGroupLayerError, NotSimulatedError, QuantizationFieldsRequiredError, SchemeAndConfigGroupsError,
} from './errors.ts';
