import { describe, expect, it } from 'vitest';
import { fwhtRowsTs } from '../../src/tensor/index.ts';
import { fwhtRowsF64 } from '../../src/tensor/kernels/fwhtRadix4.ts';
import { randn } from './helpers.ts';

// Tolerance 0: radix-4 forms the radix-2 reference's sums, in the same order, in doubles.
describe('radix-4 float64 FWHT = the radix-2 reference, bit for bit', () => {
  for (const [rows, cols, block] of [[3, 256, 128], [2, 512, 256], [4, 64, 2], [2, 32, 1], [5, 96, 32], [1, 4096, 4096]] as const)
    it(`[${rows}, ${cols}] block ${block}`, () => {
      const x = randn(rows, cols, `r4-${block}`, 'float64');
      const want = x.clone();
      fwhtRowsTs(want.data, rows, cols, block, 1 / Math.sqrt(block));
      fwhtRowsF64(x.data as Float64Array, rows, cols, block, 1 / Math.sqrt(block));
      expect(Array.from(x.data)).toEqual(Array.from(want.data));
    });
});
