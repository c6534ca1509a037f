/**
 * AWQ's claim at small scale (issue 11, item 5): on random layers — a Linear parent with activation outliers,
 * random bit widths, group sizes, symmetry, n_grid and duo_scaling — the search's chosen loss is never above
 * the loss of identity scales (ratio 0 without duo, always in upstream's grid).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeBestScales } from '../../src/modifiers/awq/bestScales.ts';
import { Linear } from '../../src/model/modules.ts';
import { linear } from '../../src/tensor/ops.ts';
import { Tensor } from '../../src/tensor/tensor.ts';
import { Rng } from '../../src/tensor/rng.ts';

describe('AWQ picks scales no worse than identity', () => {
  it('on random Linear layers', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.constantFrom(2, 3, 4, 8), fc.constantFrom(null, 4, 8), fc.boolean(),
        fc.integer({ min: 4, max: 12 }), fc.constantFrom<boolean | 'both'>(true, false, 'both'), fc.constantFrom<'float32' | 'float64'>('float32', 'float64'),
        (seed, bits, group, symmetric, nGrid, duo, dtype) => {
          const rng = new Rng(seed);
          const cols = 16, rows = 6, tokens = 9;
          const outlier = Array.from({ length: cols }, () => Math.exp(1.5 * rng.normal()));
          const A = dtype === 'float32' ? Float32Array : Float64Array;
          const w = new Tensor(A.from(Array.from({ length: rows * cols }, () => rng.normal())), [rows, cols]);
          const inputs = [0, 1].map(() => new Tensor(A.from(Array.from({ length: tokens * cols }, (_, i) => rng.normal() * outlier[i % cols])), [tokens, cols]));
          const layer = new Linear('l', w);
          const xSum = new Float64Array(cols);
          for (const x of inputs) x.data.forEach((v, i) => (xSum[i % cols] += Math.abs(v)));
          const args = { numBits: bits, type: 'int' as const, strategy: group === null ? 'channel' as const : 'group' as const, groupSize: group, symmetric, dynamic: false, actorder: null, observer: 'memoryless_minmax' };
          const r = computeBestScales({ balance: [{ layer, args }], xSum, tokens: 2 * tokens, inputs, run: (x) => linear(x, layer.weight), nGrid, duoScaling: duo, warn: () => {} });
          const identity = r.history.find((h) => h.ratio === 0 && !h.duo)!;
          expect(r.bestError).toBeLessThanOrEqual(identity.error);
          expect(layer.weight).toBe(w);
        },
      ),
      { numRuns: 200, seed: 2306 },
    );
  });
});
