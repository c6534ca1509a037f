import { productABt } from './productABt.ts';

/**
 * The lazy block update shared by GPTQ and SparseGPT (OBS error feedback, arXiv 2203.07259 §3.4):
 * WT[c] −= Σ_k U[i1+k][c]·err[k] for every column c in [i2, end) (end = n: all later columns), [end−i2, count]×[count, rows] products on the
 * wasm SIMD Linear kernel (TS matmul without it). Buffers: `WT` [cols][rows] column-major weight, `U` [n, n]
 * row-major, `err` [count][rows] the block's scaled errors, `nz` column-major like `WT` (1 = may change;
 * null = all).
 */
export function blockUpdate(
  WT: Float64Array,
  U: Float64Array,
  err: Float64Array,
  nz: Uint8Array | null,
  rows: number,
  n: number,
  i1: number,
  i2: number,
  end = n,
): void {
  const count = i2 - i1;
  const rest = end - i2;
  const a = new Float64Array(rest * count); // a[c][k] = U[i1+k][i2+c]
  for (let k = 0; k < count; k++) {
    const row = (i1 + k) * n + i2;
    for (let c = 0; c < rest; c++) a[c * count + k] = U[row + c];
  }
  const e = new Float64Array(rows * count); // e[r][k] = err[k][r]
  for (let k = 0; k < count; k++) for (let r = 0; r < rows; r++) e[r * count + k] = err[k * rows + r];
  // columns in strips, so the product's scratch stays small and the subtraction reads it while cached
  const strip = Math.min(rest, STRIP);
  const prod = new Float64Array(strip * rows);
  for (let c0 = 0; c0 < rest; c0 += strip) {
    const c1 = Math.min(c0 + strip, rest);
    productABt(prod, a.subarray(c0 * count, c1 * count), e, c1 - c0, count, rows);
    const base = (i2 + c0) * rows;
    const len = (c1 - c0) * rows;
    if (nz) for (let i = 0; i < len; i++) WT[base + i] -= prod[i] * nz[base + i];
    else for (let i = 0; i < len; i++) WT[base + i] -= prod[i];
  }
}

/** Weight columns per product in `blockUpdate`. */
const STRIP = 256;

/** The n×n identity (row-major float64): U when H cannot be inverted (round-to-nearest / plain masking). */
export function identity(n: number): Float64Array {
  const u = new Float64Array(n * n);
  for (let i = 0; i < n; i++) u[i * n + i] = 1;
  return u;
}
