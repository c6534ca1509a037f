import type { TensorData } from '../tensor.ts';

/**
 * Fast Walsh–Hadamard transform, in place, block-wise on every row: each length-`block` piece `v` of each row
 * becomes `v·S_block·scale` (Sylvester order, symmetric, so also `S·v`). Buffer: `data` [rows, cols] row-major,
 * `block` a power of two dividing `cols`. Allocates nothing. In float32 arrays every butterfly result is
 * rounded to float32 (the array stores it), exactly as the wasm and gpu.js kernels do.
 *
 * This is the plain-TS reference (radix-2 butterflies, stage by stage, per block).
 */
export function fwhtRowsTs(data: TensorData, rows: number, cols: number, block: number, scale = 1): void {
  checkFwht(cols, block);
  const total = rows * cols;
  for (let base = 0; base < total; base += block) {
    for (let h = 1; h < block; h *= 2) {
      for (let i = base; i < base + block; i += 2 * h) {
        for (let j = i; j < i + h; j++) {
          const a = data[j];
          const b = data[j + h];
          data[j] = a + b;
          data[j + h] = a - b;
        }
      }
    }
    if (scale !== 1) for (let j = base; j < base + block; j++) data[j] *= scale;
  }
}

export function checkFwht(cols: number, block: number): void {
  if (!(block > 0 && (block & (block - 1)) === 0)) throw new RangeError(`FWHT block ${block} is not a power of two`);
  if (cols % block !== 0) throw new RangeError(`FWHT block ${block} does not divide ${cols}`);
}
