import { Tensor } from '../tensor.ts';
import { FP8_E4M3_MAX, quantizeRunE4M3 } from './fp8.ts';
import { absMax } from './fp4.ts';
import { quantizeGroups, type FastGroups } from './floatGroups.ts';

/** A whole-tensor float32 block kernel (the WebAssembly one): fills value and scales, or returns false. */
export type FastBlocks = (
  src: Float32Array, dst: Float32Array, scales: Float32Array, rows: number, cols: number, blockRows: number, blockCols: number,
) => boolean;

/**
 * FP8 (e4m3) fake quantization with one scale per `blockRows × blockCols` block of a weight [out, in]
 * (compressed-tensors 0.17 `strategy: block`, FP8_BLOCK's [128, 128]): the weight is padded with zeros to
 * whole blocks (zeros change no block's amax), per block `scale = amax/448` (0 → float32 eps), elements as in
 * `fakeQuantizeFp8Group` (a zero result is +0). `scales` is [ceil(out/blockRows), ceil(in/blockCols)].
 */
export function fakeQuantizeFp8Block(w: Tensor, blockRows: number, blockCols: number, fast?: FastBlocks): { value: Tensor; scales: Tensor } {
  if (w.shape.length !== 2) throw new RangeError(`fakeQuantizeFp8Block: expected a 2-D weight, got shape [${w.shape.join(', ')}]`);
  const [rows, cols] = w.shape;
  const f32 = w.dtype === 'float32';
  const eps = f32 ? 2 ** -23 : 2 ** -52;
  const fr = f32 ? Math.fround : (v: number) => v;
  const br = Math.ceil(rows / blockRows);
  const bc = Math.ceil(cols / blockCols);
  const value = Tensor.zeros(w.shape, w.dtype);
  const scales = Tensor.zeros([br, bc], w.dtype);
  const src = w.data;
  const dst = value.data;
  if (fast && src instanceof Float32Array && fast(src, dst as Float32Array, scales.data as Float32Array, rows, cols, blockRows, blockCols)) {
    return { value, scales };
  }
  for (let bi = 0; bi < br; bi++) {
    const r0 = bi * blockRows;
    const r1 = Math.min(rows, r0 + blockRows);
    for (let bj = 0; bj < bc; bj++) {
      const c0 = bj * blockCols;
      const c1 = Math.min(cols, c0 + blockCols);
      let m = 0;
      for (let i = r0; i < r1; i++) {
        for (let j = i * cols + c0; j < i * cols + c1; j++) {
          const a = src[j] < 0 ? -src[j] : src[j];
          if (a > m) m = a;
        }
      }
      let scale = fr(m / FP8_E4M3_MAX);
      if (scale === 0) scale = eps;
      scales.data[bi * bc + bj] = scale;
      for (let i = r0; i < r1; i++) quantizeRunE4M3(src, dst, i * cols + c0, i * cols + c1, scale, f32);
    }
  }
  return { value, scales };
}

/**
 * Dynamic FP8 group fake quantization of activations along the last dimension (FP8_BLOCK's input
 * activations: per token, groups of `groupSize`): per group `scale = amax/448` (0 → float32 eps).
 */
export function fakeQuantizeFp8Group(x: Tensor, groupSize: number, fast?: FastGroups): { value: Tensor; scales: Tensor } {
  const f32 = x.dtype === 'float32';
  const eps = f32 ? 2 ** -23 : 2 ** -52;
  const fr = f32 ? Math.fround : (v: number) => v;
  return quantizeGroups(x, groupSize, 'fakeQuantizeFp8Group', (src, dst, start, end) => {
    let scale = fr(absMax(src, start, end) / FP8_E4M3_MAX);
    if (scale === 0) scale = eps;
    quantizeRunE4M3(src, dst, start, end, scale, f32);
    return scale;
  }, fast);
}
