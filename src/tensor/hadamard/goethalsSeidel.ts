import type { SignMatrix } from './signMatrix.ts';
import { GOETHALS_SEIDEL_ROWS, circulant, placeBlocks } from './williamson.ts';

/**
 * Goethals–Seidel array (order 4m) from circulants A, B, C, D and the back-diagonal identity R
 * (`R[i][j] = 1` iff `i + j = m − 1`):
 * `[[A, BR, CR, DR], [−BR, A, −DᵀR, CᵀR], [−CR, DᵀR, A, −BᵀR], [−DR, −CᵀR, BᵀR, A]]` (spinquant.md §9).
 */
export function goethalsSeidel(order: number): SignMatrix {
  const rows = GOETHALS_SEIDEL_ROWS[order];
  if (!rows) throw new RangeError(`no Goethals–Seidel parameters for order ${order}`);
  const m = order / 4;
  const [A, B, C, D] = rows.map(circulant);
  // (X·R)[r][c] = X[r][m−1−c]; (Xᵀ·R)[r][c] = X[m−1−c][r]
  const plain = (X: Int8Array) => (r: number, c: number) => X[r * m + c];
  const xr = (X: Int8Array, s: number) => (r: number, c: number) => s * X[r * m + (m - 1 - c)];
  const xtr = (X: Int8Array, s: number) => (r: number, c: number) => s * X[(m - 1 - c) * m + r];
  return placeBlocks(m, [
    [plain(A), xr(B, 1), xr(C, 1), xr(D, 1)],
    [xr(B, -1), plain(A), xtr(D, -1), xtr(C, 1)],
    [xr(C, -1), xtr(D, 1), plain(A), xtr(B, -1)],
    [xr(D, -1), xtr(C, -1), xtr(B, 1), plain(A)],
  ]);
}
