/**
 * The divisor rule of `random-hadamard` (spinquant.md §9): the largest `K ≤ 256` with `n % K = 0` and `n/K` a
 * power of two, among the orders the reference ships (1, 2, 4, 8 and multiples of 4 up to 256). Closed form,
 * `n = 2^a·m`, `m` odd: `m = 1` → `2^min(a, 8)`; `m > 1` → exists iff `a ≥ 2` and `m ≤ 63`, and is `m·2^j` for
 * the largest `j ≤ a` with `m·2^j ≤ 256`. Returns null when there is no K (T17).
 *
 * Examples: 768→192, 1280→160, 11008→172, 14336→224, 18944→148, 172→172, 32→32; none for 3, 6, 10, 13696.
 */
export function randomHadamardBlock(n: number): number | null {
  if (!Number.isInteger(n) || n <= 0) return null;
  let a = 0;
  let m = n;
  while (m % 2 === 0) {
    m /= 2;
    a++;
  }
  if (m === 1) return 2 ** Math.min(a, 8);
  if (a < 2 || m > 63) return null;
  let j = a;
  while (m * 2 ** j > 256) j--;
  return m * 2 ** j;
}
