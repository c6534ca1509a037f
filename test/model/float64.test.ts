import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/model/index.ts';
import { STORIES, maxAbsDiff } from './helpers.ts';
import { small } from './small.ts';

describe('float64 weights', () => {
  it('compute in float64 and return float64 logits matching the float32 pass', async () => {
    for (const m of [await loadModel(STORIES), small()]) {
      const tokens = [1, 7, 9, 3, 2];
      const f32 = m.forward(tokens);
      const m64 = m.clone().to('float64');
      expect(m64.dtype).toBe('float64');
      expect(m64.tied).toBe(m.tied);
      const f64 = m64.forward(tokens);
      expect(f64.dtype).toBe('float64');
      expect(maxAbsDiff(f32.data, f64.data)).toBeLessThan(1e-4);
      expect(m64.contentHash()).not.toBe(m.contentHash());
      // one float64 weight is enough to switch the pass to float64
      const mixed = m.clone();
      mixed.untieWordEmbeddings();
      mixed.lmHead.weight = mixed.lmHead.weight.to('float64');
      expect(mixed.forward(tokens).dtype).toBe('float64');
    }
  });
});
