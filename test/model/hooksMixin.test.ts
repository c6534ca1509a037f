/** HooksMixin (lifecycle.md §3.6, Q24). */
import { describe, expect, it } from 'vitest';
import { createSyntheticModel } from '../../src/model/synthetic.ts';
import { HooksMixin } from '../../src/model/hooksMixin.ts';
import type { Linear, LlamaAttention } from '../../src/model/modules.ts';

const model = createSyntheticModel({ dim: 32, hiddenDim: 64, layers: 1, heads: 4, kvHeads: 2, vocab: 64 });
const q = model.getModule('model.layers.0.self_attn.q_proj') as Linear;
const attn = model.getModule('model.layers.0.self_attn') as LlamaAttention;

function setup() {
  const seen: string[] = [];
  const owner = new HooksMixin();
  const a = owner.registerHook(q, () => void seen.push('a'), 'forward_pre');
  const b = owner.registerHook(attn, () => void seen.push('b'), 'query');
  const run = () => {
    seen.length = 0;
    model.forward([1, 2]);
    return [...seen];
  };
  return { owner, a, b, run };
}

describe('HooksMixin', () => {
  it('registers forward-pre and attention hooks and removes its own', () => {
    const { owner, run } = setup();
    expect(run()).toEqual(['a', 'b']);
    owner.removeHooks();
    expect(run()).toEqual([]);
    expect(owner.hookHandles).toEqual([]);
  });

  it('removes only the given handles', () => {
    const { owner, a, run } = setup();
    owner.removeHooks([a]);
    expect(run()).toEqual(['b']);
    owner.removeHooks();
  });

  it('disableHooks skips hooks except the kept ones', () => {
    const { owner, a, run } = setup();
    expect(HooksMixin.disableHooks(run)).toEqual([]);
    expect(HooksMixin.disableHooks([a], run)).toEqual(['a']);
    expect(run()).toEqual(['a', 'b']);
    owner.removeHooks();
  });

  it('Q24: nested scopes union keep-sets; leaving the inner one re-enables everything', () => {
    const { owner, a, b, run } = setup();
    const trace: string[][] = [];
    HooksMixin.disableHooks([b], () => {
      HooksMixin.disableHooks([a], () => trace.push(run())); // both kept
      trace.push(run()); // inner exit set the flag false: all run
    });
    HooksMixin.disableHooks([a], () => {
      HooksMixin.disableHooks(() => trace.push(run())); // only a
    });
    expect(trace).toEqual([['a', 'b'], ['a', 'b'], ['a']]);
    expect(HooksMixin.hooksDisabled).toBe(false);
    owner.removeHooks();
  });

  it('rejects a hook type the module does not have', () => {
    expect(() => new HooksMixin().registerHook(attn, () => undefined, 'forward_pre')).toThrow(/Cannot register a 'forward_pre' hook/);
  });
});
