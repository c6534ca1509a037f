/** compressed-tensors 0.17 defaults, static activations, warnings and legacy targets (issue 11 (a)). */
import { describe, expect, it } from 'vitest';
import { QuantizationModifier } from '../../../src/modifiers/quantization/index.ts';
import { createSession } from '../../../src/lifecycle/session.ts';
import { oneshot } from '../../../src/sim/oneshot.ts';
import { createSyntheticModel } from '../../../src/model/synthetic.ts';
import type { Embedding, Linear } from '../../../src/model/modules.ts';
import { fakeQuantizeStatic, tensorQParams } from '../../../src/tensor/kernels/fakeQuantStatic.ts';
import { fakeQuantize } from '../../../src/tensor/kernels/fakeQuant.ts';
import { Tensor } from '../../../src/tensor/tensor.ts';
import { roundToE4M3 } from '../../../src/tensor/kernels/fp8.ts';
import { inferPipeline } from '../../../src/sim/pipelines/index.ts';
import { syntheticModel } from '../spinquant/helpers.ts';
import { thrown, useWarningCapture } from '../../helpers/errors.ts';

const warningsNow = useWarningCapture();
const small = () => createSyntheticModel({ dim: 64, hiddenDim: 128, layers: 2, heads: 4, kvHeads: 2, vocab: 64 });
const group = (weights: unknown, input?: unknown, targets: string[] = ['Linear']) => ({
  config_groups: { group_0: { targets, weights, ...(input === undefined ? {} : { input_activations: input }) } },
  ignore: ['lm_head'],
});
const schemeOf = (args: Record<string, unknown>) => new QuantizationModifier(args).resolvedSchemes()[0];
const CALIB = [[1, 2, 3, 4, 5, 6], [7, 8, 9, 10], [11, 12, 13, 14, 15]];

describe('QuantizationArgs defaults (compressed-tensors 0.17 validate_model_after)', () => {
  it('strategy omitted: tensor without group_size, group with a positive one, channel with −1', () => {
    expect(schemeOf(group({ num_bits: 8 })).weights).toMatchObject({ strategy: 'tensor', dynamic: false, observer: 'memoryless_minmax' });
    expect(schemeOf(group({ num_bits: 4, group_size: 32 })).weights).toMatchObject({ strategy: 'group', groupSize: 32 });
    expect(schemeOf(group({ num_bits: 4, group_size: -1 })).weights).toMatchObject({ strategy: 'channel', groupSize: null });
  });

  it('input_activations without dynamic are static per tensor; with dynamic: true, dynamic per tensor', () => {
    expect(schemeOf(group({ num_bits: 8 }, { num_bits: 8 })).inputActivations).toMatchObject({ strategy: 'tensor', dynamic: false });
    expect(schemeOf(group({ num_bits: 8 }, { num_bits: 8, dynamic: true })).inputActivations).toMatchObject({ strategy: 'tensor', dynamic: true, observer: null });
  });

  it('actorder inside weights: bools and aliases as upstream, group needs the group strategy', () => {
    expect(schemeOf(group({ num_bits: 4, group_size: 32, actorder: 'static' })).weights!.actorder).toBe('weight');
    expect(schemeOf(group({ num_bits: 4, group_size: 32, actorder: true })).weights!.actorder).toBe('group');
    expect(schemeOf(group({ num_bits: 4, group_size: 32, actorder: 'Dynamic' })).weights!.actorder).toBe('group');
    expect(schemeOf(group({ num_bits: 4, group_size: 32, actorder: null })).weights!.actorder).toBeNull();
    expect(thrown(() => schemeOf(group({ num_bits: 4, strategy: 'channel', actorder: 'group' }))).message).toContain(
      'Must use group or tensor_group quantization strategy in order to apply group activation ordering',
    );
  });

  it("upstream's validator messages", () => {
    expect(thrown(() => schemeOf(group({ num_bits: 8 }, { num_bits: 8, strategy: 'token' }))).message).toContain(
      'Cannot perform static token quantization, please use `dynamic=True`',
    );
    expect(thrown(() => schemeOf(group({ num_bits: 4, group_size: -3 }))).message).toContain(
      "Invalid group size -3. Use group_size > 0 for strategy='group' and group_size = -1 for 'channel'",
    );
    expect(thrown(() => schemeOf(group({ num_bits: 4, strategy: 'channel', group_size: 64 }))).message).toContain("group_size requires strategy to be set to 'group'");
    expect(thrown(() => schemeOf(group({ num_bits: 4, strategy: 'group' }))).message).toContain('strategy group requires group_size to be set to a positive value');
  });
});

describe('per-tensor weights and static activations run as compressed-tensors defines them', () => {
  it('weights {num_bits: 8}: one scale for the whole weight', () => {
    const m = new QuantizationModifier(group({ num_bits: 8 }));
    createSession(() => oneshot({ model: small(), recipe: [m], pipeline: 'datafree' }));
    const q = m.quantizationParams.get('model.layers.0.self_attn.q_proj')!;
    expect(q.scales.shape).toEqual([1]);
  });

  it('static per-tensor inputs: calibrated on the data (memoryless: the last batch), then frozen', () => {
    const model = small();
    const original = model.clone();
    const m = new QuantizationModifier(group({ num_bits: 8 }, { num_bits: 8 }));
    const inputs: Tensor[] = [];
    const down = original.getModule('model.layers.1.mlp.down_proj') as Linear;
    down.registerForwardPreHook((x) => void inputs.push(x));
    for (const b of CALIB) original.forward(b);
    const last = inputs[inputs.length - 1];
    createSession(() => oneshot({ model, recipe: [m], calibrationData: CALIB }));
    let lo = 0;
    let hi = 0;
    for (const v of last.data) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
    const expected = tensorQParams(lo, hi, 8, true, 'float32');
    // the hook quantizes a fresh input with exactly those parameters
    let quantizedInput: Tensor | null = null;
    (model.getModule('model.layers.1.mlp.down_proj') as Linear).registerForwardPreHook((x) => void (quantizedInput = x));
    model.forward([20, 21, 22]);
    expect(quantizedInput).not.toBeNull();
    // quantizedInput is after the static hook: idempotent under the same parameters
    const again = fakeQuantizeStatic(quantizedInput!, expected);
    const plus0 = (t: Tensor) => Array.from(t.data, (v) => v + 0); // −0 and +0 alike
    expect(plus0(again)).toEqual(plus0(quantizedInput!));
    expect(quantizedInput!.data.some((v) => v !== 0 && Math.abs(v / expected.scale - Math.round(v / expected.scale)) > 1e-3)).toBe(false);
    expect(new Set(quantizedInput!.data).size).toBeLessThanOrEqual(256);
    expect(warningsNow().filter((w) => w.includes('saw no calibration data'))).toHaveLength(0);
  });

  it('static inputs without calibration data warn instead of quantizing per token', () => {
    const m = new QuantizationModifier(group({ num_bits: 8 }, { num_bits: 8 }));
    createSession(() => oneshot({ model: small(), recipe: [m], pipeline: 'datafree' }));
    expect(warningsNow().filter((w) => w.includes('saw no calibration data, so its input stays unquantized'))).toHaveLength(14);
  });

  it('fakeQuantizeStatic agrees with fakeQuantize when the parameters come from the same data', () => {
    const x = Tensor.from(Array.from({ length: 40 }, (_, i) => Math.sin(i * 1.7) * 3 + 0.4), [4, 10]);
    for (const symmetric of [true, false]) {
      let lo = Infinity;
      let hi = -Infinity;
      for (const v of x.data) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
      const p = tensorQParams(lo, hi, 4, symmetric, 'float32');
      const ref = fakeQuantize(x.reshape([1, 40]), { numBits: 4, symmetric, strategy: 'channel' }).value;
      expect(Array.from(fakeQuantizeStatic(x, p).data)).toEqual(Array.from(ref.data));
    }
  });
});

describe('targets', () => {
  it('a target that matches nothing warns as compressed-tensors does', () => {
    createSession(() => oneshot({ model: small(), recipe: [new QuantizationModifier({ scheme: 'W8A8', targets: ['Linear', 'Conv2d'], ignore: ['lm_head'] })], pipeline: 'datafree' }));
    expect(warningsNow()).toContain('Could not match `Conv2d` in instance of LlamaForCausalLM');
  });

  it('an Embedding target quantizes embed_tokens (untied), never silently leaves it float', () => {
    const model = syntheticModel();
    const before = (model.getModule('model.embed_tokens') as Embedding).weight;
    createSession(() => oneshot({ model, recipe: [new QuantizationModifier(group({ num_bits: 4, group_size: -1 }, undefined, ['Embedding']))], pipeline: 'datafree' }));
    const after = (model.getModule('model.embed_tokens') as Embedding).weight;
    expect(after).not.toBe(before);
    const row = Array.from(after.data.slice(0, after.shape[1]));
    expect(new Set(row).size).toBeLessThanOrEqual(16);
    expect((model.getModule('lm_head') as Linear).weight.data[0]).toBe(before.data[0]); // lm_head untouched
  });

  it.each([
    ['__ALL__', '__ALL__ is no longer supported. Use explicit layer types or patterns instead.'],
    ['__ALL_PRUNABLE__', "target '__ALL_PRUNABLE__' was accepted by LLM Compressor ≤ 0.10"],
    ['model.layers.0.mlp.down_proj.weight', "0.11 and later match module names and classes only: use 'model.layers.0.mlp.down_proj'"],
    ['re:.*down_proj.weight$', "use 're:.*down_proj$'"],
  ])('legacy target %s: an error naming the version and the 0.12 form', (target, text) => {
    const m = new QuantizationModifier({ scheme: 'W8A8', targets: [target] });
    const err = thrown(() => createSession(() => oneshot({ model: small(), recipe: [m], pipeline: 'datafree' })));
    expect(err.message).toContain(text);
  });
});

describe('FP8 presets (compressed-tensors 0.17 FP8, FP8_DYNAMIC)', () => {
  it('exact fields', () => {
    const fp8 = new QuantizationModifier({ scheme: 'FP8' }).resolvedSchemes()[0];
    expect(fp8.weights).toMatchObject({ numBits: 8, type: 'float', strategy: 'tensor', symmetric: true, dynamic: false });
    expect(fp8.inputActivations).toMatchObject({ numBits: 8, type: 'float', strategy: 'tensor', symmetric: true, dynamic: false, observer: 'static_minmax' });
    const dyn = new QuantizationModifier({ scheme: 'FP8_DYNAMIC' }).resolvedSchemes()[0];
    expect(dyn.weights).toMatchObject({ type: 'float', strategy: 'channel', dynamic: false });
    expect(dyn.inputActivations).toMatchObject({ type: 'float', strategy: 'token', dynamic: true });
  });

  it('FP8_DYNAMIC: weights on the e4m3 grid of their row scale; FP8: static input scale from the calibration data', () => {
    const model = small();
    createSession(() => oneshot({ model, recipe: [new QuantizationModifier({ scheme: 'FP8_DYNAMIC', ignore: ['lm_head'] })], pipeline: 'datafree' }));
    const w = (model.getModule('model.layers.0.mlp.up_proj') as Linear).weight;
    const row = Array.from(w.data.slice(0, w.shape[1]));
    const scale = Math.fround(Math.max(...row.map(Math.abs)) / 448);
    for (const v of row) expect(roundToE4M3(Math.fround(v / scale))).toBeCloseTo(Math.fround(v / scale), 4);
    const m2 = small();
    const q = new QuantizationModifier({ scheme: 'FP8', ignore: ['lm_head'] });
    expect(inferPipeline([q])).toBe('sequential');
    createSession(() => oneshot({ model: m2, recipe: [q], calibrationData: CALIB }));
    expect(warningsNow().filter((x) => x.includes('saw no calibration data'))).toHaveLength(0);
    expect(Array.from(m2.forward([1, 2, 3]).data).every(Number.isFinite)).toBe(true);
  });
});
