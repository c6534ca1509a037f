import { galoisField } from './galoisField.ts';
import type { SignMatrix } from './signMatrix.ts';

/**
 * Paley I (spinquant.md §9), `q ≡ 3 mod 4` a prime power, order `q + 1`: `H = I + S`, `S` with first row
 * `[0, 1, …, 1]`, first column below it all −1, remainder the Jacobsthal matrix `Q[a][b] = χ(a − b)`.
 */
export function paleyI(q: number): SignMatrix {
  if (q % 4 !== 3) throw new RangeError(`Paley I needs q ≡ 3 mod 4, got ${q}`);
  const f = galoisField(q);
  const n = q + 1;
  const data = new Int8Array(n * n);
  for (let r = 0; r < n; r++)
    for (let c = 0; c < n; c++) {
      let s: number;
      if (r === 0) s = c === 0 ? 0 : 1;
      else if (c === 0) s = -1;
      else s = f.chi(f.sub(r - 1, c - 1));
      data[r * n + c] = s + (r === c ? 1 : 0);
    }
  return { n, data };
}

/**
 * Paley II, `q ≡ 1 mod 4` a prime power, order `2(q + 1)`: `C` = first row `[0, 1, …, 1]`, first column 1s,
 * remainder `Q` (symmetric); `H = C ⊗ [[1, −1], [−1, −1]] + I ⊗ [[1, 1], [1, −1]]`.
 */
export function paleyII(q: number): SignMatrix {
  if (q % 4 !== 1) throw new RangeError(`Paley II needs q ≡ 1 mod 4, got ${q}`);
  const f = galoisField(q);
  const m = q + 1;
  const n = 2 * m;
  const c = (r: number, col: number): number => (r === 0 ? (col === 0 ? 0 : 1) : col === 0 ? 1 : f.chi(f.sub(r - 1, col - 1)));
  const A = [[1, -1], [-1, -1]];
  const B = [[1, 1], [1, -1]];
  const data = new Int8Array(n * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < m; j++) {
      const cij = c(i, j);
      for (let a = 0; a < 2; a++)
        for (let b = 0; b < 2; b++) data[(2 * i + a) * n + 2 * j + b] = cij * A[a][b] + (i === j ? B[a][b] : 0);
    }
  return { n, data };
}
