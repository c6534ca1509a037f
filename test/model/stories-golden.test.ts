import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generateGreedy, loadModel } from '../../src/model/index.ts';
import { STORIES, STORIES_GREEDY_20, maxAbsDiff, referenceForward } from './helpers.ts';

const hasNumpy = spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;

describe('stories260K golden (temperature 0)', () => {
  it('greedy generation from BOS is deterministic and matches the known-good tokens', async () => {
    const model = await loadModel(STORIES);
    const a = generateGreedy(model, [1], 20);
    const b = generateGreedy(await loadModel(STORIES), [1], 20);
    expect(a).toEqual(b);
    expect(a).toEqual(STORIES_GREEDY_20);
  });

  it('matches a plain nested-loop port of run.c within 1e-4 at every position', async () => {
    const model = await loadModel(STORIES);
    const tokens = STORIES_GREEDY_20.slice(0, 12);
    const ref = referenceForward(STORIES, tokens);
    const logits = model.forward(tokens);
    expect(logits.shape).toEqual([12, 512]);
    expect(logits.dtype).toBe('float32');
    for (let t = 0; t < tokens.length; t++) {
      expect(maxAbsDiff(logits.data.subarray(t * 512, (t + 1) * 512), ref[t])).toBeLessThan(1e-4);
    }
  });

  it.skipIf(!hasNumpy)('matches the numpy port of run.c (python3 + numpy present)', async () => {
    const script = fileURLToPath(new URL('./fixtures/llama2c_ref.py', import.meta.url));
    const out = JSON.parse(execFileSync('python3', [script, STORIES, '20'], { encoding: 'utf8' })) as {
      tokens: number[]; logits0: number[]; logits_last: number[];
    };
    expect(out.tokens).toEqual(STORIES_GREEDY_20);
    const model = await loadModel(STORIES);
    const logits = model.forward(out.tokens.slice(0, 20));
    expect(maxAbsDiff(logits.data.subarray(0, 512), out.logits0)).toBeLessThan(1e-4);
    expect(maxAbsDiff(logits.data.subarray(19 * 512, 20 * 512), out.logits_last)).toBeLessThan(1e-4);
  });
});
