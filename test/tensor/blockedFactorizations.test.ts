/**
 * The blocked Cholesky and the recursive triangular inverse (matrix products on the wasm SIMD kernel)
 * against the plain row loops they replace, at sizes that cross every block boundary (panels of 128, trailing
 * chunks of 512 rows, inverse leaves of 96), plus the blocked path's failure on a matrix that is not positive
 * definite. Tolerance: both sides are float64 and differ only in summation order, so entries agree to 1e-12
 * of the largest entry (observed ~1e-15).
 */
import { describe, expect, it } from 'vitest';
import { choleskyLowerInPlace, choleskyLowerRowsInPlace } from '../../src/tensor/kernels/cholesky.ts';
import { accumulateGram } from '../../src/tensor/kernels/gram.ts';
import { gptqQuantize } from '../../src/tensor/kernels/gptq.ts';
import { upperCholeskyOfInverse } from '../../src/tensor/kernels/inverseCholesky.ts';
import { invertLowerTriangular, invertLowerTriangularRows } from '../../src/tensor/kernels/triangularInverse.ts';
import { Rng } from '../../src/tensor/rng.ts';

/** Symmetric with a dominant diagonal (so positive definite and well conditioned), uneven scales. */
const randomSpd = (n: number, seed: number): Float64Array => {
  const rng = new Rng(seed);
  const h = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) h[i * n + j] = h[j * n + i] = rng.normal();
    h[i * n + i] = n * (1 + Math.abs(rng.normal()));
  }
  return h;
};

const expectClose = (got: Float64Array, want: Float64Array): void => {
  expect(got.length).toBe(want.length);
  let scale = 0;
  for (const v of want) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
  expect(worst).toBeLessThanOrEqual(1e-12 * scale);
};

describe('blocked factorizations = the plain loops', () => {
  it.each([1, 127, 128, 129, 300, 700])('Cholesky, n = %i', (n) => {
    const h = randomSpd(n, n);
    const blocked = Float64Array.from(h);
    const plain = Float64Array.from(h);
    expect(choleskyLowerInPlace(blocked, n)).toBe(true);
    expect(choleskyLowerRowsInPlace(plain, n)).toBe(true);
    expectClose(blocked, plain);
    let upper = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (blocked[i * n + j] !== 0) upper++;
    expect(upper).toBe(0);
  });

  it('Cholesky refuses a matrix whose pivot goes negative past the first panel', () => {
    const n = 300;
    const h = randomSpd(n, 5);
    h[250 * n + 250] = -1;
    expect(choleskyLowerInPlace(Float64Array.from(h), n)).toBe(false);
    expect(choleskyLowerRowsInPlace(Float64Array.from(h), n)).toBe(false);
  });

  it.each([1, 96, 97, 200, 401])('triangular inverse, n = %i', (n) => {
    const l = randomSpd(n, 10 + n);
    choleskyLowerRowsInPlace(l, n);
    expectClose(invertLowerTriangular(l, n), invertLowerTriangularRows(l, n));
  });

  it('U = chol(H⁻¹) upper through the blocked steps: Uᵀ·U·H = I at n = 260', () => {
    const n = 260;
    const h = randomSpd(n, 7);
    const u = upperCholeskyOfInverse(h, n)!;
    // (UᵀU)·H = I  ⇔  U·H·Uᵀ = I (U invertible); check U·H·Uᵀ row by row
    const uh = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let k = i; k < n; k++) {
        const v = u[i * n + k];
        for (let j = 0; j < n; j++) uh[i * n + j] += v * h[k * n + j];
      }
    let worst = 0;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = j; k < n; k++) s += uh[i * n + k] * u[j * n + k];
        worst = Math.max(worst, Math.abs(s - (i === j ? 1 : 0)));
      }
    expect(worst).toBeLessThan(1e-8);
  });
});

describe('Hessian accumulation (lower triangle, mirrored)', () => {
  // exact: every entry is the same ascending sum over the rows as the plain loop (no tolerance needed), in
  // float64 for float64 inputs and in float32 (upstream's GPTQ_PRECISION) for float32 inputs
  it.each(['float64', 'float32'] as const)('%s: h += alpha·XᵀX equals the plain ascending sums exactly, across chunk boundaries', (dtype) => {
    const rows = 7;
    const cols = 300;
    const rng = new Rng(11);
    const values = Array.from({ length: rows * cols }, () => rng.normal());
    const x = dtype === 'float32' ? Float32Array.from(values) : Float64Array.from(values);
    const h = Float64Array.from({ length: cols * cols }, (_, i) => (i % 5) * 0.25);
    const want = Float64Array.from(h);
    accumulateGram(h, x, rows, cols, 2);
    const round = dtype === 'float32' ? Math.fround : (v: number) => v;
    for (let i = 0; i < cols; i++)
      for (let j = 0; j < cols; j++) {
        let s = 0;
        for (let r = 0; r < rows; r++) s = round(s + round(x[r * cols + i] * x[r * cols + j]));
        want[i * cols + j] += 2 * s;
      }
    let mismatches = 0;
    for (let i = 0; i < h.length; i++) if (h[i] !== want[i]) mismatches++;
    expect(mismatches).toBe(0);
  });
});

describe('GPTQ sub-blocks', () => {
  it('block 128 (sub-blocks of 16 fed back by products) = block 16 (column by column inside each block)', () => {
    // Lazy batching is exact algebra, so the block size changes only summation order: equal to rounding,
    // 1e-9 of the largest weight (far below one quantization step), loss to 1e-9 relative.
    const rows = 12;
    const cols = 200;
    const rng = new Rng(3);
    const w = Float64Array.from({ length: rows * cols }, () => rng.normal());
    w[5] = 0; // some exact zeros, under the sparsity threshold
    const x = Float64Array.from({ length: 300 * cols }, () => rng.normal() * (1 + (rng.normal() > 1 ? 3 : 0)));
    const h = new Float64Array(cols * cols);
    accumulateGram(h, x, 300, cols, 2 / 300);
    const run = (blockSize: number) =>
      gptqQuantize(w, rows, cols, h, { numBits: 4, symmetric: true, strategy: 'group', groupSize: 32, actorder: 'weight', blockSize, dampeningFrac: 0.01, dtype: 'float64' });
    const big = run(128);
    const small = run(16);
    expect(big.inverted).toBe(true);
    let worst = 0;
    for (let i = 0; i < big.weight.length; i++) worst = Math.max(worst, Math.abs(big.weight[i] - small.weight[i]));
    expect(worst).toBeLessThanOrEqual(1e-9 * Math.max(...w.map(Math.abs)));
    expect(Math.abs(big.loss - small.loss)).toBeLessThanOrEqual(1e-9 * small.loss);
  });
});
