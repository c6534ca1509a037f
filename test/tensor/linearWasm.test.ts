/** The WebAssembly-SIMD Linear kernel (src/tensor/wasm/linear.ts) is bit-identical to the TS `linearRows`. */
import { describe, expect, it } from 'vitest';
import { linearRows, linearRows64 } from '../../src/tensor/kernels/linear.ts';
import { linearInto as linear } from '../../src/tensor/ops.ts';
import { linearWasm, linearWasmSupported } from '../../src/tensor/wasm/linear.ts';
import { Rng } from '../../src/tensor/rng.ts';

type Ctor = Float32ArrayConstructor | Float64ArrayConstructor;

function randomArray(A: Ctor, k: number, rng: Rng, scale = 1): Float32Array | Float64Array {
  const a = new A(k);
  for (let i = 0; i < k; i++) a[i] = (rng.uniform() * 2 - 1) * scale;
  return a;
}

/** The TS reference: the float32 loops for float32 x and W, else the float64 copy (as the dispatcher picks). */
function reference(out: Float32Array | Float64Array, x: Float32Array | Float64Array, w: Float32Array | Float64Array,
  b: Float32Array | Float64Array | null, T: number, n: number, d: number): void {
  if (w instanceof Float32Array && x instanceof Float32Array) linearRows(out, x, w, b, T, n, d);
  else linearRows64(out, x, w, b, T, n, d);
}

describe.skipIf(!linearWasmSupported())('linearWasm', () => {
  it('equals linearRows bit for bit on random shapes (T, d not multiples of the lanes, odd n), float32 and float64', () => {
    const rng = new Rng('linearWasm');
    const shapes: [number, number, number][] = [
      [1, 1, 1], [1, 7, 3], [2, 5, 2], [3, 5, 9], [4, 16, 4], [5, 33, 17], [6, 2, 5], [7, 100, 31], [9, 13, 7],
      [13, 64, 65], [16, 64, 64], [17, 129, 130],
    ];
    for (let k = 0; k < 8; k++) shapes.push([1 + Math.floor(rng.uniform() * 20), 1 + Math.floor(rng.uniform() * 90), 1 + Math.floor(rng.uniform() * 70)]);
    for (const A of [Float32Array, Float64Array]) {
      for (const [T, n, d] of shapes) {
        // values spanning magnitudes so the sums round differently in every order
        const x = randomArray(A, T * n, rng, 3), w = randomArray(A, d * n, rng, 0.5);
        for (let i = 0; i < w.length; i += 5) w[i] *= 1e4;
        const b = randomArray(A, d, rng);
        for (const bias of [b, null]) {
          const want = new A(T * d), got = new A(T * d).fill(NaN);
          reference(want, x, w, bias, T, n, d);
          expect(linearWasm(got, x, w, bias, T, n, d)).toBe(true);
          expect(got).toEqual(want);
        }
      }
    }
  });

  it('mixed float32/float64 operands and outputs match the float64 TS loop', () => {
    const rng = new Rng('linearWasm mixed');
    const T = 5, n = 23, d = 11;
    for (const [XA, WA, OA] of [[Float32Array, Float64Array, Float32Array], [Float64Array, Float32Array, Float64Array],
      [Float32Array, Float32Array, Float64Array]] as const) {
      const x = randomArray(XA, T * n, rng), w = randomArray(WA, d * n, rng), b = randomArray(WA, d, rng);
      const want = new OA(T * d), got = new OA(T * d);
      reference(want, x, w, b, T, n, d);
      expect(linearWasm(got, x, w, b, T, n, d)).toBe(true);
      expect(got).toEqual(want);
    }
  });

  it('sees weights mutated in place and replaced between calls (no stale cache)', () => {
    const rng = new Rng('linearWasm mutate');
    const T = 4, n = 64, d = 32;
    const x = randomArray(Float32Array, T * n, rng), w = randomArray(Float32Array, d * n, rng);
    const want = new Float32Array(T * d), got = new Float32Array(T * d);
    linear(got, x, w, null, T, n, d);
    w[17] = 42;
    linear(got, x, w, null, T, n, d);
    linearRows(want, x, w, null, T, n, d);
    expect(got).toEqual(want);
    const w2 = randomArray(Float32Array, d * n, rng);
    linear(got, x, w2, null, T, n, d);
    linearRows(want, x, w2, null, T, n, d);
    expect(got).toEqual(want);
  });

  it('keeps signed zeros, infinities and NaN like the TS loop', () => {
    const T = 3, n = 4, d = 3;
    const x = Float64Array.from([-0, 1, 2, 3, Infinity, 0, 0, 0, 1e308, 1e308, -1e-320, 0]);
    const w = Float64Array.from([-0, 0, 0, 0, 1, -1, 1, -1, NaN, 1, 1, 1]);
    const want = new Float64Array(T * d), got = new Float64Array(T * d);
    linearRows64(want, x, w, null, T, n, d);
    expect(linearWasm(got, x, w, null, T, n, d)).toBe(true);
    expect(got).toEqual(want);
    for (let i = 0; i < want.length; i++) expect(Object.is(got[i], want[i]) || (Number.isNaN(got[i]) && Number.isNaN(want[i]))).toBe(true);
  });

  it('linear() uses TS under LLMC_SIM_BACKEND=ts and gives the same result either way', () => {
    const rng = new Rng('linearWasm env');
    const T = 7, n = 40, d = 30;
    const x = randomArray(Float32Array, T * n, rng), w = randomArray(Float32Array, d * n, rng), b = randomArray(Float32Array, d, rng);
    const a = new Float32Array(T * d), c = new Float32Array(T * d);
    const prev = process.env.LLMC_SIM_BACKEND;
    try {
      process.env.LLMC_SIM_BACKEND = 'ts';
      linear(a, x, w, b, T, n, d);
      delete process.env.LLMC_SIM_BACKEND;
      linear(c, x, w, b, T, n, d);
    } finally {
      if (prev === undefined) delete process.env.LLMC_SIM_BACKEND;
      else process.env.LLMC_SIM_BACKEND = prev;
    }
    expect(c).toEqual(a);
  });
});
