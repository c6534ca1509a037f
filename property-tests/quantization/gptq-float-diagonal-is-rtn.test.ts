/**
 * GPTQ on the float formats rounds on RTN's grid: with a diagonal Hessian no error reaches another column, so
 * for any weight (with outliers, zeros, partial row blocks), any positive diagonal (any actorder weight
 * permutation), either dtype and every format, GPTQ's weights and scales are RTN's kernel's bit for bit.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gptqQuantize, type GptqOptions } from '../../src/tensor/kernels/gptq.ts';
import { fakeQuantizeNvfp4 } from '../../src/tensor/kernels/fp4.ts';
import { fakeQuantizeFp8 } from '../../src/tensor/kernels/fp8.ts';
import { fakeQuantizeFp8Block, fakeQuantizeFp8Group } from '../../src/tensor/kernels/fp8Block.ts';
import { fakeQuantizeMx } from '../../src/tensor/kernels/mx.ts';
import { Tensor } from '../../src/tensor/tensor.ts';

type Format = 'nvfp4' | 'mxfp4' | 'mxfp8' | 'fp8_group' | 'fp8_block' | 'fp8_channel';

const OPTIONS: Record<Format, Pick<GptqOptions, 'numBits' | 'format' | 'strategy' | 'groupSize' | 'blockStructure'>> = {
  nvfp4: { numBits: 4, format: 'nvfp4', strategy: 'tensor_group', groupSize: 16 },
  mxfp4: { numBits: 4, format: 'mx', strategy: 'group', groupSize: 32 },
  mxfp8: { numBits: 8, format: 'mx', strategy: 'group', groupSize: 32 },
  fp8_group: { numBits: 8, format: 'fp8_group', strategy: 'group', groupSize: 16 },
  fp8_block: { numBits: 8, format: 'fp8_block', strategy: 'block', groupSize: null, blockStructure: [4, 16] },
  fp8_channel: { numBits: 8, format: 'fp8', strategy: 'channel', groupSize: null },
};

function rtn(w: Tensor, f: Format): { value: Tensor; scales: Tensor } {
  switch (f) {
    case 'nvfp4': return fakeQuantizeNvfp4(w, 16);
    case 'mxfp4': return fakeQuantizeMx(w, 4, 32);
    case 'mxfp8': return fakeQuantizeMx(w, 8, 32);
    case 'fp8_group': return fakeQuantizeFp8Group(w, 16);
    case 'fp8_block': return fakeQuantizeFp8Block(w, 4, 16);
    case 'fp8_channel': return fakeQuantizeFp8(w, 'channel');
  }
}

describe('GPTQ with a diagonal Hessian = RTN (float formats)', () => {
  it('weights and scales bit for bit, float32 and float64, actorder none or weight', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<Format>('nvfp4', 'mxfp4', 'mxfp8', 'fp8_group', 'fp8_block', 'fp8_channel'),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 3 }),
        fc.constantFrom<'float32' | 'float64'>('float32', 'float64'),
        fc.constantFrom<'weight' | null>('weight', null),
        fc.infiniteStream(fc.oneof(
          fc.double({ min: -4, max: 4, noNaN: true }),
          fc.double({ min: -300, max: 300, noNaN: true }),
          fc.constant(0),
        )),
        fc.infiniteStream(fc.double({ min: 0.01, max: 100, noNaN: true })),
        (format, rows, groups, dtype, actorder, values, diag) => {
          const cols = 32 * groups;
          const v = values[Symbol.iterator]();
          const w64 = Float64Array.from({ length: rows * cols }, () => v.next().value as number);
          const w = dtype === 'float32' ? Float32Array.from(w64) : w64;
          const d = diag[Symbol.iterator]();
          const h = new Float64Array(cols * cols);
          for (let i = 0; i < cols; i++) h[i * cols + i] = d.next().value as number;
          const g = gptqQuantize(w, rows, cols, h, {
            type: 'float', symmetric: true, actorder, blockSize: 8, dampeningFrac: 0.01, dtype, ...OPTIONS[format],
          });
          const r = rtn(new Tensor(w, [rows, cols]), format);
          expect(Array.from(g.weight)).toEqual(Array.from(r.value.data));
          expect(Array.from(g.scales)).toEqual(Array.from(r.scales.data));
        },
      ),
      { numRuns: 150, seed: 20251130 },
    );
  });
});
