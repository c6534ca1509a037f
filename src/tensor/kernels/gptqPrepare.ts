import { ColumnQuantizer, type GptqOptions } from './gptqColumnQuantizer.ts';

export type { GptqOptions } from './gptqColumnQuantizer.ts';

export interface GptqResult {
  /** Quantized weight [rows, cols] row-major, original column order. */
  weight: Float64Array;
  /** [1] (tensor), [rows] (channel) or [rows, groups] (group); float formats as their RTN kernel records them. */
  scales: Float64Array;
  /** The float group and block formats' scales' shape as RTN's (`ColumnQuantizer.scaleShape`); null: by strategy. */
  scaleShape: number[] | null;
  zeroPoints: Int32Array;
  /** Column → group (group, tensor_group; block: block column), null otherwise. */
  gIdx: Int32Array | null;
  /** Σ (w − q)²/d² / 2 over every weight (upstream's logged loss). */
  loss: number;
  /** False when H + damp was not positive definite and the layer fell back to round-to-nearest. */
  inverted: boolean;
}

/** Fraction of zeros at or above which GPTQ keeps zeros zero (upstream `SPARSITY_THRESHOLD`). */
export const SPARSITY_THRESHOLD = 0.05;

/** A layer ready for the GPTQ sweep: everything before the inverse factor and after it but the loop itself. */
export interface PreparedLayer {
  rows: number;
  n: number;
  /** Column order of the sweep (actorder), null for the identity. */
  perm: Int32Array | null;
  /** Working weight, column-major [n][rows], permuted; dead inputs' columns zeroed. */
  WT: Float64Array;
  /**
   * What the inverse factor is taken of: H permuted, dead inputs' diagonal 1, dampened. Entry (i, j) is
   * `hessian[perm[i]·n + perm[j]]` off the diagonal and `diag[i]` on it (see `permutedHessian`); the float32
   * path reads it straight into its arena instead of building this float64 copy.
   */
  hessian: Float64Array;
  diag: Float64Array;
  /** Column-major like WT, 1 = may change; null = all (the weight is not sparse). */
  nz: Uint8Array | null;
  quantizer: ColumnQuantizer;
}

/**
 * Upstream `quantize_weight` up to the inverse: actorder permutation, the quantizer's scales (gptqColumnQuantizer.ts) of
 * the weight before GPTQ (of the permuted weight with actorder group), the sparsity mask, dead inputs
 * (H_ii = 0: H_ii = 1 and a zero column) and dampening λ = dampening_frac · mean(diag H).
 */
export function prepareLayer(w: ArrayLike<number>, rows: number, n: number, hessian: Float64Array, o: GptqOptions): PreparedLayer {
  const perm = o.actorder ? argsortDescending(diagonal(hessian, n)) : null;
  const WT = new Float64Array(rows * n);
  // column-major, permuted, in tiles so both the reads and the writes stay in cache
  for (let r0 = 0; r0 < rows; r0 += TILE)
    for (let j = 0; j < n; j++) {
      const src = perm ? perm[j] : j;
      for (let r = r0; r < Math.min(r0 + TILE, rows); r++) WT[j * rows + r] = w[r * n + src];
    }
  const quantizer = new ColumnQuantizer(o.actorder === 'group' ? fromColumnMajor(WT, rows, n) : w, rows, n, o, perm);

  let zeros = 0;
  for (let i = 0; i < WT.length; i++) if (WT[i] === 0) zeros++;
  const nz = zeros / WT.length >= SPARSITY_THRESHOLD ? Uint8Array.from(WT, (v) => (Math.abs(v) <= 1e-8 ? 0 : 1)) : null;

  const diag = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const c = perm ? perm[i] : i;
    diag[i] = hessian[c * n + c];
    if (diag[i] === 0) {
      diag[i] = 1;
      WT.fill(0, i * rows, (i + 1) * rows);
    }
  }
  let traceSum = 0;
  for (let i = 0; i < n; i++) traceSum += diag[i];
  const damp = o.dampeningFrac * (traceSum / n);
  for (let i = 0; i < n; i++) diag[i] += damp;
  return { rows, n, perm, WT, hessian, diag, nz, quantizer };
}

/** Rows per tile of the weight's transposition. */
const TILE = 16;

/** The prepared H as a float64 [n, n] row-major matrix (permuted, dead inputs and dampening applied). */
export function permutedHessian(p: PreparedLayer): Float64Array {
  const { n, perm, hessian, diag } = p;
  const out = perm ? new Float64Array(n * n) : hessian.slice();
  if (perm) {
    for (let i = 0; i < n; i++) {
      const row = perm[i] * n;
      for (let j = 0; j < n; j++) out[i * n + j] = hessian[row + perm[j]];
    }
  }
  for (let i = 0; i < n; i++) out[i * n + i] = diag[i];
  return out;
}

/** The sweep's result: the working weight (sweep order, read through `at(column, row)`) back to [rows, n] in the original order. */
export function finishLayer(p: PreparedLayer, at: (c: number, r: number) => number, loss: number, inverted: boolean): GptqResult {
  const { rows, n, perm } = p;
  const out = new Float64Array(rows * n);
  for (let j = 0; j < n; j++) {
    const dst = perm ? perm[j] : j;
    for (let r = 0; r < rows; r++) out[r * n + dst] = at(j, r);
  }
  const q = p.quantizer;
  return { weight: out, scales: q.scales, scaleShape: q.scaleShape, zeroPoints: q.zeroPoints, gIdx: q.gIdx(n), loss: loss / 2, inverted };
}

function diagonal(h: Float64Array, n: number): Float64Array {
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = h[i * n + i];
  return d;
}

/** Indices by decreasing value, ties by increasing index (a stable descending argsort). */
function argsortDescending(v: ArrayLike<number>): Int32Array {
  const idx = Array.from({ length: v.length }, (_, i) => i);
  idx.sort((a, b) => v[b] - v[a] || a - b);
  return Int32Array.from(idx);
}

function fromColumnMajor(wt: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let j = 0; j < cols; j++) for (let r = 0; r < rows; r++) out[r * cols + j] = wt[j * rows + r];
  return out;
}
