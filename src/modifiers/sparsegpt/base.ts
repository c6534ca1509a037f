/**
 * SparseGPTModifier (LLM Compressor 0.12 `pruning/sparsegpt/base.py`; the math in tensor/kernels/sparsegpt.ts):
 * the Hessian 2·XᵀX of each prunable Linear's calibration inputs (one sample per batch), then OBS pruning
 * with error feedback at the SEQUENTIAL_EPOCH_END covering the module.
 */
import { asBool, asOptionalNumber, field, FieldTypeError, type FieldSpecs } from '../../core/fields.ts';
import { ValueError } from '../../core/errors.ts';
import type { Linear } from '../../model/modules.ts';
import type { Tensor } from '../../tensor/tensor.ts';
import { asPositiveInt, HessianAccumulator } from '../_internals/hessians.ts';
import { sparseGptPrune } from '../../tensor/ops.ts';
import { SparsityModifierBase, type SparsityModifierArgs } from './sparsityBase.ts';

export interface SparseGPTModifierArgs extends SparsityModifierArgs {
  block_size?: number;
  blockSize?: number;
  dampening_frac?: number | null;
  dampeningFrac?: number | null;
  preserve_sparsity_mask?: boolean;
  preserveSparsityMask?: boolean;
  offload_hessians?: boolean;
  offloadHessians?: boolean;
}

export const SPARSEGPT_NOT_INVERTIBLE =
  'Failed to invert hessian due to numerical instability. Consider increasing SparseGPTModifier.dampening_frac, increasing ' +
  'the number of calibration samples, or shuffling the calibration dataset';

const asBlockSize = (v: unknown): number => asPositiveInt(v, (m) => new FieldTypeError(m));

export class SparseGPTModifier extends SparsityModifierBase {
  static override readonly fields: FieldSpecs = [
    ...SparsityModifierBase.fields,
    field<number>('block_size', 'blockSize', 128, asBlockSize),
    field<number | null>('dampening_frac', 'dampeningFrac', 0.01, asOptionalNumber),
    field<boolean>('preserve_sparsity_mask', 'preserveSparsityMask', false, asBool),
    field<boolean>('offload_hessians', 'offloadHessians', false, asBool),
  ];
  declare blockSize: number;
  declare dampeningFrac: number | null;
  declare preserveSparsityMask: boolean;
  declare offloadHessians: boolean;

  readonly #hessians = new HessianAccumulator();

  constructor(args: SparseGPTModifierArgs = {}) {
    super(args);
  }

  protected override calibrateModule(name: string, _module: Linear, x: Tensor): void {
    this.#hessians.add(name, x);
  }

  protected override compressModule(name: string, module: Linear, sparsity: number): Float64Array | null {
    const e = this.#hessians.take(name);
    if (!e) return null;
    const [rows, cols] = module.weight.shape;
    const [pruneN, pruneM] = this.pruneNM;
    this.recordEffect('sparsegpt.prune', { module: name, message: `Sparsifying ${name} using ${e.samples} samples` });
    let r;
    try {
      r = sparseGptPrune(module.weight.data, rows, cols, e.h, {
        sparsity, pruneN, pruneM, blockSize: this.blockSize, dampeningFrac: this.dampeningFrac ?? 0, preserveSparsityMask: this.preserveSparsityMask,
      });
    } catch (err) {
      if (err instanceof RangeError) throw new ValueError(err.message);
      throw err;
    }
    if (!r.inverted) this.warn(SPARSEGPT_NOT_INVERTIBLE);
    this.losses.set(name, r.loss);
    return r.weight;
  }

  protected override resetStatistics(): void {
    this.#hessians.clear();
  }
}
