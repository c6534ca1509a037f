import { describe, expect, it } from 'vitest';
import { HadamardOrderError, hadamardMethod, hadamardOfOrder, isHadamard } from '../../src/tensor/index.ts';

// spinquant.md §9: every order the reference ships (1, 2, 4, 8, multiples of 4 up to 256) is constructed.
const ORDERS = [1, 2, ...Array.from({ length: 64 }, (_, i) => 4 * (i + 1))];

describe('hadamardOfOrder', () => {
  it('constructs every multiple of 4 up to 256 (and 1, 2) with H·Hᵀ = n·I exactly', () => {
    const failed: number[] = [];
    for (const n of ORDERS) {
      const h = hadamardOfOrder(n);
      expect(h.n).toBe(n);
      if (!isHadamard(h)) failed.push(n);
    }
    expect(failed).toEqual([]); // no order up to 256 is missing
  });

  it('follows the spec table for the named methods', () => {
    expect(hadamardMethod(32)).toEqual({ kind: 'paley1', q: 31 }); // S5
    expect(hadamardMethod(244)).toEqual({ kind: 'paley1', q: 243 }); // GF(3^5)
    expect(hadamardMethod(28)).toEqual({ kind: 'paley1', q: 27 }); // GF(3^3)
    expect(hadamardMethod(52)).toEqual({ kind: 'paley2', q: 25 }); // GF(5^2)
    expect(hadamardMethod(100)).toEqual({ kind: 'paley2', q: 49 }); // GF(7^2)
    expect(hadamardMethod(172)).toEqual({ kind: 'williamson' });
    expect(hadamardMethod(236)).toEqual({ kind: 'goethals-seidel' });
    expect(hadamardMethod(112)).toEqual({ kind: 'kronecker', factor: 4, rest: 28 });
    expect(hadamardMethod(184)).toEqual({ kind: 'kronecker', factor: 2, rest: 92 });
    expect(hadamardMethod(224)).toEqual({ kind: 'paley1', q: 223 }); // Llama-3-8B's 14336
    expect(hadamardMethod(64)).toEqual({ kind: 'sylvester' });
  });

  it('caches: the same object on the second request', () => {
    expect(hadamardOfOrder(172)).toBe(hadamardOfOrder(172));
  });

  it('rejects orders with no construction, naming the order', () => {
    for (const n of [0, 3, 6, 10, 1.5]) {
      expect(() => hadamardOfOrder(n)).toThrow(HadamardOrderError);
    }
    expect(() => hadamardOfOrder(6)).toThrow(/order 6/);
  });
});
