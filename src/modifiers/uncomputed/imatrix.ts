/**
 * IMatrixGatherer (LLM Compressor 0.12 `transform/imatrix/base.py`): fields `targets` (['Linear']),
 * `ignore` (['lm_head']), `weight_observer` ('imatrix_mse' only). The importance matrix is not gathered
 * (and the `imatrix_mse` observer that would read it is not simulated).
 */
import { asStringList, field, FieldTypeError, type FieldSpecs } from '../../core/fields.ts';
import { Modifier, type ModifierArgs } from '../modifier.ts';
import { UncomputedModifier } from './base.ts';

export class IMatrixGatherer extends UncomputedModifier {
  static override readonly fields: FieldSpecs = [
    ...Modifier.fields,
    field<string[]>('targets', 'targets', ['Linear'], asStringList),
    field<string[]>('ignore', 'ignore', ['lm_head'], asStringList),
    field<string>('weight_observer', 'weightObserver', 'imatrix_mse', (v) => {
      if (v !== 'imatrix_mse') throw new FieldTypeError(`weight_observer must be 'imatrix_mse' (got ${JSON.stringify(v)})`);
      return v;
    }),
  ];
  declare targets: string[];
  declare ignore: string[];
  declare weightObserver: string;
  protected readonly uncomputed = 'the importance matrix (per-input-channel mean squared activations)';

  constructor(args: ModifierArgs & Record<string, unknown> = {}) {
    super(args);
  }
}
