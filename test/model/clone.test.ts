import { describe, expect, it } from 'vitest';
import type { Linear } from '../../src/model/index.ts';
import { small } from './small.ts';

describe('Model.clone', () => {
  it('deep-copies weights and config, keeping tied tensors shared within the copy', () => {
    const m = small();
    const c = m.clone();
    expect(c.contentHash()).toBe(m.contentHash());
    expect(c.tied).toBe(true);
    expect(c.embedTokens.weight).not.toBe(m.embedTokens.weight);
    expect(Array.from(c.forward([4, 5, 6]).data)).toEqual(Array.from(m.forward([4, 5, 6]).data));
    c.embedTokens.weight.data[7] += 1;
    (c.getModule('model.layers.0.mlp.up_proj') as Linear).weight.data[0] += 1;
    c.config.ropeTheta = 500000;
    expect(c.contentHash()).not.toBe(m.contentHash());
    expect(m.contentHash()).toBe(small().contentHash());
    expect(m.config.ropeTheta).toBe(10000);
  });

  it('copies hooks as references; handles of the original reach only the original', () => {
    const m = small();
    let n = 0;
    const h = (m.getModule('model.layers.0.self_attn.q_proj') as Linear).registerForwardPreHook(() => void n++);
    const c = m.clone();
    c.forward([1]);
    expect(n).toBe(1);
    h.remove();
    m.forward([1]);
    expect(n).toBe(1);
    c.forward([1]);
    expect(n).toBe(2);
  });

  it('clones registered modules', () => {
    const m = small();
    m.registerModule('model.layers.0.mlp.down_proj', 'R4_input', 'HadamardTransform', { data: { size: 128 } });
    const c = m.clone();
    expect(c.namedModules().map(([n]) => n)).toEqual(m.namedModules().map(([n]) => n));
    expect(c.getModule('model.layers.0.mlp.down_proj.R4_input')).not.toBe(m.getModule('model.layers.0.mlp.down_proj.R4_input'));
  });
});

describe('Model.contentHash', () => {
  it('changes with weights, tying and hook counts (unless asked to ignore hooks)', () => {
    const m = small();
    const h0 = m.contentHash();
    expect(h0).toMatch(/^[0-9a-f]{16}$/);
    const weightsOnly = m.contentHash({ includeHooks: false });
    const handle = (m.getModule('model.layers.1.mlp.down_proj') as Linear).registerForwardPreHook(() => undefined);
    expect(m.contentHash()).not.toBe(h0);
    expect(m.contentHash({ includeHooks: false })).toBe(weightsOnly);
    handle.remove();
    expect(m.contentHash()).toBe(h0);
    const w = (m.getModule('model.layers.1.mlp.down_proj') as Linear).weight;
    w.data[5] = -w.data[5];
    expect(m.contentHash()).not.toBe(h0);
    w.data[5] = -w.data[5];
    expect(m.contentHash()).toBe(h0);
    m.untieWordEmbeddings();
    expect(m.contentHash()).not.toBe(h0);
  });
});
