import { Tensor } from '../tensor.ts';
import { dims2 } from './matmul.ts';

/**
 * Norm-into-linear fusion (spinquant.md §5): `W'[i][j] = W[i][j]·g[j]`, the product taken in float64 and
 * stored in W's dtype. Buffers: `w` [out, in], `g` [in]; result [out, in]. Exact up to one rounding.
 */
export function fuseNormIntoLinear(w: Tensor, g: Tensor | ArrayLike<number>): Tensor {
  const [rows, cols] = dims2(w);
  const gain = g instanceof Tensor ? g.data : g;
  if (gain.length !== cols) throw new RangeError(`norm weight has ${gain.length} values, linear has ${cols} inputs`);
  const out = Tensor.zeros(w.shape, w.dtype);
  const src = w.data, dst = out.data; // hoisted: the getter-free locals keep the loop monomorphic and tight
  for (let i = 0; i < rows; i++) {
    const row = i * cols;
    for (let j = 0; j < cols; j++) dst[row + j] = src[row + j] * gain[j];
  }
  return out;
}
