import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/model/index.ts';
import { STORIES } from './helpers.ts';
import { small } from './small.ts';

describe('tied word embeddings', () => {
  it('share one Tensor object between embed_tokens and lm_head while tied', async () => {
    for (const m of [await loadModel(STORIES), small()]) {
      expect(m.config.tieWordEmbeddings).toBe(true);
      expect(m.tied).toBe(true);
      expect(m.lmHead.weight).toBe(m.embedTokens.weight);
      m.embedTokens.weight.data[0] = 42;
      expect(m.lmHead.weight.data[0]).toBe(42);
    }
  });

  it('untieWordEmbeddings gives each its own equal copy and clears the config flag', () => {
    const m = small();
    const before = m.forward([1, 2, 3]);
    const old = m.embedTokens.weight;
    m.untieWordEmbeddings();
    expect(m.tied).toBe(false);
    expect(m.config.tieWordEmbeddings).toBe(false);
    expect(m.embedTokens.weight).not.toBe(old);
    expect(m.lmHead.weight).not.toBe(old);
    expect(Array.from(m.lmHead.weight.data)).toEqual(Array.from(old.data));
    expect(Array.from(m.forward([1, 2, 3]).data)).toEqual(Array.from(before.data));
    m.lmHead.weight.data[0] += 1;
    expect(m.embedTokens.weight.data[0]).toBe(old.data[0]);
    // untying an untied model copies again (upstream S15)
    const lm = m.lmHead.weight;
    m.untieWordEmbeddings();
    expect(m.lmHead.weight).not.toBe(lm);
    expect(Array.from(m.lmHead.weight.data)).toEqual(Array.from(lm.data));
  });
});
