import { describe, expect, it } from 'vitest';
import { Tensor, fakeQuantize, type DType } from '../../src/tensor/index.ts';
import { randn } from './helpers.ts';
import { fakeQuantizeReference } from './reference/fakeQuantReference.ts';

/** Bit patterns, so −0 ≠ +0 and NaN = NaN. */
const bits = (t: Tensor): number[] => Array.from(new Uint32Array(t.data.buffer, t.data.byteOffset, t.data.byteLength / 4));

/** Normals plus the awkward values: ±0, exact ties (k + ½)·scale after the row's absmax, NaN, clipped extremes. */
function awkward(rows: number, cols: number, dtype: DType): Tensor {
  const t = randn(rows, cols, `fq-${dtype}`, dtype);
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    t.data[o] = 7.5; // absmax: symmetric 4-bit scale = 1, so k + ½ below are exact ties
    for (let j = 1; j < 24; j++) t.data[o + j] = (j % 2 ? -1 : 1) * ((j >> 1) - 8 + 0.5);
    t.data[o + 24] = -0;
    t.data[o + 25] = 0;
    t.data[o + 26] = -1e-30;
    t.data[o + 27] = -0.4999;
    if (i === rows - 1) t.data[o + 28] = NaN;
  }
  return t;
}

describe('fakeQuantize kernel = the plain §10 reference, bit for bit (tolerance 0)', () => {
  for (const dtype of ['float32', 'float64'] as const)
    for (const [numBits, symmetric, strategy, groupSize] of [
      [4, true, 'channel', undefined], [4, false, 'channel', undefined], [4, true, 'group', 16], [4, false, 'group', 24],
      [8, true, 'token', undefined], [8, false, 'group', 7], [2, false, 'channel', undefined],
    ] as const)
      it(`${dtype} ${numBits}-bit ${symmetric ? 'sym' : 'asym'} ${strategy}${groupSize ? ` g${groupSize}` : ''}`, () => {
        const w = awkward(6, 96, dtype);
        const opts = { numBits, symmetric, strategy, groupSize };
        const got = fakeQuantize(w, opts);
        const want = fakeQuantizeReference(w, opts);
        expect(bits(got.value)).toEqual(bits(want.value));
        expect(bits(got.scales)).toEqual(bits(want.scales));
        expect(Array.from(got.zeroPoints)).toEqual(Array.from(want.zeroPoints));
      });
});
