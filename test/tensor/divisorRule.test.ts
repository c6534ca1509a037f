import { describe, expect, it } from 'vitest';
import { ValueError } from '../../src/core/errors.ts';
import { Rng, randomHadamard, randomHadamardBlock } from '../../src/tensor/index.ts';

/** Brute force of the reference's rule: the largest shipped order K with n % K = 0 and n/K a power of two. */
function bruteForce(n: number): number | null {
  const shipped = [1, 2, 4, 8, ...Array.from({ length: 62 }, (_, i) => 12 + 4 * i)];
  let best: number | null = null;
  for (const k of shipped) {
    if (n % k !== 0) continue;
    const q = n / k;
    if ((q & (q - 1)) === 0) best = k;
  }
  return best;
}

describe('randomHadamardBlock (divisor rule)', () => {
  it('gives the spec examples', () => {
    const examples: [number, number | null][] = [
      [768, 192], [1280, 160], [11008, 172], [14336, 224], [18944, 148], [172, 172], [32, 32],
      [3, null], [6, null], [10, null], [13696, null],
    ];
    for (const [n, k] of examples) expect(randomHadamardBlock(n)).toBe(k);
  });

  it('closed form equals the brute-force rule for n = 1 … 20000', () => {
    for (let n = 1; n <= 20000; n++) expect(randomHadamardBlock(n)).toBe(bruteForce(n));
  });

  it('T17 verbatim when there is no K', () => {
    for (const n of [3, 6, 10, 13696]) {
      expect(() => randomHadamard(n, new Rng(1))).toThrow(ValueError);
      expect(() => randomHadamard(n, new Rng(1))).toThrow(new RegExp(`^Cannot construct random hadamard matrix of size ${n}$`));
    }
  });
});
