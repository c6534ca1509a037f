/**
 * The shrink-factor grid search of LLM Compressor 0.12's MSE observers (`observers/mse.py`
 * `_grid_search_mse`, and `observers/imatrix.py` `_grid_search` for `imatrix_mse`): per slice, the range
 * [p·min, p·max] for p = 1, 1 − 1/grid, … whose quantize-dequantize error Σ|x̂ − x|^norm (weighted by
 * importance for imatrix) is smallest; the search stops once `patience` steps in a row improved no slice.
 */
import { ValueError } from '../../../core/errors.ts';
import type { DType, TensorData } from '../../../tensor/tensor.ts';

/** One slice: the elements that share a scale (a row, a group, the whole tensor), and optional weights. */
export interface Slice {
  values: TensorData;
  /** imatrix: the normalized importance of each element's input channel. */
  importance?: Float64Array;
}

/** Quantize-dequantize of a slice's values with the parameters `calculate_qparams` derives from (lo, hi). */
export type SliceQdq = (values: TensorData, lo: number, hi: number) => TensorData;

export interface GridSearchOptions {
  maxshrink: number;
  patience: number;
  grid: number;
  norm: number;
  /**
   * `mse`: `int(maxshrink·grid)` steps, stop when `no_improve ≥ patience`. `imatrix`: `max(1,
   * int(maxshrink·grid)) + 1` steps, and patience 0 never stops early.
   */
  variant: 'mse' | 'imatrix';
}

/** The observer kwargs' defaults (`mse`/`memoryless_mse` and `imatrix_mse`). */
export const MSE_DEFAULTS: Omit<GridSearchOptions, 'variant'> = { maxshrink: 0.2, patience: 5, grid: 100, norm: 2.4 };
export const IMATRIX_DEFAULTS: Omit<GridSearchOptions, 'variant'> = { maxshrink: 0.95, patience: 5, grid: 20, norm: 3 };

/**
 * The best (lo, hi) of every slice. `lo`/`hi` start as the slice's own min and max (not widened to 0:
 * `calculate_qparams` does that); `p·min` is computed in the data's dtype (float32: both rounded).
 */
export function gridSearchRange(slices: readonly Slice[], qdq: SliceQdq, dtype: DType, o: GridSearchOptions): { lo: Float64Array; hi: Float64Array } {
  const r: (v: number) => number = dtype === 'float32' ? Math.fround : (v) => v;
  const n = slices.length;
  const min = new Float64Array(n);
  const max = new Float64Array(n);
  slices.forEach((s, k) => {
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of s.values) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    min[k] = lo;
    max[k] = hi;
  });
  const bestLo = Float64Array.from(min);
  const bestHi = Float64Array.from(max);
  const bestErr = new Float64Array(n).fill(dtype === 'float32' ? 3.4028234663852886e38 : Number.MAX_VALUE);
  const raw = Math.trunc(o.maxshrink * o.grid);
  const steps = o.variant === 'mse' ? raw : Math.max(1, raw) + 1;
  let noImprove = 0;
  for (let i = 0; i < steps; i++) {
    const p = r(1 - i / o.grid);
    let improved = false;
    for (let k = 0; k < n; k++) {
      const lo = r(p * min[k]);
      const hi = r(p * max[k]);
      const { values, importance } = slices[k];
      const q = qdq(values, lo, hi);
      let err = 0;
      for (let j = 0; j < values.length; j++) {
        const e = Math.abs(r(q[j] - values[j])) ** o.norm;
        err += importance ? e * importance[j] : e;
      }
      if (err < bestErr[k]) {
        bestErr[k] = err;
        bestLo[k] = lo;
        bestHi[k] = hi;
        improved = true;
      }
    }
    if (improved) noImprove = 0;
    else {
      noImprove += 1;
      if ((o.variant === 'mse' || o.patience > 0) && noImprove >= o.patience) break;
    }
  }
  return { lo: bestLo, hi: bestHi };
}

/** `observer_kwargs` over the defaults; upstream's own validation of the imatrix kwargs. */
export function gridOptions(kind: 'mse' | 'imatrix', kwargs: Readonly<Record<string, unknown>> = {}): GridSearchOptions {
  const d = kind === 'mse' ? MSE_DEFAULTS : IMATRIX_DEFAULTS;
  const num = (k: keyof typeof d): number => {
    const v = kwargs[k];
    return typeof v === 'number' ? v : d[k];
  };
  const o: GridSearchOptions = { maxshrink: num('maxshrink'), patience: num('patience'), grid: num('grid'), norm: num('norm'), variant: kind };
  if (kind === 'imatrix') {
    if (o.grid <= 0) throw new ValueError(`grid must be > 0, got ${o.grid}`);
    if (o.patience < 0) throw new ValueError(`patience must be >= 0, got ${o.patience}`);
    if (!(o.maxshrink >= 0 && o.maxshrink <= 1)) throw new ValueError(`maxshrink must be in [0, 1], got ${o.maxshrink}`);
    if (!(Number.isFinite(o.norm) && o.norm > 0)) throw new ValueError(`norm must be a finite positive number, got ${o.norm}`);
  }
  return o;
}
