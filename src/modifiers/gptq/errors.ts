/** GPTQModifier's messages (LLM Compressor 0.12 `modifiers/gptq/*`, verbatim where upstream has one). */
import { ValueError } from '../../core/errors.ts';

export class ActorderConflictError extends ValueError {
  constructor(readonly modifierValue: string | null, readonly schemeValue: string | null) {
    super(
      'Cannot resolve activation ordering when both `GPTQModifier.actorder` and `QuantizationScheme.actorder` are ' +
        `provided and differ (${modifierValue}, ${schemeValue}). Either unset \`GPTQModifier.actorder\` or remove ` +
        '`actorder` from config groups.',
    );
  }
}

export class NothingToQuantizeError extends ValueError {
  constructor() {
    super('GPTQModifier was unable to find any modules to quantize. Please check quantization `config_groups` and `targets` in recipe');
  }
}

export const groupActorderFallback = (strategy: string) =>
  `ActivationOrdering.GROUP is not compatible with strategy=${strategy}; falling back to actorder=None for this scheme.`;

export const HESSIAN_NOT_INVERTIBLE =
  'Failed to invert hessian due to numerical instability. Consider increasing GPTQModifier.dampening_frac, increasing ' +
  'the number of calibration samples, or shuffling the calibration dataset. Falling back to round-to-nearest for this module.';

/** Ours: a targeted Linear no calibration batch reached (no dataset): it gets RTN, and says so. */
export const noCalibrationSamples = (name: string) =>
  `GPTQModifier: ${name} saw no calibration data, so it is quantized by round-to-nearest (pass a dataset for GPTQ)`;

/** Upstream logs `Quantizing {name} using {n} samples` at info; we record it as an effect. */
export const quantizingWith = (name: string, samples: number) => `Quantizing ${name} using ${samples} samples`;
