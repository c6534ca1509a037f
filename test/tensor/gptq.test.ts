/**
 * GPTQ against the independent float64 numpy reference (bench/python/gptq_reference.py, written from the
 * paper, int and NVFP4 cases; fixtures regenerated with `python3 bench/python/gptq_reference.py --fixtures`), and
 * the pieces: Cholesky, triangular inverse, U = chol(H⁻¹) upper.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { accumulateGram } from '../../src/tensor/kernels/gram.ts';
import { gptqQuantize, type GptqOptions } from '../../src/tensor/kernels/gptq.ts';
import { choleskyLowerInPlace } from '../../src/tensor/kernels/cholesky.ts';
import { invertLowerTriangular } from '../../src/tensor/kernels/triangularInverse.ts';
import { upperCholeskyOfInverse } from '../../src/tensor/kernels/inverseCholesky.ts';
import { Rng } from '../../src/tensor/rng.ts';

interface Case {
  name: string; rows: number; cols: number; bits: number; symmetric: boolean; strategy: GptqOptions['strategy'];
  group_size: number | null; actorder: GptqOptions['actorder']; block: number; damp: number;
  /** `nvfp4`: tensor_group with FP8 group scales and the weight's global scale (ml_dtypes' casts). */
  format?: 'nvfp4';
  W: number[]; batches: number[][]; tokens: number[];
  expected: { weight: number[]; scales: number[]; zero_points: number[]; g_idx?: number[]; loss: number };
}
const cases = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'gptq', 'cases.json'), 'utf8')) as Case[];

const randomSpd = (n: number, seed: number): Float64Array => {
  const rng = new Rng(seed);
  const x = Float64Array.from({ length: 3 * n * n }, () => rng.normal());
  const h = new Float64Array(n * n);
  accumulateGram(h, x, 3 * n, n, 1);
  for (let i = 0; i < n; i++) h[i * n + i] += 0.1;
  return h;
};

describe('GPTQ = the numpy float64 reference', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const h = new Float64Array(c.cols * c.cols);
    c.batches.forEach((b, i) => accumulateGram(h, b, c.tokens[i], c.cols, 2));
    for (let i = 0; i < h.length; i++) h[i] /= c.batches.length;
    const r = gptqQuantize(c.W, c.rows, c.cols, h, {
      numBits: c.bits, ...(c.format ? { type: 'float', format: c.format } : {}), symmetric: c.symmetric, strategy: c.strategy, groupSize: c.group_size, actorder: c.actorder,
      blockSize: c.block, dampeningFrac: c.damp, dtype: 'float64',
    });
    expect(r.inverted).toBe(true);
    // Tolerance: the two sides sum in different orders, so values agree to rounding (1e-12 relative);
    // every weight lands on the same grid point (a flip would be a whole scale step, far above it).
    const tol = 1e-12 * Math.max(...c.expected.weight.map(Math.abs));
    expect(r.weight.length).toBe(c.expected.weight.length);
    for (let i = 0; i < r.weight.length; i++) expect(Math.abs(r.weight[i] - c.expected.weight[i])).toBeLessThanOrEqual(tol);
    expect(Array.from(r.scales)).toEqual(c.expected.scales);
    expect(Array.from(r.zeroPoints, (z) => z + 0)).toEqual(c.expected.zero_points.map((z) => z + 0)); // ±0 alike
    if (c.expected.g_idx) expect(Array.from(r.gIdx!)).toEqual(c.expected.g_idx);
    expect(r.loss).toBeCloseTo(c.expected.loss, 9);
  });
});

describe('factorizations', () => {
  it('Cholesky: L·Lᵀ = A; fails on an indefinite matrix', () => {
    const n = 9;
    const a = randomSpd(n, 1);
    const l = Float64Array.from(a);
    expect(choleskyLowerInPlace(l, n)).toBe(true);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += l[i * n + k] * l[j * n + k];
        expect(s).toBeCloseTo(a[i * n + j], 10);
      }
    expect(choleskyLowerInPlace(Float64Array.from([1, 2, 2, 1]), 2)).toBe(false);
  });

  it('triangular inverse: L·L⁻¹ = I', () => {
    const n = 7;
    const l = randomSpd(n, 2);
    choleskyLowerInPlace(l, n);
    const inv = invertLowerTriangular(l, n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += l[i * n + k] * inv[k * n + j];
        expect(s).toBeCloseTo(i === j ? 1 : 0, 10);
      }
  });

  it('U upper-triangular with Uᵀ·U·H = I', () => {
    const n = 8;
    const h = randomSpd(n, 3);
    const u = upperCholeskyOfInverse(h, n)!;
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) expect(u[i * n + j]).toBe(0);
    for (let i = 0; i < n; i++) expect(u[i * n + i]).toBeGreaterThan(0);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) {
          let hinv = 0; // (UᵀU)[i][k]
          for (let m = 0; m < n; m++) hinv += u[m * n + i] * u[m * n + k];
          s += hinv * h[k * n + j];
        }
        expect(s).toBeCloseTo(i === j ? 1 : 0, 9);
      }
  });
});
