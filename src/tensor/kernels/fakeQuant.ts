import { Tensor, type TensorData } from '../tensor.ts';
import { dims2 } from './matmul.ts';

/** Slice of the RTN fake quantizer: one weight row, `groupSize` columns of a row, or one activation row. */
export type QuantStrategy = 'channel' | 'group' | 'token';

export interface FakeQuantOptions {
  numBits: number;
  symmetric: boolean;
  strategy: QuantStrategy;
  /** Required for `group`. */
  groupSize?: number;
}

export interface FakeQuantResult {
  /** ŵ = (q − zp)·scale, same shape and dtype as the input. */
  value: Tensor;
  /** [rows] (channel, token) or [rows, groups] (group), in the input's dtype. */
  scales: Tensor;
  /** Same shape as `scales`; all 0 when symmetric. */
  zeroPoints: Int32Array;
}

/** Round half to even (torch.round), keeping the sign of a zero result (−0.5 → −0). */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  const r = d < 0.5 ? f : d > 0.5 ? f + 1 : f % 2 === 0 ? f : f + 1;
  return r === 0 && x < 0 ? -0 : r;
}

/**
 * RTN fake quantization, spinquant.md §10 exactly. Per slice: `qmin = −2^(b−1)`, `qmax = 2^(b−1) − 1`,
 * `lo = min(0, min)`, `hi = max(0, max)`; symmetric `scale = max(|lo|, |hi|)/((qmax − qmin)/2)`, `zp = 0`;
 * asymmetric `scale = (hi − lo)/(qmax − qmin)`, `zp = roundHalfEven(clamp(qmin − lo/scale))`; `scale = 0` →
 * machine epsilon of the dtype (2⁻²³ float32, 2⁻⁵² float64); `q = roundHalfEven(clamp(w/scale + zp))`,
 * `ŵ = (q − zp)·scale`. With float32 data every intermediate is rounded with Math.fround.
 * Buffers: `w` [rows, cols]; a group is `groupSize` consecutive columns of a row (a shorter last group when
 * `cols % groupSize ≠ 0`); result shapes in `FakeQuantResult`.
 *
 * The per-element loop is `quantizeSlice` (bit-identical to the formulas above, see there).
 */
export function fakeQuantize(w: Tensor, options: FakeQuantOptions): FakeQuantResult {
  const [rows, cols] = dims2(w);
  const { numBits, symmetric, strategy } = options;
  const g = strategy === 'group' ? options.groupSize ?? 0 : cols;
  if (!(g > 0)) throw new RangeError('group quantization needs a positive groupSize');
  const groups = Math.ceil(cols / g);
  const f32 = w.dtype === 'float32';
  const r: (x: number) => number = f32 ? Math.fround : (x) => x;
  const eps = f32 ? 2 ** -23 : 2 ** -52;
  const qmin = -(2 ** (numBits - 1));
  const qmax = 2 ** (numBits - 1) - 1;
  const halfRange = (qmax - qmin) / 2;
  const value = Tensor.zeros(w.shape, w.dtype);
  const scales = Tensor.zeros(strategy === 'group' ? [rows, groups] : [rows], w.dtype);
  const zeroPoints = new Int32Array(rows * groups);
  const src: TensorData = w.data;
  for (let i = 0; i < rows; i++)
    for (let gi = 0; gi < groups; gi++) {
      const start = i * cols + gi * g;
      const end = Math.min(start + g, (i + 1) * cols);
      let lo = 0;
      let hi = 0;
      for (let j = start; j < end; j++) {
        const v = src[j];
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      let scale: number;
      let zp = 0;
      if (symmetric) scale = r(Math.max(Math.abs(lo), Math.abs(hi)) / halfRange);
      else scale = r(r(hi - lo) / (qmax - qmin));
      if (scale === 0) scale = eps;
      if (!symmetric) zp = roundHalfEven(clamp(r(qmin - r(lo / scale)), qmin, qmax));
      if (f32) quantizeSliceF32(src as Float32Array, value.data as Float32Array, start, end, scale, zp, qmin, qmax);
      else quantizeSliceF64(src as Float64Array, value.data as Float64Array, start, end, scale, zp, qmin, qmax);
      scales.data[i * groups + gi] = scale;
      zeroPoints[i * groups + gi] = zp;
    }
  return { value, scales, zeroPoints };
}

/**
 * 1.5·2⁵²: for |x| < 2⁵¹, `(x + RNE) − RNE` is x rounded to an integer, ties to even (the double add rounds
 * in the default round-to-nearest-even mode), always +0 for a zero result. roundHalfEven differs only there:
 * it returns −0 when x < 0 rounds to 0, restored by `q === 0 && x < 0 ? −0 : q`. (x is never −0 itself:
 * the spec adds zp, and −0 + 0 = +0.)
 */
const RNE = 6755399441055744;

/**
 * `dst[j] = fround((roundHalfEven(clamp(fround(fround(src[j]/scale) + zp))) − zp)·scale)` for j in
 * [start, end), float32. Buffers: `src`, `dst` float32, the same length. Bit-identical to the generic formula:
 * the outer fround is the Float32Array store itself, because `q − zp` is an integer of at most 2^numBits in
 * magnitude and `scale` a float32, so their double product is exact; with zp = 0, `fround(v + 0)` is v
 * except that −0 becomes +0, which only the sign test sees (−0 < 0 is false either way).
 */
function quantizeSliceF32(src: Float32Array, dst: Float32Array, start: number, end: number, scale: number, zp: number, qmin: number, qmax: number): void {
  if (zp === 0) {
    // q − zp for q = −0: −0 with zp = +0, but +0 with zp = −0 (roundHalfEven gives −0 zero points too)
    const negZero = Object.is(zp, -0) ? 0 : -0;
    for (let j = start; j < end; j++) {
      let x = Math.fround(src[j] / scale);
      x = x < qmin ? qmin : x > qmax ? qmax : x;
      const q = x + RNE - RNE;
      dst[j] = q === 0 && x < 0 ? negZero : q * scale;
    }
    return;
  }
  for (let j = start; j < end; j++) {
    let x = Math.fround(Math.fround(src[j] / scale) + zp);
    x = x < qmin ? qmin : x > qmax ? qmax : x;
    dst[j] = (x + RNE - RNE - zp) * scale; // q = ±0 gives −zp either way
  }
}

/** As `quantizeSliceF32` for float64 data (no intermediate rounding). Buffers: `src`, `dst` float64, same length. */
function quantizeSliceF64(src: Float64Array, dst: Float64Array, start: number, end: number, scale: number, zp: number, qmin: number, qmax: number): void {
  for (let j = start; j < end; j++) {
    let x = src[j] / scale + zp;
    x = x < qmin ? qmin : x > qmax ? qmax : x;
    const q = x + RNE - RNE;
    dst[j] = ((q === 0 && x < 0 ? -0 : q) - zp) * scale;
  }
}

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}
