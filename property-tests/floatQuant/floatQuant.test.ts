/**
 * The float formats' fake quantization (NVFP4, MXFP4/MXFP8, FP8 group/block/channel/token/tensor/static) on
 * both backends — the WebAssembly-SIMD kernels and the TypeScript loops — equals the scalar reference
 * (reference.ts) bit for bit, values and scales, −0 and NaN included (Object.is), on random shapes and data
 * mixing normal values with the edge cases: zeros of both signs, NaN, ±∞, subnormals, float32's extremes,
 * exact ties of the element grids at power-of-two scales, whole zero groups; float32 and float64. Shapes
 * leave groups over from the four-group kernels; the wasm runtime's chunks, worker pool and in-place use are
 * exercised with small chunks in wasmChunks.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  fakeQuantizeFp8, fakeQuantizeFp8Block, fakeQuantizeFp8Group, fakeQuantizeFp8Static, fakeQuantizeMx, fakeQuantizeNvfp4, nvfp4GlobalScale, dataRange,
} from '../../src/tensor/ops.ts';
import { roundToE4M3 } from '../../src/tensor/kernels/fp8.ts';
import { Tensor } from '../../src/tensor/tensor.ts';
import { data, same } from './data.ts';
import { e4m3, fp8BlockReference, fp8GroupReference, fp8RowsReference, fp8StaticReference, mxReference, nvfp4Reference } from './reference.ts';

const BACKENDS = ['ts', 'wasm'] as const;

function expectSame(got: { value: Tensor; scales: Tensor }, want: { value: Tensor; scales: Tensor }): void {
  expect(same(got.scales.data, want.scales.data)).toBe(true);
  expect(same(got.value.data, want.value.data)).toBe(true);
  expect(got.value.dtype).toBe(want.value.dtype);
}

const dataArgs = {
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  edge: fc.constantFrom(0, 0.002, 0.05, 0.3),
  ties: fc.constantFrom(0, 0.2, 0.9),
  exp: fc.integer({ min: -140, max: 120 }),
  dtype: fc.constantFrom<'float32' | 'float64'>('float32', 'float32', 'float64'),
};
/** rows × (groupSize·k): sometimes large enough to cross chunks. */
const grouped = (sizes: number[]) => fc.record({
  ...dataArgs,
  groupSize: fc.constantFrom(...sizes),
  rows: fc.oneof(fc.integer({ min: 1, max: 7 }), fc.constantFrom(129, 263)),
  k: fc.integer({ min: 1, max: 9 }),
});
const tensorOf = (p: { rows: number; groupSize: number; k: number; seed: number; edge: number; ties: number; exp: number; dtype: 'float32' | 'float64' }) =>
  new Tensor(data(p.rows * p.groupSize * p.k, p.seed, p.edge, p.ties, p.exp, p.dtype), [p.rows, p.groupSize * p.k]);

describe('float fake quantization = the scalar reference, on both backends', () => {
  it('NVFP4: the tensor’s own global scale and given ones (float32 values or not)', () => {
    fc.assert(fc.property(grouped([4, 8, 16, 32, 48]), fc.constantFrom<'own' | number>('own', 1, 2688, Math.fround(1e30), 0.1, 3e-39), (p, given) => {
      const x = tensorOf(p);
      const { lo, hi } = dataRange(x.data);
      const g = given === 'own' ? nvfp4GlobalScale(lo, hi, x.dtype) : given;
      const want = nvfp4Reference(x, p.groupSize, g);
      for (const backend of BACKENDS) {
        const got = fakeQuantizeNvfp4(x, p.groupSize, given === 'own' ? undefined : given, { backend });
        expectSame(got, want);
        expect(got.globalScale).toBe(g);
      }
    }), { numRuns: 60 });
  });

  it('MXFP4 and MXFP8', () => {
    fc.assert(fc.property(grouped([4, 16, 32, 64]), fc.constantFrom<4 | 8>(4, 8), (p, bits) => {
      const x = tensorOf(p);
      const want = mxReference(x, bits, p.groupSize);
      for (const backend of BACKENDS) expectSame(fakeQuantizeMx(x, bits, p.groupSize, { backend }), want);
    }), { numRuns: 60 });
  });

  it('FP8 groups', () => {
    fc.assert(fc.property(grouped([4, 16, 32, 128]), (p) => {
      const x = tensorOf(p);
      const want = fp8GroupReference(x, p.groupSize);
      for (const backend of BACKENDS) expectSame(fakeQuantizeFp8Group(x, p.groupSize, { backend }), want);
    }), { numRuns: 40 });
  });

  it('FP8 blocks, partial blocks at the edges included', () => {
    const args = fc.record({
      ...dataArgs, rows: fc.integer({ min: 1, max: 70 }), cols: fc.integer({ min: 1, max: 70 }),
      br: fc.constantFrom(1, 4, 16, 32, 128), bc: fc.constantFrom(3, 4, 8, 16, 32, 128),
    });
    fc.assert(fc.property(args, (p) => {
      const cols = p.cols * (p.seed % 2 === 0 ? 4 : 1);
      const w = new Tensor(data(p.rows * cols, p.seed, p.edge, p.ties, p.exp, p.dtype), [p.rows, cols]);
      const want = fp8BlockReference(w, p.br, p.bc);
      for (const backend of BACKENDS) expectSame(fakeQuantizeFp8Block(w, p.br, p.bc, { backend }), want);
    }), { numRuns: 60 });
  });

  it('FP8 per channel, per token, per tensor, and static', () => {
    const args = fc.record({ ...dataArgs, rows: fc.oneof({ arbitrary: fc.integer({ min: 1, max: 40 }), weight: 6 }, { arbitrary: fc.constant(300), weight: 1 }), cols: fc.integer({ min: 1, max: 600 }) });
    fc.assert(fc.property(args, fc.constantFrom<'tensor' | 'channel' | 'token'>('tensor', 'channel', 'token'), (p, strategy) => {
      const x = new Tensor(data(p.rows * p.cols, p.seed, p.edge, p.ties, p.exp, p.dtype), [p.rows, p.cols]);
      const want = fp8RowsReference(x, strategy === 'tensor' ? 1 : p.rows);
      for (const backend of BACKENDS) {
        expectSame(fakeQuantizeFp8(x, strategy, { backend }), want);
        const scale = want.scales.data[0];
        expect(same(fakeQuantizeFp8Static(x, scale, { backend }).data, fp8StaticReference(x, scale).data)).toBe(true);
      }
    }), { numRuns: 60 });
  });
});

describe('dataRange (the NVFP4 global scale’s observation) on both backends', () => {
  it('equals the sequential loop, NaN ignored and a zero extreme with the sign of the first zero', () => {
    const args = fc.record({ ...dataArgs, n: fc.oneof(fc.integer({ min: 0, max: 40 }), fc.constantFrom(16387, 40001)), positive: fc.boolean() });
    fc.assert(fc.property(args, (p) => {
      const x = data(p.n, p.seed, p.edge, p.ties, p.exp, p.dtype).map((v) => (p.positive ? Math.abs(v) * (Object.is(v, -0) ? -1 : 1) : v));
      let lo = Infinity;
      let hi = -Infinity;
      for (const v of x) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      for (const backend of BACKENDS) {
        const r = dataRange(x, { backend });
        expect(Object.is(r.lo, lo) && Object.is(r.hi, hi)).toBe(true);
      }
    }), { numRuns: 80 });
  });
});

describe('roundToE4M3 (float64 bits, no logarithm) = the reference e4m3', () => {
  it('on doubles in [−448, 448] of every magnitude, grid ties and their neighbours, ±0 and NaN', () => {
    const value = fc.oneof(
      fc.double({ min: -448, max: 448 }),
      fc.tuple(fc.integer({ min: -15, max: 15 }), fc.integer({ min: -9, max: 8 }), fc.constantFrom(-1, 0, 1)).map(([k, e, d]) => {
        const tie = (k + 0.5) * 2 ** (e - 3); // halfway between two e4m3 neighbours (subnormal steps included)
        return Math.max(-448, Math.min(448, d === 0 ? tie : tie + d * Math.abs(tie) * 2 ** -52));
      }),
      fc.constantFrom(0, -0, NaN, 2 ** -10, -(2 ** -10), 2 ** -1074, 464, -464),
    );
    fc.assert(fc.property(value, (v) => {
      const a = Math.max(-448, Math.min(448, v));
      expect(Object.is(roundToE4M3(Number.isNaN(v) ? v : a), e4m3(Number.isNaN(v) ? v : a, true))).toBe(true);
    }), { numRuns: 3000 });
  });
});
