import { Tensor } from '../tensor.ts';
import { fakeQuantize } from './fakeQuant.ts';

/** Per-tensor quantization parameters: one scale and zero point for a whole tensor. */
export interface TensorQParams {
  scale: number;
  zeroPoint: number;
  numBits: number;
}

/**
 * The per-tensor parameters `fakeQuantize` would derive from data whose extremes are `lo` and `hi` (observed
 * statistics rather than the tensor itself): the same formulas, because a slice's parameters depend on its
 * minimum and maximum only.
 */
export function tensorQParams(lo: number, hi: number, numBits: number, symmetric: boolean, dtype: Tensor['dtype']): TensorQParams {
  const r = fakeQuantize(Tensor.from([lo, hi], [1, 2], dtype), { numBits, symmetric, strategy: 'channel' });
  return { scale: r.scales.data[0], zeroPoint: r.zeroPoints[0], numBits };
}

/**
 * Fake quantization of every element of `x` with fixed parameters (static activations):
 * `ŵ = (roundHalfEven(clamp(x/scale + zp)) − zp)·scale`, float32 intermediates rounded as in `fakeQuantize`.
 */
export function fakeQuantizeStatic(x: Tensor, p: TensorQParams): Tensor {
  const qmin = -(2 ** (p.numBits - 1));
  const qmax = 2 ** (p.numBits - 1) - 1;
  const out = Tensor.zeros(x.shape, x.dtype);
  const src = x.data;
  const dst = out.data;
  const r: (v: number) => number = x.dtype === 'float32' ? Math.fround : (v) => v;
  const { scale, zeroPoint: zp } = p;
  for (let j = 0; j < src.length; j++) {
    let v = r(r(src[j] / scale) + zp);
    v = v < qmin ? qmin : v > qmax ? qmax : v;
    const q = roundEven(v);
    dst[j] = (q === 0 && v < 0 && zp === 0 ? -0 : q - zp) * scale;
  }
  return out;
}

/** Round half to even for |v| < 2⁵¹ (the `RNE` trick of fakeQuant.ts). */
const RNE = 6755399441055744;
const roundEven = (v: number): number => v + RNE - RNE;
