/**
 * The importance matrix of LLM Compressor 0.12's `imatrix_mse` observer (`observers/imatrix.py`): per input
 * channel of a Linear, Σx² over every calibration token and the token count, so E[x²] = sum/count. It is
 * gathered by a forward-pre hook (an `IMatrixGatherer` pass, or the observer's own calibration pass), left on
 * the module between modifiers as upstream leaves `_imatrix_sum`/`_imatrix_count`, and taken by the next
 * `imatrix_mse` weight observer.
 */
import type { Module } from '../../../model/modules.ts';
import type { Tensor } from '../../../tensor/tensor.ts';

/**
 * Accumulators in float32 (`IMATRIX_PRECISION`): each batch's Σx² is rounded, then added and rounded. Our
 * calibration forwards run the whole model for every subgraph, so batches go to `pending` and only the pass
 * of the module's own subgraph is kept (`settleImportance`), as upstream's per-subgraph forwards see them.
 */
export interface ImportanceSums {
  sum: Float32Array;
  count: number;
  pending: Float32Array;
  pendingCount: number;
  /** Settled: the module's subgraph was calibrated, later forwards add nothing. */
  settled: boolean;
}

const left = new WeakMap<Module, ImportanceSums>();

export const newImportance = (inFeatures: number): ImportanceSums => ({
  sum: new Float32Array(inFeatures), count: 0, pending: new Float32Array(inFeatures), pendingCount: 0, settled: false,
});

/** The forward-pre hook body: adds a batch [tokens, in] to the sums. */
export function accumulateImportance(acc: ImportanceSums, x: Tensor): void {
  if (acc.settled) return;
  const cols = x.shape[x.shape.length - 1];
  const rows = x.size / cols;
  const batch = new Float64Array(cols);
  for (let t = 0; t < rows; t++)
    for (let j = 0; j < cols; j++) {
      const v = Math.fround(x.data[t * cols + j]);
      batch[j] += Math.fround(v * v);
    }
  for (let j = 0; j < cols; j++) acc.pending[j] += Math.fround(batch[j]);
  acc.pendingCount += rows;
}

/** At a SEQUENTIAL_EPOCH_END: keep the pass when it covered the module, else forget it (an earlier subgraph's pass). */
export function settleImportance(acc: ImportanceSums, covered: boolean): void {
  if (acc.settled) return;
  if (covered) {
    acc.sum.set(acc.pending);
    acc.count = acc.pendingCount;
    acc.settled = true;
  } else {
    acc.pending.fill(0);
    acc.pendingCount = 0;
  }
}

/** Leaves gathered sums on the module for a later `imatrix_mse` observer (the gatherer's `detach`). */
export function leaveImportance(module: Module, acc: ImportanceSums): void {
  left.set(module, acc);
}

/** Takes (and removes) the sums a gatherer left on the module (the observer's `attach`). */
export function takeImportance(module: Module): ImportanceSums | undefined {
  const acc = left.get(module);
  left.delete(module);
  return acc;
}

/** Drops what a gatherer left (its `on_finalize`, so nothing ends up in the checkpoint). */
export function dropImportance(module: Module): void {
  left.delete(module);
}

/**
 * E[x²] normalized by its mean (`_prepare_importance`), or null with upstream's warning text when the
 * observer must fall back to the uniform search: TENSOR strategy, no data, non-finite, negative, all zeros,
 * or a size other than the weight's column count.
 */
export function normalizedImportance(acc: ImportanceSums | undefined, strategy: string, columns: number): Float64Array | string {
  if (strategy === 'tensor') return 'imatrix_mse: TENSOR strategy not supported. Falling back to uniform MSE.';
  if (!acc || acc.count === 0) return 'imatrix_mse: no importance data available. Falling back to uniform MSE.';
  const imp = Float32Array.from(acc.sum, (s) => s / acc.count);
  if (!imp.every(Number.isFinite)) return 'imatrix_mse: contains non-finite values. Falling back to uniform MSE.';
  if (imp.some((v) => v < 0)) return 'imatrix_mse: contains negative values. Falling back to uniform MSE.';
  if (imp.every((v) => v === 0)) return 'imatrix_mse: all zeros. Falling back to uniform MSE.';
  if (imp.length !== columns) return `imatrix_mse: size mismatch: expected ${columns}, got ${imp.length}. Falling back to uniform MSE.`;
  let total = 0;
  for (const v of imp) total += v;
  const denom = Math.fround(Math.fround(total / imp.length) + 1.1754943508222875e-38);
  return Float64Array.from(imp, (v) => Math.fround(v / denom));
}
