/**
 * The MSE observers' claim at small scale: the range the grid search picks never quantizes a slice worse (in
 * Σ|x̂ − x|^norm, importance-weighted for imatrix) than min-max's full range, which is its first candidate;
 * and the picked range is p·(min, max) for some p on the grid.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gridOptions, gridSearchRange } from '../../src/modifiers/quantization/observers/gridSearch.ts';
import { sliceQdq } from '../../src/modifiers/quantization/observers/mseWeights.ts';
import type { QuantizationArgs } from '../../src/modifiers/quantization/presets.ts';

const args = (numBits: number, symmetric: boolean, type: 'int' | 'float'): QuantizationArgs => ({
  numBits, type, strategy: 'channel', groupSize: null, symmetric, dynamic: false, actorder: null, observer: 'memoryless_mse',
});

const error = (q: ArrayLike<number>, x: ArrayLike<number>, norm: number, w?: Float64Array) => {
  let e = 0;
  for (let j = 0; j < x.length; j++) e += Math.abs(Math.fround(q[j] - x[j])) ** norm * (w ? w[j] : 1);
  return e;
};

describe('grid search ≤ min-max', () => {
  it('for int 2–8 bits (sym/asym) and FP8, mse and imatrix variants', () => {
    fc.assert(
      fc.property(
        fc.array(fc.float({ min: -50, max: 50, noNaN: true, noDefaultInfinity: true }), { minLength: 2, maxLength: 40 }),
        fc.integer({ min: 2, max: 8 }),
        fc.boolean(),
        fc.constantFrom<'int' | 'float'>('int', 'float'),
        fc.constantFrom<'mse' | 'imatrix'>('mse', 'imatrix'),
        (vals, bits, sym, type, kind) => {
          const a = args(type === 'float' ? 8 : bits, type === 'float' ? true : sym, type);
          const values = Float32Array.from(vals);
          const importance = kind === 'imatrix' ? Float64Array.from(values, (_, j) => 0.5 + (j % 3)) : undefined;
          const qdq = sliceQdq(a, 'float32');
          const o = gridOptions(kind);
          const { lo, hi } = gridSearchRange([{ values, ...(importance ? { importance } : {}) }], qdq, 'float32', o);
          let min = Infinity;
          let max = -Infinity;
          for (const v of values) {
            min = Math.min(min, v);
            max = Math.max(max, v);
          }
          const picked = error(qdq(values, lo[0], hi[0]), values, o.norm, importance);
          const full = error(qdq(values, min, max), values, o.norm, importance);
          expect(picked).toBeLessThanOrEqual(full);
          const steps = kind === 'mse' ? Math.trunc(o.maxshrink * o.grid) : Math.max(1, Math.trunc(o.maxshrink * o.grid)) + 1;
          const onGrid = Array.from({ length: steps }, (_, i) => Math.fround(1 - i / o.grid)).some(
            (p) => lo[0] === Math.fround(p * min) && hi[0] === Math.fround(p * max),
          );
          expect(onGrid).toBe(true);
        },
      ),
      { seed: 20261130, numRuns: 200 },
    );
  });
});
