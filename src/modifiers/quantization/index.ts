/** Quantization: the modifier, its presets and errors, and the error table users see. */
export { QuantizationModifier, quantizeWeight, type QuantizationModifierArgs } from './base.ts';
export { PRESETS, presetScheme, type QuantizationArgs, type QuantizationScheme } from './presets.ts';
export {
  GroupDivisibilityError, NarrowGroupLayerError, NotSimulatedError, QuantizationFieldsRequiredError, SchemeAndConfigGroupsError,
} from './errors.ts';
export {
  computeErrorTable, formatErrorTable, sampleSequences, type ErrorTable, type ErrorTableOptions, type ErrorTableRow,
  type RotationDrift,
} from './errorTable.ts';
