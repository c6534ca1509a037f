import { describe, expect, it } from 'vitest';
import { Rng, hadamardColumns, hadamardRows, randomHadamard } from '../../src/tensor/index.ts';
import { randn } from './helpers.ts';

describe('Hadamard apply with consume: same values, the input buffer reused', () => {
  const f = randomHadamard(64, new Rng('consume'));
  it('rows and columns', () => {
    for (const inverse of [false, true]) {
      const x = randn(4, 128, 'x', 'float64');
      const want = hadamardRows(x, f, { inverse });
      const got = hadamardRows(x.clone(), f, { inverse, consume: true });
      expect(Array.from(got.data)).toEqual(Array.from(want.data));
      const w = randn(128, 5, 'w', 'float64');
      const wantC = hadamardColumns(w, f, { inverse });
      const input = w.clone();
      const gotC = hadamardColumns(input, f, { inverse, consume: true });
      expect(gotC.data).toBe(input.data);
      expect(Array.from(gotC.data)).toEqual(Array.from(wantC.data));
    }
  });
});
