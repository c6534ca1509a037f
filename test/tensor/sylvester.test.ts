import { describe, expect, it } from 'vitest';
import { ValueError } from '../../src/core/errors.ts';
import { deterministicHadamard, isHadamard } from '../../src/tensor/index.ts';

describe('deterministicHadamard (Sylvester)', () => {
  it('H_4 rows are exactly the spec rows', () => {
    const h = deterministicHadamard(4);
    expect(Array.from(h.data)).toEqual([1, 1, 1, 1, 1, -1, 1, -1, 1, 1, -1, -1, 1, -1, -1, 1]);
  });

  it('is Hadamard and symmetric for powers of two (1 … 1024)', () => {
    for (let n = 1; n <= 1024; n *= 2) {
      const h = deterministicHadamard(n);
      if (n <= 256) expect(isHadamard(h)).toBe(true);
      for (let r = 0; r < n; r += 7) for (let c = 0; c < n; c += 5) expect(h.data[r * n + c]).toBe(h.data[c * n + r]);
    }
  });

  it('T16 verbatim for n ≤ 0', () => {
    for (const n of [0, -4]) {
      expect(() => deterministicHadamard(n)).toThrow(ValueError);
      expect(() => deterministicHadamard(n)).toThrow(/^Cannot construct deterministic hadamard of size <= 0$/);
    }
  });

  it('T12 verbatim for non powers of two', () => {
    for (const n of [3, 12, 172, 14336]) {
      expect(() => deterministicHadamard(n)).toThrow(ValueError);
      expect(() => deterministicHadamard(n)).toThrow(/^Cannot construct deterministic hadamard of size != 2\^n$/);
    }
  });
});

describe('sylvesterFactor', () => {
  it('validates like deterministicHadamard without building the matrix', async () => {
    const { sylvesterFactor } = await import('../../src/tensor/index.ts');
    expect(sylvesterFactor(1 << 20).k).toBe(1); // a 2^40-entry matrix would not fit: never built
    expect(() => sylvesterFactor(0)).toThrow(/^Cannot construct deterministic hadamard of size <= 0$/);
    expect(() => sylvesterFactor(12)).toThrow(/^Cannot construct deterministic hadamard of size != 2\^n$/);
  });
});
