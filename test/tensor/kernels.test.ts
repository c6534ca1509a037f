import { describe, expect, it } from 'vitest';
import { Tensor, centerRows, fuseNormIntoLinear, linear, matmul, transformColumns, transformRows } from '../../src/tensor/index.ts';
import { blockDiag, maxAbsDiff, naiveMatmul, randn } from './helpers.ts';

function transposed(t: Tensor): Float64Array {
  const [r, c] = t.shape;
  const out = new Float64Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = t.data[i * c + j];
  return out;
}

// Tolerance: float64 1e-12 against the naive triple loop (same summation order gives equality in practice).
describe('plain-TS kernels against naive references', () => {
  const a = randn(5, 7, 'a', 'float64');
  const b = randn(7, 3, 'b', 'float64');
  const want = naiveMatmul(a.data, b.data, 5, 7, 3);

  it('matmul and its transpose variants', () => {
    expect(maxAbsDiff(matmul(a, b).data, want)).toBeLessThan(1e-12);
    const at = new Tensor(transposed(a), [7, 5]);
    const bt = new Tensor(transposed(b), [3, 7]);
    expect(maxAbsDiff(matmul(at, b, { transA: true }).data, want)).toBeLessThan(1e-12);
    expect(maxAbsDiff(matmul(a, bt, { transB: true }).data, want)).toBeLessThan(1e-12);
    expect(maxAbsDiff(matmul(at, bt, { transA: true, transB: true }).data, want)).toBeLessThan(1e-12);
    expect(matmul(a, b, { dtype: 'float32' }).dtype).toBe('float32');
    expect(() => matmul(a, a)).toThrow(/inner dimensions/);
  });

  it('linear = x·Wᵀ + b', () => {
    const w = new Tensor(transposed(b), [3, 7]);
    const bias = Tensor.from([1, 2, 3], [3], 'float64');
    const y = linear(a, w, bias);
    const withBias = want.map((v, i) => v + bias.data[i % 3]);
    expect(maxAbsDiff(y.data, withBias)).toBeLessThan(1e-12);
    expect(y.shape).toEqual([5, 3]);
  });

  it('row transform X·diag(T…T) and column transform diag(T…T)·W', () => {
    const t = randn(4, 4, 't', 'float64').data;
    const x = randn(3, 8, 'x', 'float64');
    expect(maxAbsDiff(transformRows(x, t, 4).data, naiveMatmul(x.data, blockDiag(t, 4, 8), 3, 8, 8))).toBeLessThan(1e-12);
    const w = randn(8, 3, 'w', 'float64');
    expect(maxAbsDiff(transformColumns(w, t, 4).data, naiveMatmul(blockDiag(t, 4, 8), w.data, 8, 8, 3))).toBeLessThan(1e-12);
    expect(() => transformRows(randn(1, 6, 'q'), t, 4)).toThrow(/4 must divide 6/);
  });

  it('norm fusion W[i][j]·g[j] in float64, stored in W dtype', () => {
    const w = Tensor.from([[1, 2], [3, 4]]);
    const g = Tensor.from([0.1, 3], [2], 'float64');
    const f = fuseNormIntoLinear(w, g);
    expect(f.dtype).toBe('float32');
    expect(Array.from(f.data)).toEqual([Math.fround(0.1), 6, Math.fround(0.3), 12]);
    expect(() => fuseNormIntoLinear(w, [1])).toThrow(/norm weight/);
  });

  it('embedding centring: each row minus its float64 mean', () => {
    const e = Tensor.from([[1, 2, 3], [0.1, 0.2, 0.6]], undefined, 'float64');
    const c = centerRows(e);
    expect(c.toArray()[0]).toEqual([-1, 0, 1]);
    const row = c.toArray()[1];
    expect(Math.abs(row[0] + row[1] + row[2])).toBeLessThan(1e-15);
  });
});
