/**
 * AutoRound's claim at small scale (issue 11, item 5): on random Linear layers with uneven input channels —
 * random bit widths, strategies, symmetry and dtypes — SignRound with every sample in each step ends with an
 * output error on the calibration data no larger than round-to-nearest's (iteration 0 is RTN and the best
 * parameters are kept), and `iters: 0` is RTN exactly.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signRound, type SignRoundOptions } from '../../src/modifiers/autoround/signRound.ts';
import { Rng } from '../../src/tensor/rng.ts';

function outputError(w: ArrayLike<number>, q: ArrayLike<number>, rows: number, cols: number, xs: { x: Float64Array; tokens: number }[]): number {
  let s = 0;
  for (const { x, tokens } of xs)
    for (let t = 0; t < tokens; t++)
      for (let r = 0; r < rows; r++) {
        let d = 0;
        for (let c = 0; c < cols; c++) d += (q[r * cols + c] - w[r * cols + c]) * x[t * cols + c];
        s += d * d;
      }
  return s;
}

describe('SignRound is no worse than RTN on its calibration data', () => {
  it('on random Linear layers', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.constantFrom(2, 3, 4, 8), fc.constantFrom<SignRoundOptions['strategy']>('tensor', 'channel', 'group'),
        fc.boolean(), fc.constantFrom<'float32' | 'float64'>('float32', 'float64'), fc.integer({ min: 1, max: 30 }),
        (seed, bits, strategy, symmetric, dtype, iters) => {
          const rng = new Rng(seed);
          const rows = 4 + rng.int(8);
          const cols = 8 * (1 + rng.int(3));
          const raw = Float64Array.from({ length: rows * cols }, () => 0.05 * rng.normal() * (rng.uniform() < 0.03 ? 10 : 1));
          const w = dtype === 'float32' ? Float32Array.from(raw) : raw;
          const channel = Float64Array.from({ length: cols }, () => Math.exp(rng.normal()));
          const samples = Array.from({ length: 1 + rng.int(4) }, () => {
            const tokens = 2 + rng.int(6);
            return { x: Float64Array.from({ length: tokens * cols }, (_, k) => rng.normal() * channel[k % cols]), tokens };
          });
          const all = samples.map((_, i) => i);
          const options = (n: number): SignRoundOptions => ({
            numBits: bits, symmetric, strategy, groupSize: strategy === 'group' ? 8 : null, iters: n, lr: 1 / Math.max(n, 1),
            minmaxLr: 1 / Math.max(n, 1), batchSize: 8, nextBatch: () => all, dtype,
          });
          const rtn = signRound(w, rows, cols, samples, options(0));
          const tuned = signRound(w, rows, cols, samples, options(iters));
          const eRtn = outputError(w, rtn.weight, rows, cols, samples);
          expect(outputError(w, tuned.weight, rows, cols, samples)).toBeLessThanOrEqual(eRtn * (1 + 1e-9) + 1e-300);
        },
      ),
      { numRuns: 60, seed: 11 },
    );
  });
});
