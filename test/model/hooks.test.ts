import { describe, expect, it } from 'vitest';
import { ValueError } from '../../src/core/errors.ts';
import { Tensor } from '../../src/tensor/tensor.ts';
import type { Linear, LlamaAttention } from '../../src/model/index.ts';
import { maxAbsDiff } from './helpers.ts';
import { small } from './small.ts';

const tokens = [3, 14, 15, 92, 65, 35];
const linear = (m: ReturnType<typeof small>, name: string) => m.getModule(name) as Linear;
const attn = (m: ReturnType<typeof small>, name: string) => m.getModule(name) as LlamaAttention;

describe('Linear hooks', () => {
  it('run pre-hooks then forward hooks in registration order, each seeing the previous result', () => {
    const m = small();
    const q = linear(m, 'model.layers.0.self_attn.q_proj');
    const calls: string[] = [];
    q.registerForwardPreHook((x, mod) => {
      calls.push(`pre1 ${x.shape} ${mod.name}`);
      return new Tensor(x.data.map((v) => 2 * v), x.shape);
    });
    let seen = 0;
    q.registerForwardPreHook((x) => {
      calls.push('pre2');
      seen = x.data[0];
    });
    q.registerForwardHook((y) => void calls.push(`fwd1 ${y.shape}`));
    q.registerForwardHook(() => void calls.push('fwd2'));
    let firstInput = 0;
    m.getModule('model.layers.0.self_attn.k_proj');
    linear(m, 'model.layers.0.self_attn.k_proj').registerForwardPreHook((x) => void (firstInput = x.data[0]));
    m.forward(tokens);
    expect(calls).toEqual(['pre1 6,64 model.layers.0.self_attn.q_proj', 'pre2', 'fwd1 6,64', 'fwd2']);
    expect(seen).toBeCloseTo(2 * firstInput, 5); // k_proj sees the same input, undoubled
  });

  it('use a returned tensor as the new input / output, and leave other readers of the input alone', () => {
    const m = small();
    const base = m.forward(tokens);
    const down = linear(m, 'model.layers.1.mlp.down_proj');
    const h = down.registerForwardPreHook((x) => new Tensor(new Float32Array(x.size), x.shape)); // zero the MLP
    const noMlp = m.forward(tokens);
    expect(maxAbsDiff(base.data, noMlp.data)).toBeGreaterThan(1e-3);
    h.remove();
    expect(Array.from(m.forward(tokens).data)).toEqual(Array.from(base.data));

    // mutating the given input in place affects only this module (each hook chain gets its own copy)
    const q = linear(m, 'model.layers.0.self_attn.q_proj');
    const h2 = q.registerForwardPreHook((x) => void x.data.fill(0));
    const k = linear(m, 'model.layers.0.self_attn.k_proj');
    let kNonZero = false;
    const h3 = k.registerForwardPreHook((x) => void (kNonZero = x.data.some((v) => v !== 0)));
    m.forward(tokens);
    expect(kNonZero).toBe(true);
    h2.remove();
    h3.remove();

    const head = m.lmHead.registerForwardHook((y) => new Tensor(y.data.map((v) => v + 1), y.shape));
    const shifted = m.forward(tokens);
    expect(maxAbsDiff(shifted.data.map((v, i) => v - base.data[i]), new Float32Array(base.size).fill(1))).toBeLessThan(1e-5);
    head.remove();
  });

  it('remove() takes out exactly its own registration and is idempotent', () => {
    const m = small();
    const q = linear(m, 'model.layers.0.self_attn.q_proj');
    let n = 0;
    const fn = () => void n++;
    const a = q.registerForwardPreHook(fn);
    q.registerForwardPreHook(fn);
    m.forward(tokens);
    expect(n).toBe(2);
    a.remove();
    a.remove();
    m.forward(tokens);
    expect(n).toBe(3);
  });

  it('prepend: a prepended pre-hook runs before those registered earlier, and removes cleanly', () => {
    const m = small();
    const q = linear(m, 'model.layers.0.self_attn.q_proj');
    const calls: string[] = [];
    q.registerForwardPreHook(() => void calls.push('a'));
    q.registerForwardPreHook(() => void calls.push('b'));
    const first = q.registerForwardPreHook((x) => {
      calls.push('first');
      return new Tensor(x.data.map((v) => 2 * v), x.shape);
    }, { prepend: true });
    let seenByA = 0, input = 0;
    q.registerForwardPreHook((x) => void (seenByA = x.data[0]));
    linear(m, 'model.layers.0.self_attn.k_proj').registerForwardPreHook((x) => void (input = x.data[0]));
    q.registerForwardPreHook(() => void calls.push('front'), { prepend: true });
    q.registerForwardHook(() => void calls.push('fwd-a'));
    q.registerForwardHook(() => void calls.push('fwd-first'), { prepend: true });
    m.forward(tokens);
    expect(calls).toEqual(['front', 'first', 'a', 'b', 'fwd-first', 'fwd-a']);
    expect(seenByA).toBeCloseTo(2 * input, 5); // later hooks see the prepended hook's result
    calls.length = 0;
    first.remove();
    m.forward(tokens);
    expect(calls).toEqual(['front', 'a', 'b', 'fwd-first', 'fwd-a']);
    expect(q.preHooks.size).toBe(4);
  });

  it('prepend on attention query/key hooks', () => {
    const m = small();
    const a = attn(m, 'model.layers.0.self_attn');
    const calls: string[] = [];
    a.registerQueryHook(() => void calls.push('q1'));
    a.registerQueryHook(() => void calls.push('q0'), { prepend: true });
    a.registerKeyHook(() => void calls.push('k1'));
    a.registerKeyHook(() => void calls.push('k0'), { prepend: true });
    m.forward(tokens.slice(0, 1));
    expect(calls).toEqual(['q0', 'q1', 'k0', 'k1']);
  });

  it('reject a replacement of the wrong shape', () => {
    const m = small();
    linear(m, 'model.layers.0.mlp.up_proj').registerForwardHook(() => Tensor.zeros([1, 1]));
    expect(() => m.forward(tokens)).toThrow(ValueError);
    expect(() => m.forward(tokens)).toThrow('forward hook of model.layers.0.mlp.up_proj returned a tensor of shape [1, 1], expected [6, 128]');
  });
});

describe('attention query/key hooks', () => {
  it('see states after RoPE with shapes [tokens, heads*headDim] / [tokens, kvHeads*headDim]', () => {
    const m = small();
    const a = attn(m, 'model.layers.0.self_attn');
    let preRope: Tensor | null = null, q: Tensor | null = null, k: Tensor | null = null;
    linear(m, 'model.layers.0.self_attn.q_proj').registerForwardHook((y) => void (preRope = y.clone()));
    a.registerQueryHook((s, mod) => {
      expect(mod).toBe(a);
      q = s.clone();
    });
    a.registerKeyHook((s) => void (k = s.clone()));
    m.forward(tokens);
    expect(q!.shape).toEqual([6, 64]);
    expect(k!.shape).toEqual([6, 32]);
    const hd = 16, half = hd / 2;
    // position 0: RoPE is the identity; position 3: rotated, but each (i, i+hd/2) pair keeps its norm (style 'half')
    expect(maxAbsDiff(q!.data.subarray(0, 64), preRope!.data.subarray(0, 64))).toBe(0);
    expect(maxAbsDiff(q!.data.subarray(3 * 64, 4 * 64), preRope!.data.subarray(3 * 64, 4 * 64))).toBeGreaterThan(1e-3);
    for (let h = 0; h < 4; h++) {
      for (let i = 0; i < half; i++) {
        const o = 3 * 64 + h * hd;
        const n0 = Math.hypot(preRope!.data[o + i], preRope!.data[o + i + half]);
        const n1 = Math.hypot(q!.data[o + i], q!.data[o + i + half]);
        expect(n1).toBeCloseTo(n0, 4);
      }
    }
  });

  it('act before the scores: rotating q and k alike per head leaves the outputs unchanged (R3)', () => {
    const m = small();
    const base = m.forward(tokens);
    // an orthogonal map per head: reverse the 16 dims and flip every other sign
    const rot = (s: Tensor): Tensor => {
      const out = new Float32Array(s.size);
      for (let r = 0; r < s.size / 16; r++) {
        for (let i = 0; i < 16; i++) out[r * 16 + i] = (i % 2 ? -1 : 1) * s.data[r * 16 + 15 - i];
      }
      return new Tensor(out, s.shape);
    };
    for (const l of [0, 1]) {
      attn(m, `model.layers.${l}.self_attn`).registerQueryHook(rot);
      attn(m, `model.layers.${l}.self_attn`).registerKeyHook(rot);
    }
    expect(maxAbsDiff(m.forward(tokens).data, base.data)).toBeLessThan(1e-4);
    // keys alone rotated: scores change, so outputs change
    const m2 = small();
    const hk = attn(m2, 'model.layers.0.self_attn').registerKeyHook(rot);
    expect(maxAbsDiff(m2.forward(tokens).data, base.data)).toBeGreaterThan(1e-3);
    hk.remove();
    expect(Array.from(m2.forward(tokens).data)).toEqual(Array.from(base.data));
  });
});
