/**
 * QuIPModifier: fields and messages as upstream 0.12, its transform config, outputs kept by the rotations,
 * and QuIP + RTN against the numpy float64 reference (bench/python/quip_reference.py; fixtures regenerated
 * with `python3 bench/python/quip_reference.py --fixtures`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { QuIPModifier } from '../../../src/modifiers/quip/index.ts';
import { QuantizationModifier } from '../../../src/modifiers/quantization/index.ts';
import { createSession } from '../../../src/lifecycle/session.ts';
import { oneshot } from '../../../src/sim/oneshot.ts';
import { inferPipeline } from '../../../src/sim/pipelines/index.ts';
import { createSyntheticModel } from '../../../src/model/synthetic.ts';
import type { Linear } from '../../../src/model/modules.ts';
import type { Model } from '../../../src/model/model.ts';
import type { Modifier } from '../../../src/modifiers/modifier.ts';
import { Recipe } from '../../../src/recipe/index.ts';
import { Tensor } from '../../../src/tensor/tensor.ts';
import { applyLinear } from '../../../src/model/forward/forward.ts';
import { thrown, useWarningCapture } from '../../helpers/errors.ts';
import { logits, maxAbs, maxAbsDiff, storiesModel } from '../spinquant/helpers.ts';

const warningsNow = useWarningCapture();
/** A small synthetic model (outlier channels, vocab 512 for the probe tokens): the rotations' sizes 64 and 128. */
const smallModel = () => createSyntheticModel({ dim: 64, hiddenDim: 128, layers: 2, heads: 4, kvHeads: 2, vocab: 512 });
const CALIB = [[1, 2, 3, 4, 5], [6, 7, 8, 9]];
const run = (model: Model, recipe: Modifier[], seed = 0) => createSession(() => oneshot({ model, recipe, calibrationData: CALIB, seed }));
const W4_CHANNEL = { config_groups: { g: { targets: ['Linear'], weights: { num_bits: 4, strategy: 'channel' } } }, ignore: ['lm_head'] };

describe('fields and messages (0.12)', () => {
  it('defaults: rotations [v, u], random-hadamard, Linear, float64, ignore lm_head; datafree', () => {
    const m = new QuIPModifier();
    expect([m.rotations, m.transformType, m.targets, m.precision, m.transformBlockSize, m.ignore]).toEqual([['v', 'u'], 'random-hadamard', ['Linear'], 'float64', null, ['lm_head']]);
    expect(inferPipeline([m])).toBe('datafree');
    expect(new QuIPModifier({ rotations: ['V'] }).rotations).toEqual(['v']);
  });

  it('upstream validators: randomize/learnable, rotations, transform_type', () => {
    expect(thrown(() => new QuIPModifier({ randomize: true })).message).toContain('randomize is not supported right now');
    expect(thrown(() => new QuIPModifier({ learnable: true })).message).toContain('learnable is not supported right now');
    expect(thrown(() => new QuIPModifier({ rotations: ['w'] })).message).toContain("Input should be 'v' or 'u'");
    expect(thrown(() => new QuIPModifier({ transform_type: 'dct' })).message).toContain("Input should be 'hadamard', 'random-hadamard' or 'random-matrix'");
  });

  it('the config: v = online input + fused weight_input inverse; u = fused weight_output + online output inverse', () => {
    const model = smallModel();
    const m = new QuIPModifier({ rotations: ['u', 'v'], transform_block_size: 32 });
    run(model, [m]);
    const groups = m.transformConfig!.configGroups;
    expect(Object.keys(groups)).toEqual(['v', 'u']);
    expect(groups.v.apply.map((a) => [a.location, a.inverse])).toEqual([['input', false], ['weight_input', true]]);
    expect(groups.u.apply.map((a) => [a.location, a.inverse])).toEqual([['weight_output', false], ['output', true]]);
    expect(groups.v).toMatchObject({ type: 'random-hadamard', headDim: 32, precision: 'float64' });
    expect(groups.v.apply[0]).toMatchObject({ targets: ['Linear'], ignore: ['lm_head'] });
    expect(model.getModule('model.layers.0.mlp.down_proj.v_input')).toBeDefined();
    expect(model.getModule('model.layers.0.mlp.down_proj.u_output')).toBeDefined();
    expect(model.getModule('lm_head.v_input')).toBeUndefined();
  });

  it('a recipe text with transform_config overrides the generated one', () => {
    const recipe = Recipe.createInstance(
      'quip_stage:\n  quip_modifiers:\n    QuIPModifier:\n      transform_config:\n        config_groups:\n          v:\n            type: hadamard\n            apply:\n              - {targets: [Linear], location: input, ignore: [lm_head]}\n              - {targets: [Linear], location: weight_input, inverse: true, ignore: [lm_head]}\n',
    );
    const m = recipe.modifiers[0] as QuIPModifier;
    expect(Object.keys(m.transformConfig!.configGroups)).toEqual(['v']);
  });
});

describe('the rotations keep the outputs (float32 rounding only)', () => {
  it.each([
    ['random-hadamard', { rotations: ['v', 'u'] }],
    ['hadamard, v only', { rotations: ['v'], transform_type: 'hadamard' }],
    ['random-matrix', { transform_type: 'random-matrix' }],
  ] as const)('synthetic model: %s', (_, args) => {
    const model = smallModel();
    const before = logits(model, [1, 17, 42, 99, 7, 300, 12, 255]);
    const before0 = Float64Array.from((model.getModule('model.layers.0.self_attn.q_proj') as Linear).weight.data);
    run(model, [new QuIPModifier({ ...args })]);
    expect(maxAbsDiff(before, logits(model, [1, 17, 42, 99, 7, 300, 12, 255]))).toBeLessThanOrEqual(1e-4 * maxAbs(before));
    expect(maxAbsDiff(before0, (model.getModule('model.layers.0.self_attn.q_proj') as Linear).weight.data)).toBeGreaterThan(1e-3);
    expect(warningsNow().filter((w) => w.includes('not computed'))).toEqual([]);
  });

  it('stories260K, random-hadamard v and u (172 via the divisor rule)', async () => {
    const model = await storiesModel();
    const before = logits(model);
    run(model, [new QuIPModifier()]);
    expect(maxAbsDiff(before, logits(model))).toBeLessThanOrEqual(1e-4 * maxAbs(before));
  });

  it('seeded: the same seed draws the same random-hadamard matrices, another seed others', () => {
    const weightAfter = (seed: number) => {
      const model = smallModel();
      run(model, [new QuIPModifier()], seed);
      return Array.from((model.getModule('model.layers.0.mlp.up_proj') as Linear).weight.data);
    };
    expect(weightAfter(3)).toEqual(weightAfter(3));
    expect(weightAfter(3)).not.toEqual(weightAfter(4));
  });

  it('hadamard on a size that is not a power of two fails before anything changes (stories260K: 172)', async () => {
    const model = await storiesModel();
    const before = Array.from((model.getModule('model.layers.0.mlp.up_proj') as Linear).weight.data);
    expect(() => run(model, [new QuIPModifier({ transform_type: 'hadamard' })])).toThrow(/Cannot construct deterministic hadamard/);
    expect(Array.from((model.getModule('model.layers.0.mlp.up_proj') as Linear).weight.data)).toEqual(before);
  });
});

interface Case {
  name: string; rows: number; cols: number; bits: number; W: number[];
  expected: { rotated: number[]; quantized: number[]; quip_error: number; rtn_error: number };
}
const cases = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'quip', 'cases.json'), 'utf8')) as Case[];

/** ‖A − B‖²_F */
const sqErr = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return s;
};

describe('QuIP (hadamard, v and u) then W4 RTN = the numpy float64 reference', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const withLayer = () => {
      const model = createSyntheticModel({ dim: c.cols, hiddenDim: c.rows, layers: 1, heads: 4, kvHeads: 2, vocab: 64 });
      (model.getModule('model.layers.0.mlp.up_proj') as Linear).weight = new Tensor(Float32Array.from(c.W), [c.rows, c.cols]);
      return model;
    };
    const quip = withLayer();
    const m = new QuIPModifier({ transform_type: 'hadamard' });
    run(quip, [m]);
    const rotated = (quip.getModule('model.layers.0.mlp.up_proj') as Linear).weight.data;
    expect(maxAbsDiff(rotated, c.expected.rotated)).toBeLessThanOrEqual(1e-6 * maxAbs(c.expected.rotated));

    const quantized = withLayer();
    run(quantized, [new QuIPModifier({ transform_type: 'hadamard' }), new QuantizationModifier(W4_CHANNEL)]);
    const q = (quantized.getModule('model.layers.0.mlp.up_proj') as Linear).weight.data;
    expect(maxAbsDiff(q, c.expected.quantized)).toBeLessThanOrEqual(1e-6 * maxAbs(c.expected.quantized));

    // the error in the original basis, through the model's own online transforms: x·Wᵀ for x = the identity
    const up = quantized.getModule('model.layers.0.mlp.up_proj') as Linear;
    const eye = new Float32Array(c.cols * c.cols);
    for (let i = 0; i < c.cols; i++) eye[i * c.cols + i] = 1;
    const effectiveT = new Float32Array(c.cols * c.rows); // W_effᵀ [cols, rows]
    applyLinear(up, eye, effectiveT, c.cols, c.cols, c.rows);
    const effective = new Float64Array(c.rows * c.cols);
    for (let i = 0; i < c.cols; i++) for (let r = 0; r < c.rows; r++) effective[r * c.cols + i] = effectiveT[i * c.rows + r];
    expect(sqErr(c.W, effective)).toBeCloseTo(c.expected.quip_error, 4);
  });

  it('with outlier weights, QuIP + W4 RTN has a smaller weight error than W4 RTN alone (the paper\'s claim); without outliers about the same', () => {
    const [outliers, plain] = cases;
    expect(outliers.expected.quip_error).toBeLessThan(0.5 * outliers.expected.rtn_error);
    expect(plain.expected.quip_error).toBeLessThan(1.1 * plain.expected.rtn_error);
  });
});
