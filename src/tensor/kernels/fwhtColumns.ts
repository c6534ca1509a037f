import type { TensorData } from '../tensor.ts';
import { checkFwht } from './fwht.ts';

/** Columns per tile: a tile of `block` rows × COLS_PER_TILE float64 stays in L2 (128 rows → 64 KiB). */
const COLS_PER_TILE = 64;

/**
 * Fast Walsh–Hadamard transform down the columns, in place: every length-`block` piece `v` of every column
 * (rows r0…r0+block−1, `block | rows`) becomes `S_block·v·scale`. The column-side twin of `fwhtRowsTs`: each
 * butterfly combines two whole rows, so nothing is transposed; per element it performs the same additions in
 * the same order as `fwhtRowsTs` on the transpose, so results are bit-identical to it (float32 arrays round
 * every butterfly, as there). Buffer: `data` [rows, cols] row-major. Tiled by COLS_PER_TILE columns so a
 * block's stages run in cache. Allocates nothing.
 */
export function fwhtColumnsTs(data: TensorData, rows: number, cols: number, block: number, scale = 1): void {
  checkFwht(rows, block);
  for (let r0 = 0; r0 < rows; r0 += block)
    for (let c0 = 0; c0 < cols; c0 += COLS_PER_TILE) {
      const c1 = Math.min(c0 + COLS_PER_TILE, cols);
      for (let h = 1; h < block; h *= 2)
        for (let i = r0; i < r0 + block; i += 2 * h)
          for (let j = i; j < i + h; j++) {
            const pa = j * cols, pb = (j + h) * cols;
            for (let c = c0; c < c1; c++) {
              const a = data[pa + c];
              const b = data[pb + c];
              data[pa + c] = a + b;
              data[pb + c] = a - b;
            }
          }
      if (scale !== 1) for (let r = r0; r < r0 + block; r++) for (let c = r * cols + c0, e = r * cols + c1; c < e; c++) data[c] *= scale;
    }
}
