/**
 * A Linear's final quantized weight computed in float64 by a calibration algorithm (GPTQ, AutoRound): written
 * into the module in its dtype at once (the next subgraph calibrates on it) and marked final, so the
 * quantization modifier's RTN leaves it as it is; its scales shaped by the strategy, or as `shape` says (the float
 * formats' scales as their RTN kernels shape them).
 */
import type { Linear } from '../../model/modules.ts';
import { Tensor } from '../../tensor/tensor.ts';
import { markQuantized } from '../quantization/attached.ts';
import type { WeightQuantization } from '../quantization/base.ts';

export function writeFinalWeight(
  module: Linear, weight: Float64Array, scales: Float64Array, zeroPoints: Int32Array, strategy: string, shape: number[] | null = null,
): WeightQuantization {
  const [rows, cols] = module.weight.shape;
  const dtype = module.weight.dtype;
  const value = new Tensor(dtype === 'float32' ? Float32Array.from(weight) : weight, [rows, cols]);
  const scaleShape = shape ?? (strategy === 'group' ? [rows, scales.length / rows] : strategy === 'tensor' ? [1] : [rows]);
  module.weight = value;
  markQuantized(value);
  return { value, scales: new Tensor(dtype === 'float32' ? Float32Array.from(scales) : scales, scaleShape), zeroPoints };
}
