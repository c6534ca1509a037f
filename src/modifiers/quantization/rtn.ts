/**
 * Round-to-nearest fake quantization of a weight by its scheme (the min-max observers' result): int per
 * tensor, channel or group; float formats through `floatFormat`'s kernels.
 */
import type { Tensor } from '../../tensor/tensor.ts';
import { fakeQuantizeOp as fakeQuantize, fakeQuantizeFp8, fakeQuantizeFp8Block, fakeQuantizeFp8Group, fakeQuantizeMx, fakeQuantizeNvfp4 } from '../../tensor/ops.ts';
import { floatFormat, type QuantizationArgs } from './presets.ts';

/** A quantized weight and its parameters. */
export interface WeightQuantization {
  value: Tensor;
  scales: Tensor;
  zeroPoints: Int32Array;
}

/**
 * RTN of a weight [out, in] by the scheme's strategy (`tensor`: one slice); float formats by `floatFormat`
 * (`globalScale`: NVFP4's, when fused with siblings; default the weight's own).
 */
export function quantizeWeight(weight: Tensor, args: QuantizationArgs, globalScale?: number): WeightQuantization {
  if (args.type === 'float') {
    const format = floatFormat(args);
    const r =
      format === 'nvfp4' ? fakeQuantizeNvfp4(weight, args.groupSize!, globalScale)
        : format === 'mx' ? fakeQuantizeMx(weight, args.numBits as 4 | 8, args.groupSize!)
          : format === 'fp8_block' ? fakeQuantizeFp8Block(weight, args.blockStructure![0], args.blockStructure![1])
            : format === 'fp8_group' ? fakeQuantizeFp8Group(weight, args.groupSize!)
              : fakeQuantizeFp8(weight, args.strategy === 'tensor' ? 'tensor' : 'channel');
    return { value: r.value, scales: r.scales, zeroPoints: new Int32Array(r.scales.size) };
  }
  if (args.strategy === 'tensor') {
    const flat = weight.reshape([1, weight.size]);
    const r = fakeQuantize(flat, { numBits: args.numBits, symmetric: args.symmetric, strategy: 'channel' });
    return { ...r, value: r.value.reshape(weight.shape) };
  }
  return fakeQuantize(weight, {
    numBits: args.numBits,
    symmetric: args.symmetric,
    strategy: args.strategy === 'group' ? 'group' : 'channel',
    groupSize: args.groupSize ?? undefined,
  });
}
