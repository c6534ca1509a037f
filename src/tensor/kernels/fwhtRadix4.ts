import { checkFwht } from './fwht.ts';

/**
 * `fwhtRowsTs` for float64 data with radix-4 butterflies: stages h and 2h fused, so the block is swept half as
 * often. Per element it forms the same sums as the radix-2 reference, `(x0 ± x1) ± (x2 ± x3)`, each held
 * in a double exactly as the Float64Array would store it, so the result is bit-identical (a last radix-2
 * stage when log2(block) is odd). Buffer: `data` [rows, cols] float64, `block` a power of two dividing `cols`.
 * Allocates nothing.
 */
export function fwhtRowsF64(data: Float64Array, rows: number, cols: number, block: number, scale = 1): void {
  checkFwht(cols, block);
  const total = rows * cols;
  for (let base = 0; base < total; base += block) {
    const end = base + block;
    let h = 1;
    for (; 4 * h <= block; h *= 4)
      for (let i = base; i < end; i += 4 * h)
        for (let j = i; j < i + h; j++) {
          const x0 = data[j], x1 = data[j + h], x2 = data[j + 2 * h], x3 = data[j + 3 * h];
          const a = x0 + x1, b = x0 - x1, c = x2 + x3, d = x2 - x3;
          data[j] = a + c;
          data[j + h] = b + d;
          data[j + 2 * h] = a - c;
          data[j + 3 * h] = b - d;
        }
    if (h < block)
      for (let j = base; j < base + h; j++) {
        const a = data[j], b = data[j + h];
        data[j] = a + b;
        data[j + h] = a - b;
      }
    if (scale !== 1) for (let j = base; j < end; j++) data[j] *= scale;
  }
}
