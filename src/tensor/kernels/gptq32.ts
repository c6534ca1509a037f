import { Arena, gemmSubtract } from '../wasm/gemm.ts';
import { finishLayer, type GptqResult, type PreparedLayer } from './gptqPrepare.ts';
import { upperCholeskyOfInverse32 } from './inverseCholesky32.ts';

/** Columns per sub-block inside a GPTQ block (as gptq.ts's SUB): the rank-1 feedback runs within one. */
const SUB = 16;

/**
 * The GPTQ sweep in float32, upstream's precision (GPTQ_PRECISION = torch.float32: W, H, H⁻¹'s factor, the
 * errors and the updates): U = chol(H⁻¹) upper by inverseCholesky32.ts, then per block of `blockSize`
 * columns: quantize a column, e = (w − q)/U_cc, rank-1 updates to the rest of its sub-block of SUB columns
 * (each `w −= fl(U_cj·e)` rounded to float32 as torch does), the sub-block's errors into the rest of the
 * block and the block's into every later column as float32 matrix products (gemm.ts). The weight's zeros
 * kept zero (sparse weights) are restored after each product, which is upstream's `· W_nz_mask`.
 * Arena layout: U [n, n], the weight column-major [n][ld] (ld = rows rounded up to 8), errors [block][ld].
 */
export function gptqSweep32(p: PreparedLayer, blockSize: number, onStep?: (step: 'cholesky' | 'inverse') => void): GptqResult {
  const { rows, n, quantizer } = p;
  const ld = (rows + 7) & ~7;
  const B = Math.max(1, Math.min(blockSize, n));
  const arena = new Arena(3.5 * n * n + (n + B + 8) * ld + 3 * n * B + 16 * n + 64);
  const { perm, hessian, diag } = p;
  const entry = perm
    ? (i: number, j: number): number => (i === j ? diag[i] : hessian[perm[i] * n + perm[j]])
    : (i: number, j: number): number => (i === j ? diag[i] : hessian[i * n + j]);
  let u = upperCholeskyOfInverse32(arena, n, entry, onStep);
  const inverted = u !== null;
  if (u === null) {
    u = arena.alloc(n * n, 4 * n + 8);
    for (let i = 0; i < n; i++) arena.f32[u + i * n + i] = 1;
  }
  const U = u;
  const wt = arena.alloc(n * ld, 4 * ld + 8);
  const err = arena.alloc(B * ld, 4 * ld + 8);
  let f = arena.f32;
  for (let c = 0; c < n; c++) f.set(p.WT.subarray(c * rows, (c + 1) * rows), wt + c * ld);
  const kept = p.nz ? keptValues(p.nz, p.WT, rows, n) : null;
  const restore = (c0: number, c1: number): void => {
    if (!kept) return;
    const g = arena.f32;
    for (let c = c0; c < c1; c++) for (let t = kept.start[c]; t < kept.start[c + 1]; t++) g[wt + c * ld + kept.row[t]] = kept.value[t];
  };
  const nz = p.nz;
  const fr = Math.fround;

  let loss = 0;
  for (let i1 = 0; i1 < n; i1 += B) {
    const i2 = Math.min(i1 + B, n);
    const count = i2 - i1;
    for (let i = 0; i < count; i++) {
      const c = i1 + i;
      const d = f[U + c * n + c];
      const col = wt + c * ld;
      const e0 = err + i * ld;
      quantizer.column(c);
      for (let r = 0; r < rows; r++) {
        const x = f[col + r];
        const q = quantizer.q(x, r);
        f[col + r] = q;
        f[e0 + r] = fr(x - q) / d;
        const e = f[e0 + r];
        loss += e * e;
      }
      const s1 = i - (i % SUB);
      const s2 = Math.min(s1 + SUB, count);
      for (let j = i + 1; j < s2; j++) {
        const h = f[U + c * n + i1 + j];
        if (h === 0) continue;
        const cj = wt + (i1 + j) * ld;
        if (nz) {
          const m0 = (i1 + j) * rows;
          for (let r = 0; r < rows; r++) f[cj + r] -= fr(h * f[e0 + r]) * nz[m0 + r];
        } else for (let r = 0; r < rows; r++) f[cj + r] -= fr(h * f[e0 + r]);
      }
      if (i + 1 === s2 && s2 < count) {
        // the rest of the block −= U[sub-block rows, rest]ᵀ · errors[sub-block]
        const a = { offset: U + (i1 + s1) * n + i1 + s2, stride: n, trans: true };
        gemmSubtract(arena, { offset: wt + (i1 + s2) * ld, stride: ld }, a, { offset: err + s1 * ld, stride: ld }, count - s2, rows, s2 - s1);
        restore(i1 + s2, i2);
        f = arena.f32;
      }
    }
    if (i2 < n) {
      const a = { offset: U + i1 * n + i2, stride: n, trans: true };
      gemmSubtract(arena, { offset: wt + i2 * ld, stride: ld }, a, { offset: err, stride: ld }, n - i2, rows, count);
      restore(i2, n);
      f = arena.f32;
    }
  }
  return finishLayer(p, (c, r) => f[wt + c * ld + r], loss, inverted);
}

/** The weights that never take updates (nz = 0), per column: their rows and values. */
function keptValues(nz: Uint8Array, WT: Float64Array, rows: number, n: number): { start: Int32Array; row: Int32Array; value: Float32Array } {
  const start = new Int32Array(n + 1);
  for (let c = 0; c < n; c++) {
    let k = 0;
    for (let r = 0; r < rows; r++) k += 1 - nz[c * rows + r];
    start[c + 1] = start[c] + k;
  }
  const row = new Int32Array(start[n]);
  const value = new Float32Array(start[n]);
  let t = 0;
  for (let c = 0; c < n; c++) {
    for (let r = 0; r < rows; r++) {
      if (nz[c * rows + r]) continue;
      row[t] = r;
      value[t++] = WT[c * rows + r];
    }
  }
  return { start, row, value };
}
