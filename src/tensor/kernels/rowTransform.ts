import { Tensor } from '../tensor.ts';
import { dims2 } from './matmul.ts';

/**
 * Row side, block-wise: `X' = X·diag(T, …, T)`. Buffers: `x` [rows, cols], `t` [b, b] row-major with
 * `cols % b = 0`, result [rows, cols] in `x`'s dtype; `blk` [b] float64 scratch allocated once. Each output
 * is a float64 dot product rounded once.
 */
export function transformRows(x: Tensor, t: ArrayLike<number>, b: number): Tensor {
  const [rows, cols] = dims2(x);
  checkBlock(cols, b, t);
  const out = Tensor.zeros(x.shape, x.dtype);
  const src = x.data;
  const dst = out.data;
  const acc = new Float64Array(b);
  for (let r = 0; r < rows; r++)
    for (let c0 = 0; c0 < cols; c0 += b) {
      const base = r * cols + c0;
      acc.fill(0);
      for (let i = 0; i < b; i++) {
        const v = src[base + i];
        if (v === 0) continue;
        const trow = i * b;
        for (let j = 0; j < b; j++) acc[j] += v * t[trow + j];
      }
      for (let j = 0; j < b; j++) dst[base + j] = acc[j];
    }
  return out;
}

/**
 * Column side, block-wise: `W' = diag(T, …, T)·W`. Buffers: `w` [rows, cols] with `rows % b = 0`, `t` [b, b],
 * result [rows, cols] in `w`'s dtype; `acc` [cols] float64 scratch allocated once.
 */
export function transformColumns(w: Tensor, t: ArrayLike<number>, b: number): Tensor {
  const [rows, cols] = dims2(w);
  checkBlock(rows, b, t);
  const out = Tensor.zeros(w.shape, w.dtype);
  const src = w.data;
  const acc = new Float64Array(cols);
  for (let r0 = 0; r0 < rows; r0 += b)
    for (let i = 0; i < b; i++) {
      acc.fill(0);
      for (let p = 0; p < b; p++) {
        const tv = t[i * b + p];
        if (tv === 0) continue;
        const row = (r0 + p) * cols;
        for (let c = 0; c < cols; c++) acc[c] += tv * src[row + c];
      }
      out.data.set(acc, (r0 + i) * cols);
    }
  return out;
}

function checkBlock(dim: number, b: number, t: ArrayLike<number>): void {
  if (t.length !== b * b) throw new RangeError(`transform matrix has ${t.length} entries, expected ${b}×${b}`);
  if (dim % b !== 0) throw new RangeError(`${b} must divide ${dim}`);
}
