/**
 * NVFP4, MX (MXFP4/MXFP8) and FP8-block fake quantization, bit for bit against bench/python/fp4_reference.py
 * (numpy float32 with ml_dtypes' float4_e2m1fn / float8_e4m3fn casts, rules from compressed-tensors 0.17).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  fakeQuantizeFp8Block, fakeQuantizeFp8Group, fakeQuantizeMx, fakeQuantizeNvfp4, mxScaleExponent, roundToE2M1, roundToE2M1F32, roundToE4M3F32,
} from '../../src/tensor/ops.ts';
import { roundToE4M3 } from '../../src/tensor/kernels/fp8.ts';
import { Tensor } from '../../src/tensor/tensor.ts';
import { Rng } from '../../src/tensor/rng.ts';

type Bits = number[];
const f = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'fp4', 'cases.json'), 'utf8')) as {
  x: Bits; rows: number; cols: number; grid: Bits; grid_e2m1: Bits; grid8: Bits; grid8_e4m3: Bits;
  nvfp4: [Bits, Bits, number]; nvfp4_global: number; nvfp4_given: [Bits, Bits]; mxfp4: [Bits, Bits]; mxfp8: [Bits, Bits];
  w: Bits; w_rows: number; w_cols: number; fp8_block: [Bits, Bits]; fp8_group: [Bits, Bits];
};
/** uint32 bit patterns → float32 values. */
const fl = (bits: Bits) => new Float32Array(Uint32Array.from(bits).buffer);
const single = (bits: number) => fl([bits])[0];
/** Values with −0 folded into +0 (upstream's sign(x)·|q| gives +0 where ml_dtypes keeps −0). */
const plus0 = (a: ArrayLike<number>) => Array.from(a, (v) => v + 0);
const x = () => new Tensor(fl(f.x).slice(), [f.rows, f.cols]);

describe('element rounding = ml_dtypes', () => {
  it('e2m1: every multiple of 1/32 in [−7, 7] (all ties, saturation at ±6)', () => {
    expect(plus0(Array.from(fl(f.grid), (v) => roundToE2M1(Math.max(-6, Math.min(6, v)))))).toEqual(plus0(fl(f.grid_e2m1)));
    expect(plus0(Array.from(fl(f.grid), (v) => roundToE2M1F32(Math.max(-6, Math.min(6, v)))))).toEqual(plus0(fl(f.grid_e2m1)));
  });
  it('e2m1 by bits = the interval table, on the float32 neighbours of every tie and 10⁵ random values', () => {
    const f32 = new Float32Array(1);
    const u32 = new Uint32Array(f32.buffer);
    const near = (v: number, d: number) => ((f32[0] = v), (u32[0] += d), f32[0]);
    const values: number[] = [];
    for (const t of [0.25, 0.75, 1.25, 1.75, 2.5, 3.5, 5]) for (const d of [-2, -1, 0, 1, 2]) values.push(near(t, d), -near(t, d));
    const rng = new Rng(3);
    for (let i = 0; i < 1e5; i++) values.push(Math.fround((rng.uniform() * 2 - 1) * 6));
    expect(values.map(roundToE2M1F32)).toEqual(values.map(roundToE2M1));
  });
  it('e4m3 by bits = e4m3 by logarithm = ml_dtypes float8_e4m3fn', () => {
    const grid = Array.from(fl(f.grid8));
    expect(plus0(grid.map(roundToE4M3F32))).toEqual(plus0(fl(f.grid8_e4m3)));
    expect(plus0(grid.map(roundToE4M3))).toEqual(plus0(fl(f.grid8_e4m3)));
  });
});

describe('NVFP4 (tensor_group 16, FP8 group scales, float32 global scale)', () => {
  it('weights: the tensor’s own global scale', () => {
    const r = fakeQuantizeNvfp4(x(), 16);
    expect(r.globalScale).toBe(single(f.nvfp4[2]));
    expect(Array.from(r.scales.data)).toEqual(Array.from(fl(f.nvfp4[1])));
    expect(plus0(r.value.data)).toEqual(plus0(fl(f.nvfp4[0])));
  });
  it('activations: a given (calibrated) global scale', () => {
    const r = fakeQuantizeNvfp4(x(), 16, single(f.nvfp4_global));
    expect(Array.from(r.scales.data)).toEqual(Array.from(fl(f.nvfp4_given[1])));
    expect(plus0(r.value.data)).toEqual(plus0(fl(f.nvfp4_given[0])));
  });
});

describe('MX (group 32, E8M0 scales)', () => {
  it.each([[4, 'mxfp4'], [8, 'mxfp8']] as const)('%i-bit elements', (bits, key) => {
    const r = fakeQuantizeMx(x(), bits);
    expect(Array.from(r.scales.data)).toEqual(Array.from(fl(f[key][1])));
    expect(plus0(r.value.data)).toEqual(plus0(fl(f[key][0])));
  });
  it('round_to_power_2 rounds the binade up from 1.75 (not from 1.5) and a zero group to E = 0', () => {
    expect(mxScaleExponent(Math.fround(1.74), 4, true)).toBe(127 - 2);
    expect(mxScaleExponent(1.75, 4, true)).toBe(128 - 2);
    expect(mxScaleExponent(0, 4, true)).toBe(0);
    expect(mxScaleExponent(1.75, 8, false)).toBe(128 - 8);
  });
});

describe('FP8 block and group', () => {
  it('weights: 128×128 blocks with zero padding (129×132: partial blocks)', () => {
    const r = fakeQuantizeFp8Block(new Tensor(fl(f.w).slice(), [f.w_rows, f.w_cols]), 128, 128);
    expect(r.scales.shape).toEqual([2, 2]);
    expect(Array.from(r.scales.data)).toEqual(Array.from(fl(f.fp8_block[1])));
    expect(plus0(r.value.data)).toEqual(plus0(fl(f.fp8_block[0])));
  });
  it('activations: groups of 32 along the last dimension', () => {
    const r = fakeQuantizeFp8Group(x(), 32);
    expect(Array.from(r.scales.data)).toEqual(Array.from(fl(f.fp8_group[1])));
    expect(plus0(r.value.data)).toEqual(plus0(fl(f.fp8_group[0])));
  });
});
