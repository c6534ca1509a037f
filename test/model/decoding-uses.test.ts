/**
 * sampleSequences and generateGreedy run on the KV-cached decoder; they must give exactly what the old
 * O(L²) versions (re-running model.forward(seq) for every new token, kept here as references) gave.
 */
import { describe, expect, it } from 'vitest';
import { createSyntheticModel, generateGreedy, loadModel, type Model } from '../../src/model/index.ts';
import { QuantizationModifier } from '../../src/modifiers/quantization/index.ts';
import { sampleSequences } from '../../src/eval/errorTable.ts';
import { SpinQuantModifier } from '../../src/modifiers/spinquant/index.ts';
import { Rng } from '../../src/tensor/rng.ts';
import { runDatafree } from '../modifiers/spinquant/helpers.ts';
import { STORIES, STORIES_GREEDY_20 } from './helpers.ts';

/** The pre-decoder sampleSequences, verbatim. */
function referenceSample(model: Model, count: number, length: number, seed: number): number[][] {
  const vocab = model.config.vocabSize;
  const len = Math.min(length, model.config.maxPositionEmbeddings);
  const rng = new Rng(String(seed)).split('errorTable:samples');
  const out: number[][] = [];
  for (let s = 0; s < count; s++) {
    const seq = [Math.min(1, vocab - 1)];
    while (seq.length < len) {
      const row = model.forward(seq).data.subarray((seq.length - 1) * vocab, seq.length * vocab);
      let max = -Infinity;
      for (let i = 0; i < row.length; i++) if (row[i] > max) max = row[i];
      const p = new Float64Array(row.length);
      let sum = 0;
      for (let i = 0; i < row.length; i++) sum += p[i] = Math.exp(row[i] - max);
      for (let i = 0; i < row.length; i++) p[i] /= sum;
      let u = rng.uniform();
      let next = vocab - 1;
      for (let i = 0; i < vocab; i++) {
        u -= p[i];
        if (u < 0) {
          next = i;
          break;
        }
      }
      seq.push(next);
    }
    out.push(seq);
  }
  return out;
}

/** The pre-decoder generateGreedy, verbatim. */
function referenceGreedy(model: Model, prompt: readonly number[], steps: number): number[] {
  const seq = [...prompt];
  for (let s = 0; s < steps; s++) {
    const logits = model.forward(seq);
    const V = logits.cols, o = (seq.length - 1) * V;
    let best = 0;
    for (let i = 1; i < V; i++) if (logits.data[o + i] > logits.data[o + best]) best = i;
    seq.push(best);
  }
  return seq;
}

function rotatedW4A4(base: Model): Model {
  const m = base.clone();
  const transformType = base.config.hiddenSize === 64 ? 'random-hadamard' : 'hadamard';
  runDatafree(m, [
    new SpinQuantModifier({ rotations: ['R1', 'R2', 'R3', 'R4'], transformType, centerEmbeddings: false }),
    new QuantizationModifier({ scheme: 'W4A4', targets: ['Linear'], ignore: ['lm_head'] }),
  ]);
  return m;
}

describe('decoder-backed sampling and greedy generation match the O(L²) references', () => {
  it('sampleSequences: stories260K and synthetic, float32/float64, plain and rotated W4A4', async () => {
    const stories = await loadModel(STORIES), synthetic = createSyntheticModel();
    const models = [stories, synthetic, stories.clone().to('float64'), synthetic.clone().to('float64'), rotatedW4A4(stories), rotatedW4A4(synthetic)];
    for (const m of models) {
      for (const [count, length, seed] of [[2, 18, 0], [1, 34, 7], [2, 1, 0], [0, 10, 0]]) {
        expect(sampleSequences(m, count, length, seed)).toEqual(referenceSample(m, count, length, seed));
      }
    }
    // the length is capped at maxPositionEmbeddings, as before
    const short = synthetic.clone();
    short.config.maxPositionEmbeddings = 5;
    expect(sampleSequences(short, 2, 9, 3)).toEqual(referenceSample(short, 2, 9, 3));
  });

  it('generateGreedy: same tokens as re-running the prefix, stories260K golden included', async () => {
    const stories = await loadModel(STORIES), synthetic = createSyntheticModel();
    expect(generateGreedy(stories, [1], 20)).toEqual(STORIES_GREEDY_20);
    for (const m of [stories, synthetic, synthetic.clone().to('float64'), rotatedW4A4(synthetic)]) {
      for (const prompt of [[1], [1, 42, 7, 300]]) expect(generateGreedy(m, prompt, 20)).toEqual(referenceGreedy(m, prompt, 20));
      expect(generateGreedy(m, [5, 6], 0)).toEqual([5, 6]);
    }
    expect(() => generateGreedy(synthetic, [], 3)).toThrow('at least one prompt token');
  });
});
