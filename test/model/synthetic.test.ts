import { describe, expect, it } from 'vitest';
import { ValueError } from '../../src/core/errors.ts';
import { createSyntheticModel, syntheticOutlierChannels, type Linear } from '../../src/model/index.ts';

/** Sylvester Hadamard / √n, n a power of two. */
function hadamard(n: number): number[][] {
  let H = [[1]];
  while (H.length < n) H = [...H.map((r) => [...r, ...r]), ...H.map((r) => [...r, ...r.map((v) => -v)])];
  return H.map((r) => r.map((v) => v / Math.sqrt(n)));
}

/** Relative squared error of symmetric per-token 4-bit round-to-nearest on rows of width n. */
function a4Error(x: ArrayLike<number>, n: number): number {
  let err = 0, tot = 0;
  for (let t = 0; t < x.length / n; t++) {
    let max = 0;
    for (let c = 0; c < n; c++) max = Math.max(max, Math.abs(x[t * n + c]));
    const s = max / 7.5;
    for (let c = 0; c < n; c++) {
      const v = x[t * n + c];
      err += (v - Math.max(-8, Math.min(7, Math.round(v / s))) * s) ** 2;
      tot += v * v;
    }
  }
  return err / tot;
}

describe('createSyntheticModel', () => {
  it('is deterministic per seed', () => {
    const a = createSyntheticModel();
    expect(createSyntheticModel({ seed: 0 }).contentHash()).toBe(a.contentHash());
    expect(createSyntheticModel({ seed: 1 }).contentHash()).not.toBe(a.contentHash());
    expect(Array.from(createSyntheticModel().forward([1, 2, 3]).data)).toEqual(Array.from(a.forward([1, 2, 3]).data));
  });

  it('has the documented defaults: 256/512 wide, 2 layers, 8 heads, 4 KV heads, vocab 512, tied, half RoPE', () => {
    const m = createSyntheticModel();
    expect(m.config).toMatchObject({
      hiddenSize: 256, intermediateSize: 512, numHiddenLayers: 2, numAttentionHeads: 8, numKeyValueHeads: 4,
      vocabSize: 512, tieWordEmbeddings: true, ropeStyle: 'half',
    });
    expect(m.tied).toBe(true);
    expect(m.dtype).toBe('float32');
    const gains = (m.getModule('model.layers.0.input_layernorm') as { weight: { data: Float32Array } }).weight.data;
    expect(new Set(gains).size).toBeGreaterThan(100); // RMSNorm gains are not all 1
    expect(m.forward([0, 1, 2]).shape).toEqual([3, 512]);
  });

  it('has residual outlier channels that dominate linear inputs and that a Hadamard rotation spreads out', () => {
    const m = createSyntheticModel();
    const T = 32, dim = 256;
    const tokens = Array.from({ length: T }, (_, i) => (i * 37 + 11) % 512);
    const inputs: Record<string, Float32Array> = {};
    for (const name of ['model.layers.0.self_attn.q_proj', 'model.layers.1.self_attn.q_proj', 'model.layers.1.mlp.up_proj']) {
      (m.getModule(name) as Linear).registerForwardPreHook((x) => void (inputs[name] = x.data.slice() as Float32Array));
    }
    m.forward(tokens);
    const outliers = syntheticOutlierChannels(dim, 4);
    const H = hadamard(dim);
    for (const x of Object.values(inputs)) {
      const colMax = new Array(dim).fill(0);
      for (let t = 0; t < T; t++) for (let c = 0; c < dim; c++) colMax[c] = Math.max(colMax[c], Math.abs(x[t * dim + c]));
      const median = [...colMax].sort((a, b) => a - b)[dim / 2];
      for (const c of outliers) expect(colMax[c]).toBeGreaterThan(5 * median);
      expect(Math.max(...outliers.map((c) => colMax[c]))).toBeGreaterThan(12 * median);
      const rotated = new Float64Array(T * dim);
      for (let t = 0; t < T; t++) {
        for (let j = 0; j < dim; j++) {
          let s = 0;
          for (let c = 0; c < dim; c++) s += x[t * dim + c] * H[c][j];
          rotated[t * dim + j] = s;
        }
      }
      expect(a4Error(x, dim)).toBeGreaterThan(3 * a4Error(rotated, dim));
    }
  });

  it('honours sizes and rejects impossible ones', () => {
    const m = createSyntheticModel({ dim: 64, hiddenDim: 172, layers: 1, heads: 8, kvHeads: 4, vocab: 256, outlierChannels: 0 });
    expect(m.namedModules().length).toBe(4 + 13 + 3);
    expect(() => createSyntheticModel({ dim: 60, heads: 8 })).toThrow(ValueError);
    expect(() => createSyntheticModel({ heads: 8, kvHeads: 3 })).toThrow('not a multiple of num_key_value_heads');
    expect(() => createSyntheticModel({ layers: 0 })).toThrow('layers must be a positive integer');
  });
});
