import { describe, expect, it } from 'vitest';
import { Rng, randomOrthogonal, randomUniformMatrix } from '../../src/tensor/index.ts';
import { maxAbsDiff } from './helpers.ts';

describe('random matrices', () => {
  it('randomOrthogonal: Q·Qᵀ = I within 1e-12 (n = 1, 7, 64)', () => {
    for (const n of [1, 7, 64]) {
      const q = randomOrthogonal(n, new Rng(`o${n}`));
      const qqt = new Float64Array(n * n);
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let k = 0; k < n; k++) s += q[i * n + k] * q[j * n + k];
          qqt[i * n + j] = s;
        }
      const eye = new Float64Array(n * n);
      for (let i = 0; i < n; i++) eye[i * n + i] = 1;
      expect(maxAbsDiff(qqt, eye)).toBeLessThan(1e-12);
    }
  });

  it('randomUniformMatrix (upstream random-matrix): entries in [0, 1), not orthogonal', () => {
    const m = randomUniformMatrix(16, new Rng('u'));
    expect(Math.min(...m)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...m)).toBeLessThan(1);
    let diag = 0;
    for (let k = 0; k < 16; k++) diag += m[k] * m[k];
    expect(Math.abs(diag - 1)).toBeGreaterThan(1e-3);
  });

  it('the same seed gives the same matrix', () => {
    expect(randomOrthogonal(8, new Rng(3))).toEqual(randomOrthogonal(8, new Rng(3)));
    expect(randomUniformMatrix(8, new Rng(3))).toEqual(randomUniformMatrix(8, new Rng(3)));
    expect(randomUniformMatrix(8, new Rng(3))).not.toEqual(randomUniformMatrix(8, new Rng(4)));
  });
});
