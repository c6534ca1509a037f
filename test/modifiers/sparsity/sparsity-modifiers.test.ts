/** SparseGPTModifier and WandaPruningModifier: 0.12 fields, validators and messages; pruning on the model. */
import { describe, expect, it } from 'vitest';
import { SparseGPTModifier } from '../../../src/modifiers/sparsegpt/index.ts';
import { WandaPruningModifier } from '../../../src/modifiers/wanda/index.ts';
import { createSession } from '../../../src/lifecycle/session.ts';
import { oneshot } from '../../../src/sim/oneshot.ts';
import { inferPipeline } from '../../../src/sim/pipelines/index.ts';
import { createSyntheticModel } from '../../../src/model/synthetic.ts';
import type { Linear } from '../../../src/model/modules.ts';
import { Recipe } from '../../../src/recipe/index.ts';
import { thrown, useWarningCapture } from '../../helpers/errors.ts';

const warningsNow = useWarningCapture();
const small = () => createSyntheticModel({ dim: 64, hiddenDim: 128, layers: 2, heads: 4, kvHeads: 2, vocab: 64 });
const CALIB = Array.from({ length: 3 }, (_, b) => Array.from({ length: 10 }, (_, t) => (b * 11 + t * 5) % 64));

const zerosIn = (l: Linear) => Array.from(l.weight.data).filter((v) => v === 0).length / l.weight.size;

describe('fields and validators (0.12 SparsityModifierBase)', () => {
  it('sparsity is required; owl arguments all or none; mask_structure N:M; sequential_update=False warns', () => {
    expect(thrown(() => new SparseGPTModifier({})).message).toContain('sparsity');
    expect(thrown(() => new WandaPruningModifier({ sparsity: 0.5, owl_m: 5 })).message).toContain('Must provide all of `profile="owl"`, `owl_m` and `owl_lmbda` or none');
    expect(thrown(() => new WandaPruningModifier({ sparsity: 0.5, sparsity_profile: 'foo' })).message).toContain("Please choose profile from ['owl']");
    expect(thrown(() => new SparseGPTModifier({ sparsity: 0.5, mask_structure: '2-4' })).message).toContain('mask_structure');
    expect(new SparseGPTModifier({ sparsity: 0.5, mask_structure: '2:4' }).pruneNM).toEqual([2, 4]);
    new SparseGPTModifier({ sparsity: 0.5, sequential_update: false });
    expect(warningsNow()).toContain('`sequential_update=False` is no longer supported, setting sequential_update=True');
    const m = new SparseGPTModifier({ sparsity: 0.5 });
    expect([m.blockSize, m.dampeningFrac, m.preserveSparsityMask, m.maskStructure, m.targets]).toEqual([128, 0.01, false, '0:0', ['Linear']]);
  });

  it('an upstream recipe parses and infers sequential', () => {
    const r = Recipe.createInstance('sparsity_stage:\n  sparsity_modifiers:\n    SparseGPTModifier:\n      sparsity: 0.5\n      mask_structure: "2:4"\n      targets: ["re:model.layers.\\\\d+$"]\n');
    expect(r.modifiers[0]).toBeInstanceOf(SparseGPTModifier);
    expect(inferPipeline(r.modifiers)).toBe('sequential');
  });

  it('a sparsity list of the wrong length: the upstream message', () => {
    const m = new WandaPruningModifier({ sparsity: [0.5, 0.5, 0.5], targets: ['re:model.layers.\\d+$'] });
    expect(() => createSession(() => oneshot({ model: small(), recipe: [m], calibrationData: CALIB }))).toThrow(
      'WandaPruningModifier was initialized with 3 sparsities values, but model has 2 target layers',
    );
  });
});

describe('pruning the model', () => {
  it.each([
    ['SparseGPT 50%', () => new SparseGPTModifier({ sparsity: 0.5, ignore: ['lm_head'] }), 0.5],
    ['Wanda 50%', () => new WandaPruningModifier({ sparsity: 0.5, ignore: ['lm_head'] }), 0.5],
  ])('%s: every prunable Linear at the target sparsity', (_, make, target) => {
    const model = small();
    createSession(() => oneshot({ model, recipe: [make()], calibrationData: CALIB }));
    for (const [name, m] of model.namedModules()) {
      if (m.kind !== 'linear' || name === 'lm_head') continue;
      expect(zerosIn(m as Linear)).toBeGreaterThanOrEqual(target);
      expect(zerosIn(m as Linear)).toBeLessThan(target + 0.02);
    }
    expect(zerosIn(model.getModule('lm_head') as Linear)).toBe(0);
  });

  it.each([
    ['SparseGPT', () => new SparseGPTModifier({ sparsity: 0.5, mask_structure: '2:4', ignore: ['lm_head'] })],
    ['Wanda', () => new WandaPruningModifier({ sparsity: 0.5, mask_structure: '2:4', ignore: ['lm_head'] })],
  ])('%s 2:4: at least two zeros in every group of four', (_, make) => {
    const model = small();
    createSession(() => oneshot({ model, recipe: [make()], calibrationData: CALIB }));
    const w = (model.getModule('model.layers.1.mlp.down_proj') as Linear).weight.data;
    for (let g = 0; g < w.length; g += 4) expect([0, 1, 2, 3].filter((k) => w[g + k] === 0).length).toBeGreaterThanOrEqual(2);
  });

  it('lm_head targeted: the upstream warning', () => {
    createSession(() => oneshot({ model: small(), recipe: [new WandaPruningModifier({ sparsity: 0.3 })], calibrationData: CALIB }));
    expect(warningsNow()).toContain(
      '`lm_head` was previously auto-ignored by SparseGPT and Wanda modifiers and is not advised. Please add `re:.*lm_head` to your ignore list if this was unintentional',
    );
  });
});
