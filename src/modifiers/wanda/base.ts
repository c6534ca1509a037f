/**
 * WandaPruningModifier (LLM Compressor 0.12 `pruning/wanda/base.py`; the math in tensor/kernels/wanda.ts): the
 * per-input-channel mean squared norm S of each prunable Linear's calibration inputs, then pruning by
 * |W|·√S at the SEQUENTIAL_EPOCH_END covering the module.
 */
import type { FieldSpecs } from '../../core/fields.ts';
import type { Linear } from '../../model/modules.ts';
import type { Tensor } from '../../tensor/tensor.ts';
import { accumulateRowScalars, wandaPrune } from '../../tensor/ops.ts';
import { SparsityModifierBase, type SparsityModifierArgs } from '../sparsegpt/sparsityBase.ts';

export class WandaPruningModifier extends SparsityModifierBase {
  static override readonly fields: FieldSpecs = SparsityModifierBase.fields;

  readonly #scalars = new Map<string, { s: Float64Array; samples: number }>();

  constructor(args: SparsityModifierArgs = {}) {
    super(args);
  }

  protected override calibrateModule(name: string, _module: Linear, x: Tensor): void {
    const cols = x.shape[x.shape.length - 1];
    let e = this.#scalars.get(name);
    if (!e) this.#scalars.set(name, (e = { s: new Float64Array(cols), samples: 0 }));
    e.samples = accumulateRowScalars(e.s, e.samples, x.data, x.size / cols, cols);
  }

  protected override compressModule(name: string, module: Linear, sparsity: number): Float64Array | null {
    const e = this.#scalars.get(name);
    if (!e) return null;
    this.#scalars.delete(name);
    const [rows, cols] = module.weight.shape;
    const [n, m] = this.pruneNM;
    this.recordEffect('wanda.prune', { module: name, message: `Sparsifying ${name} using ${e.samples} samples` });
    return wandaPrune(module.weight.data, rows, cols, e.s, sparsity, n, m);
  }

  protected override resetStatistics(): void {
    this.#scalars.clear();
  }
}
