/**
 * compressed-tensors 0.17's float presets through oneshot on the synthetic model (issue 11 scope 3): NVFP4,
 * NVFP4A16, MXFP4, MXFP4A16, MXFP8, MXFP8A16, FP8_BLOCK, W4AFP8. Weights and the first layer's input
 * activations are compared bit for bit with the kernels (themselves checked against numpy + ml_dtypes).
 */
import { describe, expect, it } from 'vitest';
import { QuantizationModifier } from '../../../src/modifiers/quantization/index.ts';
import { presetScheme } from '../../../src/modifiers/quantization/presets.ts';
import { quantizeWeight } from '../../../src/modifiers/quantization/base.ts';
import { createSession } from '../../../src/lifecycle/session.ts';
import { oneshot } from '../../../src/sim/oneshot.ts';
import { inferPipeline } from '../../../src/sim/pipelines/index.ts';
import { createSyntheticModel } from '../../../src/model/synthetic.ts';
import type { Linear } from '../../../src/model/modules.ts';
import type { Model } from '../../../src/model/model.ts';
import { dataRange, fakeQuantizeFp8, fakeQuantizeFp8Group, fakeQuantizeMx, fakeQuantizeNvfp4, nvfp4GlobalScale } from '../../../src/tensor/ops.ts';
import type { Tensor } from '../../../src/tensor/tensor.ts';
import { useWarningCapture } from '../../helpers/errors.ts';

useWarningCapture();
const model = () => createSyntheticModel({ dim: 128, hiddenDim: 256, layers: 2, heads: 4, kvHeads: 2, vocab: 64 });
const CALIB = [[1, 2, 3, 4, 5, 6], [7, 8, 9, 10], [11, 12, 13, 14, 15]];
const plus0 = (t: Tensor) => Array.from(t.data, (v) => v + 0);
const linear = (m: Model, name: string) => m.getModule(name) as Linear;
const Q = 'model.layers.0.self_attn.q_proj';

/** Runs `scheme` on a fresh model; returns it, its float original and q_proj's inputs before/after fake quantization. */
function run(scheme: string) {
  const quantized = model();
  const original = quantized.clone();
  const calibInputs: Tensor[] = [];
  const hook = linear(original, Q).registerForwardPreHook((x) => void calibInputs.push(x));
  for (const b of CALIB) original.forward(b);
  hook.remove();
  createSession(() => oneshot({ model: quantized, recipe: [new QuantizationModifier({ scheme, ignore: ['lm_head'] })], calibrationData: CALIB }));
  let before: Tensor | null = null;
  let after: Tensor | null = null;
  linear(original, Q).registerForwardPreHook((x) => void (before = x));
  linear(quantized, Q).registerForwardPreHook((x) => void (after = x));
  original.forward([20, 21, 22]);
  quantized.forward([20, 21, 22]);
  return { quantized, original, calibInputs, before: before! as Tensor, after: after! as Tensor };
}

const LINEARS = ['self_attn.q_proj', 'self_attn.k_proj', 'self_attn.v_proj', 'self_attn.o_proj', 'mlp.gate_proj', 'mlp.up_proj', 'mlp.down_proj'];

describe('float presets run through oneshot', () => {
  it.each(['MXFP4A16', 'MXFP4', 'MXFP8A16', 'MXFP8', 'FP8_BLOCK', 'W4AFP8', 'W4A8'])('%s: every weight is the kernel’s RTN, bit for bit', (name) => {
    const { quantized, original } = run(name);
    const args = presetScheme(name, ['Linear']).weights!;
    for (const layer of [0, 1]) {
      for (const l of LINEARS) {
        const full = `model.layers.${layer}.${l}`;
        const expected = quantizeWeight(linear(original, full).weight, args).value;
        expect(plus0(linear(quantized, full).weight)).toEqual(plus0(expected));
        expect(plus0(linear(quantized, full).weight)).not.toEqual(plus0(linear(original, full).weight));
      }
    }
  });

  it('NVFP4A16 / NVFP4: q/k/v and gate/up share the smallest global scale of their fused set', () => {
    for (const name of ['NVFP4A16', 'NVFP4']) {
      const { quantized, original } = run(name);
      const g = (n: string) => {
        const { lo, hi } = dataRange(linear(original, n).weight.data);
        return nvfp4GlobalScale(lo, hi, 'float32');
      };
      for (const layer of [0, 1]) {
        const p = `model.layers.${layer}.`;
        const sets = [['self_attn.q_proj', 'self_attn.k_proj', 'self_attn.v_proj'], ['mlp.gate_proj', 'mlp.up_proj'], ['self_attn.o_proj'], ['mlp.down_proj']];
        for (const set of sets) {
          const shared = Math.min(...set.map((l) => g(p + l)));
          for (const l of set) {
            const expected = fakeQuantizeNvfp4(linear(original, p + l).weight, 16, shared).value;
            expect(plus0(linear(quantized, p + l).weight)).toEqual(plus0(expected));
          }
        }
      }
    }
  });

  it('NVFP4 inputs: per-forward FP8 group scales under the global scale calibrated by static_minmax', () => {
    const { calibInputs, before, after } = run('NVFP4');
    let lo = Infinity;
    let hi = -Infinity;
    for (const x of calibInputs) {
      const r = dataRange(x.data);
      [lo, hi] = [Math.min(lo, r.lo), Math.max(hi, r.hi)];
    }
    const expected = fakeQuantizeNvfp4(before, 16, nvfp4GlobalScale(lo, hi, 'float32')).value;
    expect(plus0(after)).toEqual(plus0(expected));
    expect(plus0(after)).not.toEqual(plus0(before));
  });

  it.each([
    ['MXFP4', (x: Tensor) => fakeQuantizeMx(x, 4).value],
    ['MXFP8', (x: Tensor) => fakeQuantizeMx(x, 8).value],
    ['FP8_BLOCK', (x: Tensor) => fakeQuantizeFp8Group(x, 128).value],
    ['W4AFP8', (x: Tensor) => fakeQuantizeFp8(x, 'token').value],
  ] as const)('%s inputs: dynamic, from each forward’s own input', (name, kernel) => {
    const { before, after } = run(name);
    expect(plus0(after)).toEqual(plus0(kernel(before)));
    expect(plus0(after)).not.toEqual(plus0(before));
  });

  it('A16 presets leave inputs alone; NVFP4 needs calibration data (its global scale), MXFP4 does not', () => {
    for (const name of ['NVFP4A16', 'MXFP4A16', 'MXFP8A16']) {
      const { before, after } = run(name);
      expect(plus0(after)).toEqual(plus0(before));
    }
    expect(new QuantizationModifier({ scheme: 'NVFP4' }).needsCalibrationData()).toBe(true);
    expect(new QuantizationModifier({ scheme: 'MXFP4' }).needsCalibrationData()).toBe(false);
    expect(inferPipeline([new QuantizationModifier({ scheme: 'MXFP4' })])).toBe('datafree');
  });
});

describe('float QuantizationArgs in config_groups', () => {
  const weights = (w: Record<string, unknown>) => new QuantizationModifier({ config_groups: { g: { targets: ['Linear'], weights: w } } }).resolvedSchemes()[0].weights;
  it('NVFP4 and MX spelled out equal the presets', () => {
    expect(weights({ num_bits: 4, type: 'float', strategy: 'tensor_group', group_size: 16, scale_dtype: 'torch.float8_e4m3fn' })).toEqual(presetScheme('NVFP4A16', []).weights);
    expect(weights({ num_bits: 4, type: 'float', strategy: 'group', group_size: 32, scale_dtype: 'torch.uint8', zp_dtype: 'torch.uint8' })).toEqual(presetScheme('MXFP4A16', []).weights);
    expect(weights({ num_bits: 8, type: 'float', strategy: 'block', block_structure: [128, 128] })).toEqual(presetScheme('FP8_BLOCK', []).weights);
  });
  it('float combinations without a kernel are T30; FP4 asymmetric and misplaced `local` are upstream errors', () => {
    expect(() => weights({ num_bits: 4, type: 'float', strategy: 'channel' })).toThrow('is not simulated by llmc-sim');
    expect(() => weights({ num_bits: 4, type: 'float', strategy: 'tensor_group', group_size: 16, scale_dtype: 'torch.float8_e4m3fn', symmetric: false })).toThrow('Asymmetric Quantization is not supported for FP4');
    expect(() => weights({ num_bits: 4, type: 'float', strategy: 'group', group_size: 16, dynamic: 'local' })).toThrow('local is only supported for strategy tensor_group');
  });
});
