/**
 * Weights observed by an MSE observer (LLM Compressor 0.12: `mse` on weights becomes `memoryless_mse`,
 * `imatrix_mse` weighs the error by the input channels' importance): the grid search picks each slice's
 * range, `calculate_qparams` turns it into a scale and zero point, and the weight is fake-quantized with them.
 * Slices as `flatten_for_calibration`: the whole weight (`tensor`), a row (`channel`), a row's group of
 * `group_size` columns (`group`).
 */
import { Tensor, type DType, type TensorData } from '../../../tensor/tensor.ts';
import { fakeQuantizeFp8Static, fakeQuantizeStatic, fp8TensorScale, tensorQParams } from '../../../tensor/ops.ts';
import type { QuantizationArgs } from '../presets.ts';
import { gridOptions, gridSearchRange, type Slice, type SliceQdq } from './gridSearch.ts';

/** The MSE observer names and the grid search each runs. */
export const MSE_OBSERVERS: Readonly<Record<string, 'mse' | 'imatrix'>> = { mse: 'mse', memoryless_mse: 'mse', imatrix_mse: 'imatrix' };

export const isMseObserver = (name: string | null): name is string => name !== null && name in MSE_OBSERVERS;

/** Scale and zero point of a slice whose chosen range is (lo, hi): int per `calculate_qparams`, FP8 amax/448. */
function sliceParams(args: QuantizationArgs, dtype: DType, lo: number, hi: number): { scale: number; zeroPoint: number } {
  if (args.type === 'float') return { scale: fp8TensorScale(lo, hi, dtype), zeroPoint: 0 };
  return tensorQParams(lo, hi, args.numBits, args.symmetric, dtype);
}

/** Quantize-dequantize of one slice with the parameters of (lo, hi). */
export function sliceQdq(args: QuantizationArgs, dtype: DType): SliceQdq {
  return (values: TensorData, lo: number, hi: number) => {
    const t = new Tensor(values, [1, values.length]);
    const p = sliceParams(args, dtype, lo, hi);
    return args.type === 'float' ? fakeQuantizeFp8Static(t, p.scale).data : fakeQuantizeStatic(t, { ...p, numBits: args.numBits }).data;
  };
}

export interface MseWeightQuantization {
  value: Tensor;
  scales: Tensor;
  zeroPoints: Int32Array;
}

/**
 * ŵ of `weight` [out, in] with an MSE observer's ranges. `importance` (imatrix_mse): per input column,
 * already normalized; null runs the uniform search.
 */
export function mseQuantizeWeight(weight: Tensor, args: QuantizationArgs, importance: Float64Array | null): MseWeightQuantization {
  const [rows, cols] = [weight.shape[0], weight.size / weight.shape[0]];
  const width = args.strategy === 'tensor' ? rows * cols : args.strategy === 'group' ? args.groupSize! : cols;
  const perRow = args.strategy === 'tensor' ? 1 : Math.ceil(cols / width);
  const slices: Slice[] = [];
  const starts: number[] = [];
  for (let i = 0; i < (args.strategy === 'tensor' ? 1 : rows); i++)
    for (let g = 0; g < perRow; g++) {
      const start = i * cols + g * width;
      const end = Math.min(start + width, args.strategy === 'tensor' ? rows * cols : (i + 1) * cols);
      const c0 = start - i * cols;
      starts.push(start);
      slices.push({ values: weight.data.subarray(start, end), ...(importance && args.strategy !== 'tensor' ? { importance: importance.subarray(c0, c0 + end - start) } : {}) });
    }
  const kind = MSE_OBSERVERS[args.observer!];
  const qdq = sliceQdq(args, weight.dtype);
  const { lo, hi } = gridSearchRange(slices, qdq, weight.dtype, gridOptions(kind, args.observerKwargs));
  const value = Tensor.zeros(weight.shape, weight.dtype);
  const scales = Tensor.zeros(args.strategy === 'group' ? [rows, perRow] : [args.strategy === 'tensor' ? 1 : rows], weight.dtype);
  const zeroPoints = new Int32Array(slices.length);
  slices.forEach((s, k) => {
    value.data.set(qdq(s.values, lo[k], hi[k]), starts[k]);
    const p = sliceParams(args, weight.dtype, lo[k], hi[k]);
    scales.data[k] = p.scale;
    zeroPoints[k] = p.zeroPoint;
  });
  return { value, scales, zeroPoints };
}
