/** QuantizationModifier's messages (spinquant.md §12, T30–T35). */
import { ValueError, specError } from '../../core/errors.ts';

/** T30 (ours) */
export class NotSimulatedError extends specError(ValueError, 'T30', (field: string) => `QuantizationModifier: ${field} is not simulated by llmc-sim`, 'field') {}

/** Upstream's text for a name that is no preset (T31: every compressed-tensors 0.17 preset is simulated). */
export const NOT_A_PRESET = '`scheme` must either be a preset scheme name or a dictionary of preset scheme names';

/** T32 */
export class QuantizationFieldsRequiredError extends specError(ValueError, 'T32', () => 'QuantizationModifier requires that quantization fields be specified') {}

/** T33 */
export class SchemeAndConfigGroupsError extends specError(ValueError, 'T33', () => 'Please specify either `scheme` or `config_groups`') {}

export interface IndivisibleLayer {
  name: string;
  columns: number;
  groupSize: number;
}

/** LLM Compressor 0.12's `_apply_observer_overrides` text. */
export class ObserverOverrideConflictError extends ValueError {
  constructor() {
    super(
      'Cannot specify both individual observer parameters (weight_observer, input_observer, output_observer) and observer dict. ' +
        'Please use either individual parameters or the observer dict.',
    );
  }
}

/**
 * compressed-tensors' `_apply_kv_cache_scheme` does `raise logger.warning("vLLM does not support asymmetric kv
 * cache quantization")`: the warning is logged, then raising its None result fails with a TypeError.
 */
export class AsymmetricKvCacheError extends ValueError {
  constructor() {
    super(
      'kv_cache_scheme: vLLM does not support asymmetric kv cache quantization (compressed-tensors logs this warning and then ' +
        'fails with "TypeError: exceptions must derive from BaseException"; use symmetric: true)',
    );
  }
}

/** T34 */
export class GroupDivisibilityError extends specError(
  ValueError,
  'T34',
  (layers: readonly IndivisibleLayer[]) =>
    'The following layers have weight column counts not divisible by group_size. Group and tensor-group ' +
    'quantization require columns % group_size == 0; compressed-tensors will error when saving or running ' +
    "forward. Add these layer names to the modifier's `ignore` list and re-run, or set " +
    'bypass_divisibility_checks=True if your runtime (e.g. vLLM) supports non-divisible dimensions.\n\n' +
    layers.map((l) => `  - ${l.name} (columns=${l.columns}, group_size=${l.groupSize})`).join('\n'),
  'layers',
) {}

/** T35 (ours) */
export class NarrowGroupLayerError extends specError(
  ValueError,
  'T35',
  (layer: IndivisibleLayer) =>
    `Layer ${layer.name} has ${layer.columns} weight columns, fewer than group_size ${layer.groupSize}; group ` +
    'quantization needs a multiple of group_size (ignore the layer or use a smaller group size)',
  'layer',
) {}

/** Ours: a targeted module that no SEQUENTIAL_EPOCH_END covered. */
export const neverObserved = (name: string) =>
  `QuantizationModifier: ${name} was never calibrated (no SEQUENTIAL_EPOCH_END covered it), so it stays unquantized`;

/** Ours: input activations of an Embedding are token ids; upstream has nothing to quantize there either. */
export const embeddingInputNotQuantized = (name: string) =>
  `QuantizationModifier: ${name} is an Embedding; its input (token ids) is not quantized, only its weight`;

/** Ours: static input activations whose module saw no calibration batch (e.g. no dataset, datafree pipeline). */
export const staticInputNeverCalibrated = (name: string) =>
  `QuantizationModifier: static input activations of ${name} saw no calibration data, so its input stays unquantized ` +
  '(pass a dataset, or use dynamic: true)';

/** Ours: a subclass with its own weight algorithm (GPTQ) that does not take its scales from an MSE observer yet. */
export const mseObserverNotUsed = (cls: string, observer: string) =>
  `${cls}: the '${observer}' weight observer's ranges are not used by llmc-sim's ${cls} (it takes min-max ranges); ` +
  'upstream computes its scales from the observer';

/** Ours: static output activations whose module saw no calibration data. */
export const staticOutputNeverCalibrated = (name: string) =>
  `QuantizationModifier: static output activations of ${name} saw no calibration data, so its output stays unquantized ` +
  '(pass a dataset, or use dynamic: true)';

/** Ours: an attention whose keys and values saw no calibration data (kv_cache_scheme is static). */
export const kvCacheNeverCalibrated = (name: string) =>
  `QuantizationModifier: the KV cache of ${name} saw no calibration data, so its keys and values stay unquantized (pass a dataset)`;
