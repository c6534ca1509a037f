import { upperCholeskyOfInverse } from './inverseCholesky.ts';
import { blockUpdate, identity } from './obsBlockUpdate.ts';

export interface SparseGptOptions {
  /** Fraction of weights to zero (unstructured; ignored by N:M). */
  sparsity: number;
  /** N of N:M (0: unstructured). */
  pruneN: number;
  pruneM: number;
  blockSize: number;
  dampeningFrac: number;
  /** Keep the weight's existing zeros zero and extend them to `sparsity`. */
  preserveSparsityMask: boolean;
}

export interface SparseGptResult {
  /** Pruned weight [rows, cols] row-major. */
  weight: Float64Array;
  loss: number;
  /** False when H + damp was not positive definite (U = I: magnitude-like pruning without feedback). */
  inverted: boolean;
}

/** Upstream's text when the existing zeros already exceed the target. */
export const BASE_SPARSITY_TOO_HIGH =
  'The target sparsity is lower than the sparsity of the base model. Please retry after turning preserve_sparsity_mask=False';

/**
 * SparseGPT (Frantar & Alistarh 2023, arXiv 2301.00774; LLM Compressor 0.12 `sgpt_sparsify.sparsify_weight`):
 * per block of columns, choose the mask by the OBS saliency w²/[H⁻¹]_jj² (the `sparsity` quantile of the
 * block, or per row the N smallest of each M columns, chosen when the sweep reaches the group), zero the
 * masked weights column by column and feed each column's error into the remaining columns through U = the
 * upper Cholesky factor of (H + λI)⁻¹. Buffers: `w` [rows, cols] row-major; `hessian` [cols, cols] (not modified).
 * @throws {RangeError} with upstream's text when preserving a mask sparser than the target.
 */
export function sparseGptPrune(w: ArrayLike<number>, rows: number, cols: number, hessian: Float64Array, o: SparseGptOptions): SparseGptResult {
  const n = cols;
  const H = Float64Array.from(hessian);
  const WT = new Float64Array(rows * n);
  for (let j = 0; j < n; j++) for (let r = 0; r < rows; r++) WT[j * rows + r] = w[r * n + j];
  for (let i = 0; i < n; i++) {
    if (H[i * n + i] === 0) {
      H[i * n + i] = 1;
      WT.fill(0, i * rows, (i + 1) * rows);
    }
  }
  let trace = 0;
  for (let i = 0; i < n; i++) trace += H[i * n + i];
  const damp = o.dampeningFrac * (trace / n);
  for (let i = 0; i < n; i++) H[i * n + i] += damp;
  const inverse = upperCholeskyOfInverse(H, n);
  const U = inverse ?? identity(n);

  let base: Uint8Array | null = null; // column-major, 1 = already zero
  if (o.preserveSparsityMask) {
    base = Uint8Array.from(WT, (v) => (v === 0 ? 1 : 0));
    let zeros = 0;
    for (const b of base) zeros += b;
    if (zeros / WT.length > o.sparsity) throw new RangeError(BASE_SPARSITY_TOO_HIGH);
  }
  const keep = base ? Uint8Array.from(base, (b) => 1 - b) : null; // preserved zeros take no later updates

  let loss = 0;
  const B = Math.max(1, o.blockSize);
  for (let i1 = 0; i1 < n; i1 += B) {
    const i2 = Math.min(i1 + B, n);
    const count = i2 - i1;
    const mask = new Uint8Array(count * rows); // column-major within the block
    if (base) mask.set(base.subarray(i1 * rows, i2 * rows));
    if (o.pruneN === 0) {
      let have = 0;
      for (const m of mask) have += m;
      const k = Math.floor(mask.length * o.sparsity);
      if (!base || k > have) {
        const tmp = new Float64Array(count * rows);
        for (let i = 0; i < count; i++) {
          const d = U[(i1 + i) * n + i1 + i];
          for (let r = 0; r < rows; r++) {
            const x = WT[(i1 + i) * rows + r];
            tmp[i * rows + r] = base && mask[i * rows + r] ? 0 : (x * x) / (d * d);
          }
        }
        const thresh = Float64Array.from(tmp).sort()[Math.min(k, tmp.length - 1)];
        for (let i = 0; i < tmp.length; i++) mask[i] = tmp[i] <= thresh ? 1 : 0;
      }
    }
    const err = new Float64Array(count * rows);
    for (let i = 0; i < count; i++) {
      const c = i1 + i;
      if (o.pruneN !== 0 && i % o.pruneM === 0) chooseNofM(WT, U, mask, base, rows, n, i1, i, Math.min(o.pruneM, count - i), o.pruneN);
      const d = U[c * n + c];
      for (let r = 0; r < rows; r++) {
        const x = WT[c * rows + r];
        const q = mask[i * rows + r] ? 0 : x;
        const e = (x - q) / d;
        loss += e * e;
        WT[c * rows + r] = q;
        err[i * rows + r] = e;
      }
      for (let j = i + 1; j < count; j++) {
        const h = U[c * n + i1 + j];
        if (h === 0) continue;
        const cj = (i1 + j) * rows;
        for (let r = 0; r < rows; r++) WT[cj + r] -= h * err[i * rows + r];
      }
    }
    if (i2 < n) blockUpdate(WT, U, err, keep, rows, n, i1, i2);
  }
  const out = new Float64Array(rows * n);
  for (let j = 0; j < n; j++) for (let r = 0; r < rows; r++) out[r * n + j] = WT[j * rows + r];
  return { weight: out, loss: loss / 2, inverted: inverse !== null };
}

/** Per row, mark the `pruneN` smallest w²/d² among block columns [i, i + width) (ties: lower column first). */
function chooseNofM(WT: Float64Array, U: Float64Array, mask: Uint8Array, base: Uint8Array | null, rows: number, n: number, i1: number, i: number, width: number, pruneN: number): void {
  const score = new Float64Array(width);
  const order = Array.from({ length: width }, (_, k) => k);
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < width; k++) {
      const c = i1 + i + k;
      const d = U[c * n + c];
      const x = WT[c * rows + r];
      score[k] = base && base[c * rows + r] ? 0 : (x * x) / (d * d);
    }
    order.sort((a, b) => score[a] - score[b] || a - b);
    for (let k = 0; k < Math.min(pruneN, width); k++) mask[(i + order[k]) * rows + r] = 1;
  }
}
