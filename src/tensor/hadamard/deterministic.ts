import { NonPositiveHadamardError, NonPowerOfTwoHadamardError } from './errors.ts';
import { RuntimeError } from '../../core/errors.ts';
import { verifiedHadamard, type SignMatrix } from './signMatrix.ts';
import { isPowerOfTwo, sylvester } from './sylvester.ts';

const cache = new Map<number, SignMatrix>();

/**
 * The `hadamard` transform's matrix: Sylvester `H_n` (±1, unnormalised; `/√n` is applied at transform time).
 * @throws {NonPositiveHadamardError} T16 when `n ≤ 0`.
 * @throws {NonPowerOfTwoHadamardError} T12 when `n` is not a power of two.
 */
export function deterministicHadamard(n: number): SignMatrix {
  checkDeterministicSize(n);
  const hit = cache.get(n);
  if (hit) return hit;
  const h = sylvester(n);
  if (n <= 512) verifiedHadamard(h, 'Sylvester construction');
  else verifyDoubling(h, deterministicHadamard(n / 2));
  cache.set(n, h);
  return h;
}

/** The size checks of `deterministicHadamard` without building the matrix (T16, then T12). */
export function checkDeterministicSize(n: number): void {
  if (n <= 0) throw new NonPositiveHadamardError();
  if (!isPowerOfTwo(n)) throw new NonPowerOfTwoHadamardError();
}

/**
 * Exact check for large orders without the O(n³) product: `h` must equal `[[g, g], [g, −g]]` entry by entry,
 * with `g` an already verified Hadamard matrix (a Kronecker product of Hadamard matrices is Hadamard).
 */
function verifyDoubling(h: SignMatrix, g: SignMatrix): void {
  const m = g.n;
  const n = h.n;
  for (let r = 0; r < n; r++)
    for (let c = 0; c < n; c++) {
      const sign = r >= m && c >= m ? -1 : 1;
      if (h.data[r * n + c] !== sign * g.data[(r % m) * m + (c % m)]) {
        throw new RuntimeError(`Sylvester construction did not produce a Hadamard matrix of order ${n}; this should never happen`);
      }
    }
}
