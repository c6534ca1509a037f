/** The KV-cached decoder (forward/decoder.ts): each step's logits are bit-identical to forward's row. */
import { describe, expect, it } from 'vitest';
import { loadModel, createSyntheticModel, type Model } from '../../src/model/index.ts';
import { Tensor } from '../../src/tensor/tensor.ts';
import { QuantizationModifier } from '../../src/modifiers/quantization/index.ts';
import { SpinQuantModifier } from '../../src/modifiers/spinquant/index.ts';
import { runDatafree } from '../modifiers/spinquant/helpers.ts';
import { STORIES } from './helpers.ts';
import { linearRows, linearRows64 } from '../../src/tensor/kernels/linear.ts';

// 40 tokens: crosses the cache's first capacity (16) and its doubling (32)
const TOKENS = [1, 17, 42, 99, 7, 300, 12, 255, 3, 64, 128, 5, 250, 33, 77, 401, 2, 9, 11, 450, 31, 8, 6, 200, 100,
  13, 14, 15, 16, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28];

/** Step through `tokens`; every step's logits must equal (toEqual, raw typed arrays) forward's row. */
function expectBitIdentical(model: Model, tokens: readonly number[] = TOKENS): void {
  const full = model.forward(tokens);
  const V = full.cols;
  const dec = model.decoder();
  for (let t = 0; t < tokens.length; t++) {
    const got = dec.step(tokens[t]);
    expect(got.constructor).toBe(full.data.constructor);
    expect(got).toEqual(full.data.slice(t * V, (t + 1) * V));
  }
  expect(dec.position).toBe(tokens.length);
  // a prefix's own forward gives the same row too (causal), and reset starts over
  dec.reset();
  let last = dec.step(tokens[0]);
  for (let t = 1; t < 5; t++) last = dec.step(tokens[t]);
  expect(last).toEqual(model.forward(tokens.slice(0, 5)).data.slice(4 * V, 5 * V));
}

describe('Model.decoder(): incremental logits == forward rows, bit for bit', () => {
  it('stories260K (interleaved RoPE), float32 and float64', async () => {
    const m = await loadModel(STORIES);
    expectBitIdentical(m);
    expectBitIdentical(m.clone().to('float64'));
  });

  it('synthetic (half RoPE), float32, float64 and mixed (one float64 weight)', () => {
    const m = createSyntheticModel();
    expectBitIdentical(m);
    expectBitIdentical(m.clone().to('float64'));
    const mixed = m.clone();
    mixed.untieWordEmbeddings();
    mixed.lmHead.weight = mixed.lmHead.weight.to('float64');
    expectBitIdentical(mixed);
  });

  it('runs the hooks: SpinQuant R1–R4 (R3 on q and k before the cache, R4 on down_proj) + W4A4 per-token', async () => {
    for (const base of [createSyntheticModel(), await loadModel(STORIES)]) {
      const m = base.clone();
      const transformType = base.config.hiddenSize === 64 ? 'random-hadamard' : 'hadamard';
      runDatafree(m, [
        new SpinQuantModifier({ rotations: ['R1', 'R2', 'R3', 'R4'], transformType, centerEmbeddings: false }),
        new QuantizationModifier({ scheme: 'W4A4', targets: ['Linear'], ignore: ['lm_head'] }),
      ]);
      const attn = m.getModule('model.layers.0.self_attn');
      expect(attn?.kind === 'attention' && attn.keyHooks.size > 0 && attn.queryHooks.size > 0).toBe(true);
      expectBitIdentical(m);
      // the hooks matter: without them the logits differ
      expect(m.decoder().step(1)).not.toEqual(base.clone().decoder().step(1));
    }
  });

  it('runs embedding forward hooks and Linear pre/forward hooks on each token row', () => {
    const m = createSyntheticModel();
    m.embedTokens.registerForwardHook((x) => new Tensor(x.data.map((v) => v * 1.5), x.shape));
    const down = m.getModule('model.layers.1.mlp.down_proj');
    if (down?.kind !== 'linear') throw new Error('no down_proj');
    down.registerForwardPreHook((x) => new Tensor(x.data.map((v) => Math.round(v * 64) / 64), x.shape));
    m.lmHead.registerForwardHook((y) => new Tensor(y.data.map((v) => v - 0.25), y.shape));
    expectBitIdentical(m);
  });

  it('linearRows: a row alone (4-weight-row blocks + tail) equals its row in the 4-token blocks', () => {
    for (const [A, lin] of [[Float32Array, linearRows], [Float64Array, linearRows64]] as const) {
      const T = 9, n = 13, d = 7; // T and d not multiples of 4: every path
      const r = (k: number) => {
        const a = new A(k);
        for (let i = 0; i < k; i++) a[i] = Math.sin(i * 12.9898 + k) * 3.7;
        return a;
      };
      const x = r(T * n), w = r(d * n), b = r(d);
      const all = new A(T * d), one = new A(d);
      lin(all, x, w, b, T, n, d);
      for (let t = 0; t < T; t++) {
        lin(one, x.subarray(t * n, (t + 1) * n), w, b, 1, n, d);
        expect(one).toEqual(all.slice(t * d, (t + 1) * d));
      }
    }
  });

  it('rejects bad tokens and steps past maxPositionEmbeddings', () => {
    const m = createSyntheticModel();
    const dec = m.decoder();
    expect(() => dec.step(-1)).toThrow('expected an integer in [0, ');
    expect(() => dec.step(1.5)).toThrow('expected an integer');
    const short = m.clone();
    short.config.maxPositionEmbeddings = 3;
    const d3 = short.decoder();
    for (let i = 0; i < 3; i++) d3.step(1);
    expect(() => d3.step(1)).toThrow('past maxPositionEmbeddings 3');
  });
});
