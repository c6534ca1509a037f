/**
 * AutoRoundModifier (LLM Compressor 0.12 `autoround/base.py`): QuantizationModifier's fields plus `iters`
 * (200), `enable_torch_compile`, `batch_size` (8), `lr`, `device_ids`, `disable_opt_rtn`. The signed-gradient
 * rounding optimisation is not computed: the weights are quantized by round-to-nearest with the scheme,
 * and a warning says so at start.
 */
import type { Event } from '../../core/events.ts';
import type { State } from '../../core/state.ts';
import { asBool, asOptionalNumber, field, FieldTypeError, type FieldSpecs } from '../../core/fields.ts';
import type { Kwargs } from '../modifier.ts';
import { QuantizationModifier, type QuantizationModifierArgs } from '../quantization/base.ts';

export const AUTOROUND_NOT_COMPUTED =
  "AutoRoundModifier: AutoRound's signed-gradient rounding and min-max tuning (iters, lr, batch_size) are not computed by llmc-sim; " +
  'the targeted weights are quantized by round-to-nearest with the same scheme instead (see docs/modifiers/AutoRoundModifier.md)';

const asInt = (v: unknown): number => {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  throw new FieldTypeError('Input should be a valid integer');
};

export class AutoRoundModifier extends QuantizationModifier {
  static override readonly fields: FieldSpecs = [
    ...QuantizationModifier.fields,
    field<number>('iters', 'iters', 200, asInt),
    field<boolean>('enable_torch_compile', 'enableTorchCompile', true, asBool),
    field<number>('batch_size', 'batchSize', 8, asInt),
    field<number | null>('lr', 'lr', null, asOptionalNumber),
    field<string | null>('device_ids', 'deviceIds', null, (v) => (v === null || v === undefined ? null : String(v))),
    field<boolean>('disable_opt_rtn', 'disableOptRtn', false, asBool),
  ];
  declare iters: number;
  declare enableTorchCompile: boolean;
  declare batchSize: number;
  declare lr: number | null;
  declare deviceIds: string | null;
  declare disableOptRtn: boolean;

  constructor(args: QuantizationModifierArgs & Record<string, unknown> = {}) {
    super(args);
  }

  protected override onStart(state: State, event: Event | null, kwargs: Kwargs): void {
    super.onStart(state, event, kwargs);
    this.warn(AUTOROUND_NOT_COMPUTED);
  }
}
