import { linearWasm } from '../wasm/linear.ts';
import { matmulInto } from './matmul.ts';

/**
 * The lazy block update shared by GPTQ and SparseGPT (OBS error feedback, arXiv 2203.07259 §3.4):
 * WT[c] −= Σ_k U[i1+k][c]·err[k] for every column c ≥ i2, one [n−i2, count]×[count, rows] product on the
 * wasm SIMD Linear kernel (TS matmul without it). Buffers: `WT` [cols][rows] column-major weight, `U` [n, n]
 * row-major, `err` [count][rows] the block's scaled errors, `nz` column-major like `WT` (1 = may change;
 * null = all).
 */
export function blockUpdate(WT: Float64Array, U: Float64Array, err: Float64Array, nz: Uint8Array | null, rows: number, n: number, i1: number, i2: number): void {
  const count = i2 - i1;
  const rest = n - i2;
  const a = new Float64Array(rest * count); // a[c][k] = U[i1+k][i2+c]
  for (let k = 0; k < count; k++) {
    const row = (i1 + k) * n + i2;
    for (let c = 0; c < rest; c++) a[c * count + k] = U[row + c];
  }
  const e = new Float64Array(rows * count); // e[r][k] = err[k][r]
  for (let k = 0; k < count; k++) for (let r = 0; r < rows; r++) e[r * count + k] = err[k * rows + r];
  const prod = new Float64Array(rest * rows);
  if (!linearWasm(prod, a, e, null, rest, count, rows)) matmulInto(prod, a, e, rest, count, rows, false, true);
  const base = i2 * rows;
  if (nz) for (let i = 0; i < prod.length; i++) WT[base + i] -= prod[i] * nz[base + i];
  else for (let i = 0; i < prod.length; i++) WT[base + i] -= prod[i];
}

/** The n×n identity (row-major float64): U when H cannot be inverted (round-to-nearest / plain masking). */
export function identity(n: number): Float64Array {
  const u = new Float64Array(n * n);
  for (let i = 0; i < n; i++) u[i * n + i] = 1;
  return u;
}
