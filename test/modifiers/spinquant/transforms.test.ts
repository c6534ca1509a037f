/** Transform config and application conventions (spinquant.md §7–§8; T13, T15; S4). */
import { describe, expect, it } from 'vitest';
import { createSyntheticModel } from '../../../src/model/synthetic.ts';
import { Tensor } from '../../../src/tensor/tensor.ts';
import { Rng } from '../../../src/tensor/rng.ts';
import { sylvester } from '../../../src/tensor/hadamard/sylvester.ts';
import { applyTransformConfig } from '../../../src/compressed-tensors/transform/apply.ts';
import { dumpTransformConfig, parseTransformArgs, parseTransformConfig, type TransformConfig } from '../../../src/compressed-tensors/transform/config.ts';
import { invert } from '../../../src/compressed-tensors/transform/matrices.ts';
import type { Embedding, Linear } from '../../../src/model/modules.ts';

const small = () => createSyntheticModel({ dim: 16, hiddenDim: 32, layers: 1, heads: 2, kvHeads: 1, vocab: 32 });
const rngFor = (s: string) => new Rng('t').split(s);

/** Dense `A·B` for plain row-major arrays. */
function mm(a: ArrayLike<number>, ar: number, ac: number, b: ArrayLike<number>, bc: number): Float64Array {
  const out = new Float64Array(ar * bc);
  for (let i = 0; i < ar; i++) for (let k = 0; k < ac; k++) for (let j = 0; j < bc; j++) out[i * bc + j] += a[i * ac + k] * b[k * bc + j];
  return out;
}
const t = (m: ArrayLike<number>, n: number) => {
  const o = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) o[j * n + i] = m[i * n + j];
  return o;
};
const H = (n: number) => Float64Array.from(sylvester(n).data, (v) => v / Math.sqrt(n));
const config = (type: string, location: string, targets: string[], inverse = false, headDim: number | null = null): TransformConfig =>
  parseTransformConfig({ config_groups: { G: { type, head_dim: headDim, apply: [{ targets, location, inverse }] } } });
const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-5) => {
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(tol);
};

describe('transform config', () => {
  it('wraps bare strings, defaults inverse/ignore, rejects extra keys (E30)', () => {
    expect(parseTransformArgs({ targets: 'Linear', location: 'input' })).toEqual({ targets: ['Linear'], location: 'input', inverse: false, ignore: [] });
    expect(() => parseTransformArgs({ targets: 'Linear', location: 'input', foo: 1 })).toThrow('1 validation error for TransformArgs\nfoo\n  Extra inputs are not permitted');
  });

  it('dump then parse gives an equal config', () => {
    const c = config('random-hadamard', 'weight_input', ['re:.*q_proj$'], true, 8);
    expect(parseTransformConfig(dumpTransformConfig(c))).toEqual(c);
    expect(dumpTransformConfig(c)).toMatchObject({ config_groups: { G: { head_dim: 8, requires_grad: false, precision: 'torch.float32' } } });
  });
});

describe('§7 conventions (hadamard, T = H/√n)', () => {
  it('Linear weight_output: Tᵀ·W (block-wise); weight_input inverse: W·T', () => {
    const model = small();
    const o = model.getModule('model.layers.0.self_attn.o_proj') as Linear;
    const W = Float64Array.from(o.weight.data);
    applyTransformConfig(model, config('hadamard', 'weight_output', ['re:.*o_proj$'], false, 8), { rngFor });
    // diag(H8, H8)ᵀ·W on the 16 output rows
    const T = new Float64Array(256);
    const h = H(8);
    for (let b = 0; b < 2; b++) for (let i = 0; i < 8; i++) for (let j = 0; j < 8; j++) T[(b * 8 + i) * 16 + b * 8 + j] = h[i * 8 + j];
    close(o.weight.data, mm(t(T, 16), 16, 16, W, 16));

    const q = model.getModule('model.layers.0.self_attn.q_proj') as Linear;
    const Wq = Float64Array.from(q.weight.data);
    applyTransformConfig(model, config('hadamard', 'weight_input', ['re:.*q_proj$'], true), { rngFor });
    close(q.weight.data, mm(Wq, 16, 16, H(16), 16));
  });

  it('Embedding weight_output: W·T; weight_input: T·W', () => {
    const model = small();
    const e = model.getModule('model.embed_tokens') as Embedding;
    const E = Float64Array.from(e.weight.data);
    applyTransformConfig(model, config('hadamard', 'weight_output', ['model.embed_tokens']), { rngFor });
    close(e.weight.data, mm(E, 32, 16, H(16), 16));
    const E2 = Float64Array.from(e.weight.data);
    applyTransformConfig(model, config('hadamard', 'weight_input', ['model.embed_tokens']), { rngFor });
    close(e.weight.data, mm(H(32), 32, 32, E2, 16));
  });

  it('Embedding output (online): value·T, the same as fusing weight_output', () => {
    const online = small();
    const fused = online.clone();
    const applied = applyTransformConfig(online, config('hadamard', 'output', ['model.embed_tokens']), { rngFor });
    applyTransformConfig(fused, config('hadamard', 'weight_output', ['model.embed_tokens']), { rngFor });
    expect(applied.modules).toEqual(['model.embed_tokens.G_output']);
    const a = online.forward([1, 2, 3]).data;
    const b = fused.forward([1, 2, 3]).data;
    close(a, b, 1e-4);
    expect(Math.max(...Array.from(a, (v, i) => Math.abs(v - small().forward([1, 2, 3]).data[i])))).toBeGreaterThan(1e-3);
    expect(online.clone().forward([1, 2, 3]).data).toEqual(a); // the hook travels with clone()
  });

  it('random-matrix: T = M, inverse T = M⁻¹ (no transpose), shared per size (S4)', () => {
    const model = small();
    const up = model.getModule('model.layers.0.mlp.up_proj') as Linear;
    const gate = model.getModule('model.layers.0.mlp.gate_proj') as Linear;
    const U = Float64Array.from(up.weight.data);
    const cfg = parseTransformConfig({
      config_groups: { G: { type: 'random-matrix', apply: [{ targets: ['re:.*up_proj$'], location: 'weight_output' }, { targets: ['re:.*gate_proj$'], location: 'weight_output', inverse: true }] } },
    });
    const G0 = Float64Array.from(gate.weight.data);
    const applied = applyTransformConfig(model, cfg, { rngFor });
    const mats = applied.matrices.get('G')!;
    expect(mats.sizes).toEqual([32]);
    const M = (mats.get(32, 'float64') as { m: Float64Array }).m;
    for (const v of M) expect(v >= 0 && v < 1).toBe(true);
    close(up.weight.data, mm(t(M, 32), 32, 32, U, 16), 1e-4);
    const Minv = invert(M, 32);
    close(gate.weight.data, mm(t(Minv, 32), 32, 32, G0, 16), 1e-3);
  });

  it('T15 for a location the module cannot take; T13 for attention without head_dim', () => {
    const model = small();
    expect(() => applyTransformConfig(model, config('hadamard', 'input', ['model.embed_tokens']), { rngFor })).toThrow(
      "Applying transforms to <class 'torch.nn.modules.sparse.Embedding'> input is not supported",
    );
    expect(() => applyTransformConfig(model, config('hadamard', 'q_attn', ['re:.*self_attn$']), { rngFor })).toThrow(
      "Transforms on <class 'LlamaAttention'> are not supported without head_dim",
    );
  });

  it('online input transforms run before earlier pre-hooks (prepend)', () => {
    const model = small();
    const down = model.getModule('model.layers.0.mlp.down_proj') as Linear;
    const seen: number[] = [];
    down.registerForwardPreHook((x: Tensor) => void seen.push(x.data[0]));
    let raw = 0;
    applyTransformConfig(model, config('hadamard', 'input', ['re:.*down_proj$']), { rngFor });
    down.registerForwardPreHook((x: Tensor) => void (raw = x.data[0]));
    model.forward([1, 2]);
    expect(seen[0]).toBe(raw); // the earlier hook already sees the transformed input
  });
});
