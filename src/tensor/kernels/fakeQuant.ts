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
      for (let j = start; j < end; j++) {
        const q = roundHalfEven(clamp(r(r(src[j] / scale) + zp), qmin, qmax));
        value.data[j] = r(r(q - zp) * scale);
      }
      scales.data[i * groups + gi] = scale;
      zeroPoints[i * groups + gi] = zp;
    }
  return { value, scales, zeroPoints };
}

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}
