/**
 * Input-activation fake quantization (LLM Compressor 0.12 `quantization/calibration.py`): dynamic schemes
 * quantize each forward's input from its own range (per token or per tensor); static per-tensor schemes
 * observe the calibration inputs, take their scale at the SEQUENTIAL_EPOCH_END covering the module, and
 * quantize with it from then on.
 */
import type { Tensor } from '../../tensor/tensor.ts';
import {
  fakeQuantizeOp as fakeQuantize, fakeQuantizeFp8, fakeQuantizeFp8Group, fakeQuantizeFp8Static, fakeQuantizeMx, fakeQuantizeNvfp4, fp8TensorScale,
  fakeQuantizeStatic, nvfp4GlobalScale, tensorQParams, type TensorQParams,
} from '../../tensor/ops.ts';
import { floatFormat, type QuantizationArgs } from './presets.ts';
import { gridOptions, gridSearchRange } from './observers/gridSearch.ts';
import { isMseObserver, MSE_OBSERVERS, sliceQdq } from './observers/mseWeights.ts';

/** `observer_kwargs.averaging_constant` (0.01) of the moving-average observers. */
const averagingConstant = (a: QuantizationArgs): number => {
  const c = a.observerKwargs?.averaging_constant;
  return typeof c === 'number' ? c : 0.01;
};

/** Dynamic fake quantization of a Linear's input [tokens, in]: per token, or the whole tensor as one slice. */
export function dynamicActivationHook(args: QuantizationArgs) {
  return (x: Tensor): Tensor => {
    const format = floatFormat(args);
    if (format === 'mx') return fakeQuantizeMx(x, args.numBits as 4 | 8, args.groupSize!).value;
    if (format === 'fp8_group') return fakeQuantizeFp8Group(x, args.groupSize!).value;
    if (args.type === 'float') return fakeQuantizeFp8(x, args.strategy === 'tensor' ? 'tensor' : 'token').value;
    if (args.strategy === 'tensor') {
      const flat = x.reshape([1, x.size]);
      return fakeQuantize(flat, { numBits: args.numBits, symmetric: args.symmetric, strategy: 'channel' }).value.reshape(x.shape);
    }
    return fakeQuantize(x, { numBits: args.numBits, symmetric: args.symmetric, strategy: 'token' }).value;
  };
}

/**
 * A static observer of one module's input or output, or the KV cache's keys or values (LLM Compressor 0.12
 * `observers/min_max.py`, `observers/mse.py`): `memoryless_minmax` keeps the last batch's extremes,
 * `static_minmax` the extremes of every batch, `minmax` their moving average; the MSE kinds take each
 * batch's range from the grid search (`gridSearch.ts`), `mse` averaged as `minmax`, `memoryless_mse` and
 * `imatrix_mse` (uniform for activations) the last batch's. The average is upstream's `lerp`,
 * `start·(1 − c) + end·c` with `averaging_constant` c (0.01), in the data's dtype.
 */
export class ActivationObserver {
  #lo: number | null = null;
  #hi: number | null = null;

  constructor(readonly args: QuantizationArgs) {}

  observe(x: Tensor): void {
    const r: (v: number) => number = x.dtype === 'float32' ? Math.fround : (v) => v;
    const observer = this.args.observer;
    let lo = Infinity;
    let hi = -Infinity;
    if (isMseObserver(observer)) {
      const found = gridSearchRange([{ values: x.data }], sliceQdq(this.args, x.dtype), x.dtype, gridOptions(MSE_OBSERVERS[observer], this.args.observerKwargs));
      lo = found.lo[0];
      hi = found.hi[0];
    } else {
      for (const v of x.data) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
    const c = averagingConstant(this.args);
    if (this.#lo === null || this.#hi === null || observer === 'memoryless_minmax' || observer === 'memoryless_mse' || observer === 'imatrix_mse') {
      this.#lo = lo;
      this.#hi = hi;
    } else if (observer === 'static_minmax') {
      this.#lo = Math.min(this.#lo, lo);
      this.#hi = Math.max(this.#hi, hi);
    } else if (c !== 1) {
      this.#lo = r(r(this.#lo * r(1 - c)) + r(lo * r(c)));
      this.#hi = r(r(this.#hi * r(1 - c)) + r(hi * r(c)));
    } else {
      this.#lo = lo;
      this.#hi = hi;
    }
  }

  get hasStatistics(): boolean {
    return this.#lo !== null;
  }

  /** Forgets what it saw (inputs observed before the module's own calibration pass do not count). */
  reset(): void {
    this.#lo = null;
    this.#hi = null;
  }

  /** Frozen parameters; for NVFP4 (`dynamic: local`) `scale` is the global scale (`generate_gparam`). */
  qparams(dtype: Tensor['dtype']): TensorQParams | null {
    if (this.#lo === null || this.#hi === null) return null;
    if (floatFormat(this.args) === 'nvfp4') return { scale: nvfp4GlobalScale(this.#lo, this.#hi, dtype), zeroPoint: 0, numBits: 4 };
    if (this.args.type === 'float') return { scale: fp8TensorScale(this.#lo, this.#hi, dtype), zeroPoint: 0, numBits: 8 };
    return tensorQParams(this.#lo, this.#hi, this.args.numBits, this.args.symmetric, dtype);
  }
}

/**
 * Static per-tensor fake quantization with frozen parameters; NVFP4 (`dynamic: local`): group scales from
 * each forward's input, the frozen global scale.
 */
export const staticActivationHook = (p: TensorQParams, args: QuantizationArgs) => (x: Tensor): Tensor =>
  floatFormat(args) === 'nvfp4' ? fakeQuantizeNvfp4(x, args.groupSize!, p.scale).value
    : args.type === 'float' ? fakeQuantizeFp8Static(x, p.scale) : fakeQuantizeStatic(x, p);

/** A scheme's input args need calibration data and an observer: static, or `local` (NVFP4's global scale). */
export const isStaticInput = (args: QuantizationArgs | null): args is QuantizationArgs => args !== null && args.dynamic !== true;
