/**
 * The plain spinquant.md §10 fake quantizer as first written (one roundHalfEven/clamp/fround call per element),
 * kept as the oracle that the tight kernel in src/tensor/kernels/fakeQuant.ts must match bit for bit.
 */
import { Tensor, type TensorData } from '../../../src/tensor/tensor.ts';
import { dims2 } from '../../../src/tensor/kernels/matmul.ts';
import { roundHalfEven, type FakeQuantOptions, type FakeQuantResult } from '../../../src/tensor/kernels/fakeQuant.ts';

export function fakeQuantizeReference(w: Tensor, options: FakeQuantOptions): FakeQuantResult {
  const [rows, cols] = dims2(w);
  const { numBits, symmetric, strategy } = options;
  const g = strategy === 'group' ? options.groupSize ?? 0 : cols;
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
