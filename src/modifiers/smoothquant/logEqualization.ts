/**
 * LogarithmicEqualizationModifier (LLM Compressor 0.12, deprecated): SmoothQuantModifier with
 * `algorithm: log_equalization` as its default, and upstream's deprecation warning.
 */
import { warn as logWarning } from '../../core/logger.ts';
import type { FieldSpecs } from '../../core/fields.ts';
import { SmoothQuantModifier, type SmoothQuantModifierArgs } from './base.ts';

export const LOG_EQUALIZATION_DEPRECATED =
  "LogarithmicEqualizationModifier is deprecated and will be removed in a future release. Use SmoothQuantModifier with algorithm='log_equalization' instead.";

export class LogarithmicEqualizationModifier extends SmoothQuantModifier {
  static override readonly fields: FieldSpecs = SmoothQuantModifier.fields;

  constructor(args: SmoothQuantModifierArgs = {}) {
    logWarning(LOG_EQUALIZATION_DEPRECATED);
    super({ algorithm: 'log_equalization', ...args });
  }
}
