import { describe, expect, it } from 'vitest';
import { createSyntheticModel, MagnitudePruningModifier, ConstantPruningModifier, simulateTraining, ValueError } from '../../../src/index.ts';
import { interpolateSparsity, magnitudeMask, sparsityOf } from '../../../src/modifiers/pruning/masks.ts';
import type { Linear } from '../../../src/model/modules.ts';

const small = () => createSyntheticModel({ dim: 32, hiddenDim: 64, layers: 1, heads: 4, kvHeads: 2, vocab: 64 });

describe('magnitude masks', () => {
  it('prune exactly round(s·n) smallest magnitudes, ties by index', () => {
    const w = Float32Array.from([0.5, -0.1, 0.1, 0.3, -0.2, 0.1]);
    expect(Array.from(magnitudeMask(w, 0.5))).toEqual([1, 0, 0, 1, 1, 0]);
    // round(0.4·6) = 2 of the three tied 0.1s: the first two by index
    expect(Array.from(magnitudeMask(w, 0.4))).toEqual([1, 0, 0, 1, 1, 1]);
  });
  it('cubic schedule rises fast then slowly; linear is even', () => {
    expect(interpolateSparsity(0.1, 0.5, 0, 'cubic')).toBeCloseTo(0.1);
    expect(interpolateSparsity(0.1, 0.5, 0.5, 'cubic')).toBeCloseTo(0.1 + 0.4 * 0.875);
    expect(interpolateSparsity(0.1, 0.5, 0.5, 'linear')).toBeCloseTo(0.3);
    expect(interpolateSparsity(0.1, 0.5, 2, 'linear')).toBeCloseTo(0.5);
  });
});

describe('MagnitudePruningModifier and ConstantPruningModifier in training', () => {
  it('reach final sparsity on their targets and, with leave_enabled, hold it against optimizer steps after end', () => {
    const model = small();
    const prune = new MagnitudePruningModifier({ targets: ['re:.*q_proj$'], init_sparsity: 0.2, final_sparsity: 0.6, start: 0, end: 1, update: 0.5, leave_enabled: true });
    simulateTraining({ recipe: [prune], model, epochs: 3, stepsPerEpoch: 2, seed: 3 });
    const q = model.getModule('model.layers.0.self_attn.q_proj') as Linear;
    const k = model.getModule('model.layers.0.self_attn.k_proj') as Linear;
    expect(sparsityOf(q.weight.data)).toBeCloseTo(0.6, 2);
    expect(sparsityOf(k.weight.data)).toBe(0);
  });

  it('ConstantPruning keeps existing zeros at zero; without it the optimizer revives them', () => {
    const run = (hold: boolean) => {
      const model = small();
      const prune = new MagnitudePruningModifier({ targets: ['re:.*up_proj$'], init_sparsity: 0.5, final_sparsity: 0.5, start: 0, end: 0.5, leave_enabled: false });
      const mods = hold ? [prune, new ConstantPruningModifier({ targets: ['re:.*up_proj$'], start: 0.5 })] : [prune];
      simulateTraining({ recipe: mods, model, epochs: 3, stepsPerEpoch: 8, seed: 1 });
      return sparsityOf((model.getModule('model.layers.0.mlp.up_proj') as Linear).weight.data);
    };
    expect(run(true)).toBeCloseTo(0.5, 2);
    // Each step nudges a quarter of the weights: after 20 steps (3/4)^20 ≈ 0.3% of the zeros are left.
    expect(run(false)).toBeLessThan(0.01);
  });

  it('fails at initialize, naming the modifier, without a model or with targets that match nothing', () => {
    const m = new MagnitudePruningModifier({ targets: ['re:nothing$'] });
    expect(() => simulateTraining({ recipe: [m], model: small(), epochs: 1, stepsPerEpoch: 1 })).toThrow(
      'MagnitudePruningModifier: targets ["re:nothing$"] match no Linear module of the model',
    );
    expect(() => simulateTraining({ recipe: [new MagnitudePruningModifier({})], epochs: 1, stepsPerEpoch: 1 })).toThrow(ValueError);
  });

  it('validates its fields like pydantic', () => {
    expect(() => new MagnitudePruningModifier({ final_sparsity: 1.5 })).toThrow(/1 validation error for MagnitudePruningModifier\nfinal_sparsity\n  Input should be a number in \[0, 1\)/);
  });
});
