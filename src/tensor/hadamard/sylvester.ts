import type { SignMatrix } from './signMatrix.ts';

/**
 * Sylvester's construction (spinquant.md §9): `H_1 = [1]`, `H_2k = [[H_k, H_k], [H_k, −H_k]]`.
 * Entry (r, c) is `(−1)^popcount(r & c)`. `n` must be a power of two (callers check).
 */
export function sylvester(n: number): SignMatrix {
  const data = new Int8Array(n * n);
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) data[r * n + c] = popcount(r & c) & 1 ? -1 : 1;
  return { n, data };
}

const sylvesterCheck = new WeakMap<SignMatrix, boolean>();

/**
 * Whether `h` is exactly Sylvester's `H_n` (entry (r, c) = `(−1)^popcount(r & c)`), checked entry by entry
 * once per matrix object and cached (SignMatrix data is never mutated). Order 32 from `hadamardOfOrder` is
 * Paley I (S5), so the order alone does not tell.
 */
export function isSylvester(h: SignMatrix): boolean {
  const hit = sylvesterCheck.get(h);
  if (hit !== undefined) return hit;
  const { n, data } = h;
  let ok = isPowerOfTwo(n) && data.length === n * n;
  for (let r = 0; ok && r < n; r++) for (let c = 0; c < n; c++) if (data[r * n + c] !== (popcount(r & c) & 1 ? -1 : 1)) { ok = false; break; }
  sylvesterCheck.set(h, ok);
  return ok;
}

export function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;
}

function popcount(x: number): number {
  let c = 0;
  while (x) {
    x &= x - 1;
    c++;
  }
  return c;
}
