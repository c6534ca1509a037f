/** SpinQuant: the modifier, its mappings and the drift report. */
export { SpinQuantModifier, type SpinQuantModifierArgs, type Rotation, type SpinQuantTransformType } from './base.ts';
export {
  LLAMA_NORM_MAPPINGS, LLAMA_SPINQUANT_MAPPING, inferMappingFromModel, inferNormMappingFromModel, type NormMapping,
  type SpinQuantMapping,
} from './mappings.ts';
export { defaultProbe, type Drift, type DriftReport } from './drift.ts';
export {
  CannotFuseNormError, MappingsRequiredError, NormCountError, NotSupportedAsOfNowError, centeringChangedOutputs,
} from './errors.ts';
export { centerEmbeddings, fuseNorms, untieWordEmbeddings } from './fuse.ts';
