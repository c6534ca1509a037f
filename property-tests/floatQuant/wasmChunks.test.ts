/**
 * The WebAssembly runtime of the float fake quantization (src/tensor/wasm/floatQuant.ts) equals the scalar
 * reference bit for bit however it splits the work: chunks small enough that a tensor spans many of them (a
 * chunk size that does not divide the groups, the last chunk short), on the calling thread and on worker pools
 * of 2 and 3 (each worker with jobs queued), and in place (`dst` the same array as `src`); FP8 per tensor's
 * amax (NaN-propagating) and the data range at any length. Data: the edge
 * values of data.ts (NaN, ±∞, ±0, subnormals, grid ties), group sizes that leave vectors over from the
 * four-vector loops and groups over from the four-group kernels.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Tensor } from '../../src/tensor/tensor.ts';
import { absMaxWasm, e4m3Wasm, floatQuantWasmSupported, fp8BlockWasm, groupsWasm, rangeWasm, type GroupKernel } from '../../src/tensor/wasm/floatQuant.ts';
import { data, same } from './data.ts';
import { fp8BlockReference, fp8GroupReference, fp8RowsReference, fp8StaticReference, mxReference, nvfp4Reference } from './reference.ts';

const dataArgs = {
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  edge: fc.constantFrom(0, 0.01, 0.3),
  ties: fc.constantFrom(0, 0.5),
  exp: fc.integer({ min: -140, max: 120 }),
};
/** Floats per chunk (the runtime's is 2¹⁸) and threads: 1 = the calling thread, more = a worker pool. */
const split = { chunk: fc.constantFrom(4, 60, 256, 1000, 4100), threads: fc.constantFrom(1, 2, 3), inPlace: fc.boolean() };

const reference = (kernel: GroupKernel, x: Tensor, groupSize: number, g: number) =>
  kernel === 'nvfp4' ? nvfp4Reference(x, groupSize, g)
    : kernel === 'mx4' || kernel === 'mx8' ? mxReference(x, kernel === 'mx4' ? 4 : 8, groupSize)
      : kernel === 'fp8Group' ? fp8GroupReference(x, groupSize)
        : fp8RowsReference(x, x.size / groupSize);

/** Runs `kernel` with dst either a fresh array or src itself; the values it leaves in dst. */
function run(src: Float32Array, inPlace: boolean, kernel: (src: Float32Array, dst: Float32Array) => boolean): Float32Array {
  const input = src.slice();
  const dst = inPlace ? input : new Float32Array(src.length);
  expect(kernel(input, dst)).toBe(true);
  return dst;
}

describe.skipIf(!floatQuantWasmSupported())('the wasm float fake quantization, whatever its chunks, threads and aliasing', () => {
  it('group kernels (NVFP4, MXFP4, MXFP8, FP8 groups, FP8 rows) = the scalar reference', () => {
    const args = fc.record({
      ...dataArgs, ...split,
      kernel: fc.constantFrom<GroupKernel>('nvfp4', 'mx4', 'mx8', 'fp8Group', 'fp8Channel'),
      groupSize: fc.constantFrom(4, 12, 16, 20, 32, 68, 128),
      groups: fc.integer({ min: 1, max: 300 }),
      g: fc.constantFrom(1, 2688, Math.fround(1e30), Math.fround(3e-39)),
    });
    fc.assert(fc.property(args, (p) => {
      const x = new Tensor(data(p.groups * p.groupSize, p.seed, p.edge, p.ties, p.exp, 'float32'), [p.groups, p.groupSize]);
      const want = reference(p.kernel, x, p.groupSize, p.g);
      const scales = new Float32Array(p.groups);
      const got = run(x.data as Float32Array, p.inPlace, (s, d) => groupsWasm(p.kernel, s, d, scales, p.groupSize, p.g, p.threads, p.chunk));
      expect(same(scales, want.scales.data)).toBe(true);
      expect(same(got, want.value.data)).toBe(true);
    }), { numRuns: 150 });
  });

  it('FP8 blocks over many block rows (one job each) = the scalar reference', () => {
    const args = fc.record({
      ...dataArgs, threads: split.threads, inPlace: split.inPlace,
      rows: fc.integer({ min: 1, max: 90 }), cols: fc.integer({ min: 1, max: 40 }).map((c) => 4 * c),
      br: fc.constantFrom(1, 3, 8, 32), bc: fc.constantFrom(4, 12, 16, 64),
    });
    fc.assert(fc.property(args, (p) => {
      const w = new Tensor(data(p.rows * p.cols, p.seed, p.edge, p.ties, p.exp, 'float32'), [p.rows, p.cols]);
      const want = fp8BlockReference(w, p.br, p.bc);
      const scales = new Float32Array(want.scales.size);
      const got = run(w.data as Float32Array, p.inPlace, (s, d) => fp8BlockWasm(s, d, scales, p.rows, p.cols, p.br, p.bc, p.threads));
      expect(same(scales, want.scales.data)).toBe(true);
      expect(same(got, want.value.data)).toBe(true);
    }), { numRuns: 80 });
  });

  it('FP8 per tensor (its amax, then one scale for every element) and static = the scalar reference', () => {
    const args = fc.record({ ...dataArgs, ...split, n: fc.integer({ min: 1, max: 3000 }).map((k) => 4 * k) });
    fc.assert(fc.property(args, (p) => {
      const x = new Tensor(data(p.n, p.seed, p.edge, p.ties, p.exp, 'float32'), [p.n]);
      const want = fp8RowsReference(x, 1);
      const m = absMaxWasm(x.data as Float32Array, p.chunk);
      const scale = Math.fround((m ?? 0) / 448) === 0 ? 2 ** -23 : Math.fround((m ?? 0) / 448);
      expect(m !== null && Object.is(scale, want.scales.data[0])).toBe(true);
      const got = run(x.data as Float32Array, p.inPlace, (s, d) => e4m3Wasm(s, d, scale, p.threads, p.chunk));
      expect(same(got, want.value.data)).toBe(true);
      expect(same(got, fp8StaticReference(x, scale).data)).toBe(true);
    }), { numRuns: 80 });
  });

  it('the per-tensor amax = Math.max of |x| from 0, NaN if any is NaN, any length', () => {
    const args = fc.record({ ...dataArgs, chunk: split.chunk, n: fc.integer({ min: 0, max: 9000 }) });
    fc.assert(fc.property(args, (p) => {
      const x = data(p.n, p.seed, p.edge, p.ties, p.exp, 'float32') as Float32Array;
      let m = 0;
      for (const v of x) m = Math.max(m, Math.abs(v));
      expect(Object.is(absMaxWasm(x, p.chunk), m)).toBe(true);
    }), { numRuns: 60 });
  });

  it('the data range = the sequential loop (NaN ignored, a zero extreme with the first zero’s sign)', () => {
    const args = fc.record({ ...dataArgs, chunk: split.chunk, n: fc.integer({ min: 0, max: 9000 }) });
    fc.assert(fc.property(args, (p) => {
      const x = data(p.n, p.seed, p.edge, p.ties, p.exp, 'float32') as Float32Array;
      let lo = Infinity;
      let hi = -Infinity;
      for (const v of x) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      const r = rangeWasm(x, p.chunk);
      expect(r !== null && Object.is(r.lo, lo) && Object.is(r.hi, hi)).toBe(true);
    }), { numRuns: 60 });
  });

  it('refuses what it cannot run, leaving the outputs untouched', () => {
    const src = Float32Array.of(1, 2, 3, 4, 5, 6);
    const dst = new Float32Array(6).fill(7);
    expect(groupsWasm('mx4', src, dst, new Float32Array(2), 3)).toBe(false);
    expect(e4m3Wasm(src, dst, 1)).toBe(false);
    expect(e4m3Wasm(src.subarray(0, 4), dst, 1, 1, 6)).toBe(false);
    expect(rangeWasm(src, 6)).toBeNull();
    expect(absMaxWasm(src, 6)).toBeNull();
    expect([...dst]).toEqual([7, 7, 7, 7, 7, 7]);
  });
});
