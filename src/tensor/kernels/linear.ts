import { Tensor } from '../tensor.ts';
import { dims2, matmulInto } from './matmul.ts';

/**
 * `y = x·Wᵀ (+ b)`, the `Linear` forward on rows. Buffers: `x` [rows, in], `w` [out, in], `bias` [out],
 * result [rows, out] in `x`'s dtype (float64 accumulation, bias added before the single rounding).
 */
export function linear(x: Tensor, w: Tensor, bias?: Tensor | null): Tensor {
  const [rows, inX] = dims2(x);
  const [outF, inW] = dims2(w);
  if (inX !== inW) throw new RangeError(`linear: input has ${inX} features, weight expects ${inW}`);
  const acc = new Float64Array(rows * outF);
  matmulInto(acc, x.data, w.data, rows, inX, outF, false, true);
  if (bias) for (let r = 0; r < rows; r++) for (let o = 0; o < outF; o++) acc[r * outF + o] += bias.data[o];
  const shape = x.shape.length === 1 ? [outF] : [rows, outF];
  return new Tensor(x.dtype === 'float64' ? acc : Float32Array.from(acc), shape);
}
