/** AutoRoundModifier: fields as upstream 0.12, the pipeline it runs in, and the tuned layers against RTN. */
import { describe, expect, it } from 'vitest';
import { AutoRoundModifier } from '../../../src/modifiers/autoround/index.ts';
import { autoRoundLr } from '../../../src/modifiers/autoround/base.ts';
import { QuantizationModifier } from '../../../src/modifiers/quantization/index.ts';
import { createSession } from '../../../src/lifecycle/session.ts';
import { oneshot } from '../../../src/sim/oneshot.ts';
import { inferPipeline } from '../../../src/sim/pipelines/index.ts';
import { createSyntheticModel } from '../../../src/model/synthetic.ts';
import type { Linear } from '../../../src/model/modules.ts';
import type { Model } from '../../../src/model/model.ts';
import type { Modifier } from '../../../src/modifiers/modifier.ts';
import { Recipe } from '../../../src/recipe/index.ts';
import type { Tensor } from '../../../src/tensor/tensor.ts';
import { thrown, useWarningCapture } from '../../helpers/errors.ts';
import { layerError } from '../../helpers/layerwise.ts';

const warningsNow = useWarningCapture();
const small = () => createSyntheticModel({ dim: 32, hiddenDim: 64, layers: 2, heads: 4, kvHeads: 2, vocab: 64 });
const CALIB = Array.from({ length: 6 }, (_, b) => Array.from({ length: 10 }, (_, t) => (b * 13 + t * 7 + 1) % 64));
const W4G16 = { config_groups: { g: { targets: ['Linear'], weights: { num_bits: 4, group_size: 16 } } }, ignore: ['lm_head'] };
const run = (model: Model, recipe: Modifier[], seed = 0) => createSession(() => oneshot({ model, recipe, calibrationData: CALIB, seed }));
const weightOf = (model: Model, name: string) => (model.getModule(name) as Linear).weight;
const Q = 'model.layers.0.self_attn.q_proj';

/** The inputs `name` sees on the float model, one per calibration sequence. */
function inputsOf(model: Model, name: string): Tensor[] {
  const xs: Tensor[] = [];
  const m = model.getModule(name) as Linear;
  const handle = m.registerForwardPreHook((x: Tensor) => void xs.push(x.clone()));
  for (const s of CALIB) model.forward(s);
  handle.remove();
  return xs;
}

describe('fields and defaults (0.12)', () => {
  it('iters 200, batch_size 8, lr 1/iters (2/iters from 1000 iters at ≤ 3 bits); sequential', () => {
    const m = new AutoRoundModifier(W4G16);
    expect([m.iters, m.batchSize, m.lr, m.enableTorchCompile, m.deviceIds, m.disableOptRtn]).toEqual([200, 8, null, true, null, false]);
    expect(inferPipeline([m])).toBe('sequential');
    expect([autoRoundLr(null, 200, 4), autoRoundLr(null, 1000, 3), autoRoundLr(null, 1000, 4), autoRoundLr(0.01, 200, 4)]).toEqual([1 / 200, 2 / 1000, 1 / 1000, 0.01]);
    expect(thrown(() => new AutoRoundModifier({ iters: 1.5 })).message).toContain('Input should be a valid integer');
  });

  it('the upstream docstring recipe parses (its group key `modifiers` lacks the `_modifiers` suffix 0.12 reads, so as written it holds no modifier)', () => {
    expect(Recipe.createInstance('test_stage:\n  modifiers:\n    AutoRoundModifier:\n      iters: 200\n').modifiers).toEqual([]);
    const recipe = Recipe.createInstance(
      'test_stage:\n  quant_modifiers:\n    AutoRoundModifier:\n      iters: 200\n      config_groups:\n        group_0:\n          targets:\n            - "Linear"\n          input_activations: null\n          output_activations: null\n          weights:\n            num_bits: 4\n            type: "int"\n            symmetric: true\n            strategy: group\n            group_size: 128\n',
    );
    expect(recipe.modifiers[0]).toBeInstanceOf(AutoRoundModifier);
  });

  it('more than one config group is refused at start, as upstream asserts', () => {
    const two = { config_groups: { a: { targets: ['re:.*q_proj'], weights: { num_bits: 4 } }, b: { targets: ['re:.*k_proj'], weights: { num_bits: 8 } } } };
    expect(thrown(() => run(small(), [new AutoRoundModifier({ ...two, iters: 2 })])).message).toContain('AutoRoundModifier only supports one quantization scheme for now, got 2');
  });
});

describe('tuning', () => {
  it('iters 0 is the scheme\'s round-to-nearest exactly, with a warning that optimized RTN is not computed', () => {
    const a = small();
    const b = small();
    run(a, [new AutoRoundModifier({ ...W4G16, iters: 0 })]);
    run(b, [new QuantizationModifier(W4G16)]);
    for (const name of [Q, 'model.layers.1.mlp.down_proj']) expect(Array.from(weightOf(a, name).data)).toEqual(Array.from(weightOf(b, name).data));
    expect(warningsNow().some((w) => w.startsWith("AutoRoundModifier: iters 0 is auto-round's RTN mode"))).toBe(true);
  });

  it('every targeted Linear is tuned: quantized on the grid, a warning says the tuning is layer-wise, and the first layer\'s output error on the calibration data is below RTN\'s', () => {
    const float = small();
    const xs = inputsOf(float, Q);
    const ar = small();
    const rtn = small();
    const m = new AutoRoundModifier({ ...W4G16, iters: 40 });
    run(ar, [m]);
    run(rtn, [new QuantizationModifier(W4G16)]);
    expect(warningsNow().some((w) => w.startsWith("AutoRoundModifier: llmc-sim tunes each targeted Linear's rounding"))).toBe(true);
    expect(m.losses.size).toBe(14);
    for (const { init, best } of m.losses.values()) expect(best).toBeLessThanOrEqual(init);
    const w = weightOf(ar, 'model.layers.1.mlp.down_proj').data;
    for (let g = 0; g < 4; g++) expect(new Set(w.slice(g * 16, g * 16 + 16)).size).toBeLessThanOrEqual(16);
    const errAr = layerError(weightOf(float, Q), weightOf(ar, Q), xs);
    const errRtn = layerError(weightOf(float, Q), weightOf(rtn, Q), xs);
    expect(errAr).toBeLessThan(errRtn);
    expect(weightOf(ar, 'lm_head')).toBe(weightOf(ar, 'model.embed_tokens'));
  });

  it('seeded: the same seed tunes the same weights; with batch_size 2 of 6 samples another seed samples other batches', () => {
    const tuned = (seed: number) => {
      const model = small();
      run(model, [new AutoRoundModifier({ ...W4G16, iters: 10, batch_size: 2 })], seed);
      return Array.from(weightOf(model, Q).data);
    };
    expect(tuned(1)).toEqual(tuned(1));
    expect(tuned(1)).not.toEqual(tuned(2));
  });

  it('FP8 weights are not tuned: round-to-nearest with a warning naming the module', () => {
    run(small(), [new AutoRoundModifier({ scheme: 'FP8_DYNAMIC', ignore: ['lm_head'], iters: 2 })]);
    expect(warningsNow().some((w) => w.startsWith(`AutoRoundModifier: ${Q} has fp8 weights`))).toBe(true);
  });
});
