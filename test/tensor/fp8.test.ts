/**
 * FP8 e4m3 fake quantization, bit for bit against ml_dtypes' float8_e4m3fn cast (the rounding of torch's
 * `.to(torch.float8_e4m3fn)`), fixtures from bench/python/fp8_reference.py.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fakeQuantizeFp8, roundToE4M3 } from '../../src/tensor/kernels/fp8.ts';
import { Tensor } from '../../src/tensor/tensor.ts';

const f = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'fp8', 'cases.json'), 'utf8')) as {
  x: number[]; rows: number; cols: number; tensor: number[][]; channel: number[][]; grid: number[]; grid_e4m3: number[];
};
const plus0 = (a: ArrayLike<number>) => Array.from(a, (v) => v + 0);

describe('FP8 e4m3 = ml_dtypes float8_e4m3fn', () => {
  it('rounding: every multiple of 2⁻³ in [−8, 8] scaled into the e4m3 range (ties, subnormals, saturation)', () => {
    expect(plus0(f.grid.map(roundToE4M3))).toEqual(plus0(f.grid_e4m3));
  });

  it.each([['tensor', 'tensor'], ['channel', 'channel']] as const)('%s fake quantization, float32', (strategy, key) => {
    const x = new Tensor(Float32Array.from(f.x), [f.rows, f.cols]);
    const r = fakeQuantizeFp8(x, strategy);
    expect(plus0(r.value.data)).toEqual(plus0(Float32Array.from(f[key][0])));
    expect(Array.from(r.scales.data)).toEqual(Array.from(Float32Array.from(f[key][1])));
  });
});
