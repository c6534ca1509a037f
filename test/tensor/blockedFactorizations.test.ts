/**
 * The blocked Cholesky and the recursive triangular inverse (matrix products on the wasm SIMD kernel)
 * against the plain row loops they replace, at sizes that cross every block boundary (panels of 128, trailing
 * chunks of 512 rows, inverse leaves of 96), plus the blocked path's failure on a matrix that is not positive
 * definite. Tolerance: both sides are float64 and differ only in summation order, so entries agree to 1e-12
 * of the largest entry (observed ~1e-15).
 */
import { describe, expect, it } from 'vitest';
import { choleskyLowerInPlace, choleskyLowerRowsInPlace } from '../../src/tensor/kernels/cholesky.ts';
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
