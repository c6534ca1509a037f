import { Tensor, type TensorData } from '../tensor.ts';

/**
 * A whole-tensor float32 implementation of a group kernel (the WebAssembly one, chosen in ops.ts): fills
 * `dst` and `scales` for groups of `groupSize` along the flat data, or returns false to leave them to the loop.
 */
export type FastGroups = (src: Float32Array, dst: Float32Array, scales: Float32Array, groupSize: number) => boolean;

/**
 * One group: writes the fake-quantized `src[start, end)` to `dst` and returns the scale recorded for it.
 */
export type GroupQuantizer = (src: TensorData, dst: TensorData, start: number, end: number) => number;

/**
 * The group-loop shell the NVFP4, MX and FP8-group kernels share: groups of `groupSize` along the last
 * dimension (which it must divide, else a RangeError naming `caller`), one recorded scale per group, the result
 * in x's dtype. `fast` runs first on float32 data; the per-group loop is the reference it equals bit for bit.
 */
export function quantizeGroups(
  x: Tensor, groupSize: number, caller: string, group: GroupQuantizer, fast?: FastGroups,
): { value: Tensor; scales: Tensor } {
  const cols = x.shape[x.shape.length - 1];
  if (cols % groupSize !== 0) throw new RangeError(`${caller}: ${cols} columns are not a multiple of group size ${groupSize}`);
  const groups = x.size / groupSize;
  const value = Tensor.zeros(x.shape, x.dtype);
  const scales = Tensor.zeros([groups], x.dtype);
  const src = x.data;
  const dst = value.data;
  if (fast && src instanceof Float32Array && fast(src, dst as Float32Array, scales.data as Float32Array, groupSize)) return { value, scales };
  for (let k = 0; k < groups; k++) scales.data[k] = group(src, dst, k * groupSize, (k + 1) * groupSize);
  return { value, scales };
}
