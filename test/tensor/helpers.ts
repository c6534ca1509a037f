import { Rng, Tensor, type DType } from '../../src/tensor/index.ts';

/** A [rows, cols] tensor of standard normals from a seeded stream. */
export function randn(rows: number, cols: number, seed: string, dtype: DType = 'float32'): Tensor {
  const r = new Rng(seed);
  const t = Tensor.zeros([rows, cols], dtype);
  for (let i = 0; i < t.size; i++) t.data[i] = r.normal();
  return t;
}

/** max |a − b| over two same-length arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Naive float64 reference A[m,k]·B[k,n]. */
export function naiveMatmul(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];
      out[i * n + j] = s;
    }
  return out;
}

/** Block-diagonal diag(T, …, T) of size dim from a b×b T. */
export function blockDiag(t: ArrayLike<number>, b: number, dim: number): Float64Array {
  const out = new Float64Array(dim * dim);
  for (let o = 0; o < dim; o += b) for (let i = 0; i < b; i++) for (let j = 0; j < b; j++) out[(o + i) * dim + o + j] = t[i * b + j];
  return out;
}

/** Float32 tolerance for sums of `terms` values of magnitude ≈ `scale`. */
export function f32Tol(terms: number, scale = 1): number {
  return 4 * 2 ** -23 * Math.sqrt(terms) * scale * Math.max(1, Math.log2(terms));
}
