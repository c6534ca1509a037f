/**
 * OWL layer-wise sparsities (`sparsity_profile: owl`): the arithmetic against an independent float64 numpy
 * reference (bench/python/owl_reference.py → test/fixtures/owl/cases.json), the paper's claim (a layer with a
 * larger share of outliers is pruned less; the mean stays the target), and upstream 0.12's behaviour around it:
 * sparsities named by decoder layer, so the default `Linear` targets are refused by the count check.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SparseGPTModifier } from '../../../src/modifiers/sparsegpt/index.ts';
import { WandaPruningModifier } from '../../../src/modifiers/wanda/index.ts';
import { addOwlNorms, owlOutlierRatio, owlSparsities } from '../../../src/modifiers/sparsegpt/owl.ts';
import { createSession } from '../../../src/lifecycle/session.ts';
import { oneshot } from '../../../src/sim/oneshot.ts';
import { createSyntheticModel } from '../../../src/model/synthetic.ts';
import type { Linear } from '../../../src/model/modules.ts';

interface Case {
  rows: number;
  cols: number;
  sparsity: number;
  m: number;
  lmbda: number;
  data: { W: number[]; batches: number[][]; norms: number[] }[][];
  ratios: number[];
  sparsities: number[];
}
const cases = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'owl', 'cases.json'), 'utf8')) as Case[];

const model = (layers: number) => createSyntheticModel({ dim: 64, hiddenDim: 128, layers, heads: 4, kvHeads: 2, vocab: 64, outlierChannels: 4 });
const CALIB = Array.from({ length: 4 }, (_, b) => Array.from({ length: 12 }, (_, t) => (b * 13 + t * 7) % 64));
const DECODER_LAYERS = ['re:model.layers.\\d+$'];
const zerosIn = (l: Linear) => Array.from(l.weight.data).filter((v) => v === 0).length / l.weight.size;

describe('OWL against the numpy reference', () => {
  it.each(cases.map((c, i) => [i, c] as const))('case %i: input norms, outlier ratios and layer sparsities', (_, c) => {
    const ratios = c.data.map((linears) =>
      owlOutlierRatio(
        linears.map((l) => {
          const norms = new Float64Array(c.cols);
          for (const x of l.batches) addOwlNorms(norms, x, c.cols);
          l.norms.forEach((v, j) => expect(norms[j]).toBeCloseTo(v, 12));
          return { weight: l.W, cols: c.cols, norms };
        }),
        c.m,
      ),
    );
    ratios.forEach((r, i) => expect(r).toBeCloseTo(c.ratios[i], 10));
    owlSparsities(ratios, { sparsity: c.sparsity, owlM: c.m, owlLmbda: c.lmbda }).forEach((s, i) => expect(s).toBeCloseTo(c.sparsities[i], 12));
  });

  it('the paper: more outliers, less pruning; the mean is the target, the spread 2λ', () => {
    const s = owlSparsities([1, 4, 2.5, 9], { sparsity: 0.6, owlM: 5, owlLmbda: 0.1 });
    expect(s.reduce((a, b) => a + b, 0) / s.length).toBeCloseTo(0.6, 12);
    expect(Math.max(...s) - Math.min(...s)).toBeCloseTo(0.2, 12);
    expect([...s].sort((a, b) => b - a)).toEqual([s[0], s[2], s[1], s[3]]);
  });

  it('equal outlier ratios are refused (upstream divides by max − min = 0 and prunes with NaN)', () => {
    expect(() => owlSparsities([3, 3], { sparsity: 0.5, owlM: 5, owlLmbda: 0.05 })).toThrow(/same outlier ratio/);
  });
});

describe('sparsity_profile: owl in a one-shot run', () => {
  it.each([
    ['SparseGPT', () => new SparseGPTModifier({ sparsity: 0.5, sparsity_profile: 'owl', owl_m: 3, owl_lmbda: 0.08, targets: DECODER_LAYERS })],
    ['Wanda', () => new WandaPruningModifier({ sparsity: 0.5, sparsity_profile: 'owl', owl_m: 3, owl_lmbda: 0.08, targets: DECODER_LAYERS })],
  ])('%s: each decoder layer pruned at its OWL sparsity, the mean at the target', (_, make) => {
    const m = model(3);
    const modifier = make();
    createSession(() => oneshot({ model: m, recipe: [modifier], calibrationData: CALIB }));
    const sparsity = modifier.sparsity as Record<string, number>;
    expect(Object.keys(sparsity)).toEqual(['model.layers.0', 'model.layers.1', 'model.layers.2']);
    const values = Object.values(sparsity);
    expect(values.reduce((a, b) => a + b, 0) / 3).toBeCloseTo(0.5, 12);
    expect(Math.max(...values) - Math.min(...values)).toBeCloseTo(0.16, 12);
    for (const [layer, s] of Object.entries(sparsity)) {
      const q = m.getModule(`${layer}.mlp.up_proj`) as Linear;
      // Wanda prunes ⌊64 · s⌋ of each row's 64 inputs.
      expect(Math.abs(zerosIn(q) - s)).toBeLessThan(1 / 64 + 1e-9);
    }
  });

  it('the default targets (Linear) fail the count check, as upstream 0.12', () => {
    const modifier = new SparseGPTModifier({ sparsity: 0.5, sparsity_profile: 'owl', owl_m: 3, owl_lmbda: 0.08 });
    expect(() => createSession(() => oneshot({ model: model(2), recipe: [modifier], calibrationData: CALIB }))).toThrow(
      /SparseGPTModifier was initialized with 2 sparsities values, but model has 2 target layers/,
    );
  });

  it('without calibration data, or with one layer, a clear error', () => {
    const make = () => new WandaPruningModifier({ sparsity: 0.5, sparsity_profile: 'owl', owl_m: 3, owl_lmbda: 0.08, targets: DECODER_LAYERS });
    expect(() => createSession(() => oneshot({ model: model(2), recipe: [make()], calibrationData: null }))).toThrow(/infers layer sparsities from calibration data/);
    expect(() => createSession(() => oneshot({ model: model(1), recipe: [make()], calibrationData: CALIB }))).toThrow(/same outlier ratio/);
  });
});
