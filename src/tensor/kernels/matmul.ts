import { Tensor, type DType, type TensorData } from '../tensor.ts';

export interface MatmulOptions {
  /** Use Aᵀ: `a` is stored [k, m]. */
  transA?: boolean;
  /** Use Bᵀ: `b` is stored [n, k]. */
  transB?: boolean;
  /** Output dtype; default `a`'s. Accumulation is float64 either way. */
  dtype?: DType;
}

/**
 * C[m, n] = op(A)[m, k] · op(B)[k, n]; op = identity or transpose. Buffers: `a` [m, k] (or [k, m] with
 * `transA`), `b` [k, n] (or [n, k] with `transB`), `out` [m, n]; `acc` [n] float64 scratch, allocated once
 * per call. Sums in float64 in ascending k, then rounds once into `out`'s dtype.
 */
export function matmulInto(
  out: TensorData,
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  m: number,
  k: number,
  n: number,
  transA = false,
  transB = false,
): void {
  const acc = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    acc.fill(0);
    for (let p = 0; p < k; p++) {
      const av = transA ? a[p * m + i] : a[i * k + p];
      if (av === 0) continue;
      if (transB) for (let j = 0; j < n; j++) acc[j] += av * b[j * k + p];
      else {
        const row = p * n;
        for (let j = 0; j < n; j++) acc[j] += av * b[row + j];
      }
    }
    out.set(acc, i * n);
  }
}

/** `op(a) · op(b)` for 2-D tensors (see `MatmulOptions`). */
export function matmul(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
  const { transA = false, transB = false } = options;
  const [ar, ac] = dims2(a);
  const [br, bc] = dims2(b);
  const [m, k] = transA ? [ac, ar] : [ar, ac];
  const [k2, n] = transB ? [bc, br] : [br, bc];
  if (k !== k2) throw new RangeError(`matmul: inner dimensions differ (${k} vs ${k2})`);
  const out = Tensor.zeros([m, n], options.dtype ?? a.dtype);
  matmulInto(out.data, a.data, b.data, m, k, n, transA, transB);
  return out;
}

/** [rows, cols] of a 1-D or 2-D tensor (1-D is one row). */
export function dims2(t: Tensor): [number, number] {
  if (t.shape.length === 1) return [1, t.shape[0]];
  if (t.shape.length !== 2) throw new RangeError(`expected a 2-D tensor, got shape [${t.shape.join(', ')}]`);
  return [t.shape[0], t.shape[1]];
}
