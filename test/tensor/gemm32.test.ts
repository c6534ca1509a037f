/**
 * The float32 product kernel (src/tensor/wasm/gemm.ts + gemmKernel.ts): the wasm SIMD kernel and its
 * TypeScript twin give the same bits (both round every float32 multiply and add in the same order), and both
 * equal the float64 product to float32 rounding, on shapes that leave partial tiles (rows not a multiple of
 * 4, columns not of 8), with either operand transposed, negated, overwriting C, and C overlapping A.
 */
import { describe, expect, it } from 'vitest';
import { Arena, gemmSubtract, gemmWasmSupported, type View } from '../../src/tensor/wasm/gemm.ts';
import { Rng } from '../../src/tensor/rng.ts';

interface Case { m: number; n: number; k: number; transA: boolean; transB: boolean; negate: boolean; overwrite: boolean }

function run(wasm: boolean, c: Case, seed: number): { out: Float32Array; want: Float64Array } {
  const { m, n, k } = c;
  const arena = new Arena(1024, wasm);
  const a = arena.alloc(m * k);
  const b = arena.alloc(k * n);
  const out = arena.alloc(m * n, 4 * n + 8);
  const f = arena.f32;
  const rng = new Rng(seed);
  for (let i = 0; i < m * k + k * n + m * n; i++) f[a + i] = rng.normal();
  const A = (i: number, p: number): number => (c.transA ? f[a + p * m + i] : f[a + i * k + p]);
  const B = (p: number, j: number): number => (c.transB ? f[b + j * k + p] : f[b + p * n + j]);
  const want = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += A(i, p) * B(p, j);
      want[i * n + j] = (c.overwrite ? 0 : f[out + i * n + j]) - (c.negate ? -s : s);
    }
  const av: View = { offset: a, stride: c.transA ? m : k, trans: c.transA };
  const bv: View = { offset: b, stride: c.transB ? k : n, trans: c.transB };
  gemmSubtract(arena, { offset: out, stride: n }, av, bv, m, n, k, { negate: c.negate, overwrite: c.overwrite });
  return { out: arena.f32.slice(out, out + m * n), want };
}

const cases: Case[] = [
  { m: 1, n: 1, k: 1, transA: false, transB: false, negate: false, overwrite: false },
  { m: 13, n: 21, k: 7, transA: false, transB: false, negate: false, overwrite: false },
  { m: 37, n: 50, k: 19, transA: true, transB: false, negate: true, overwrite: false },
  { m: 64, n: 64, k: 64, transA: false, transB: true, negate: false, overwrite: true },
  { m: 9, n: 300, k: 5, transA: true, transB: true, negate: true, overwrite: true },
  { m: 5, n: 9, k: 1100, transA: false, transB: false, negate: false, overwrite: false },
];

describe('float32 products', () => {
  it('the engine runs the SIMD kernel', () => {
    expect(gemmWasmSupported()).toBe(true);
  });

  it.each(cases.map((c) => [JSON.stringify(c), c] as const))('wasm = TypeScript twin, ≈ float64: %s', (_, c) => {
    const wasm = run(true, c, 1);
    const ts = run(false, c, 1);
    expect(Array.from(wasm.out)).toEqual(Array.from(ts.out));
    // float32 sums of k products: error ≤ k·2⁻²³·Σ|terms|; the entries are O(√k), so 1e-5·k relative is loose but catches any wrong term
    for (let i = 0; i < wasm.want.length; i++) expect(Math.abs(wasm.out[i] - wasm.want[i])).toBeLessThanOrEqual(1e-5 * c.k * (1 + Math.abs(wasm.want[i])));
  });

  it('C may overlap A: both are packed before C is written', () => {
    const arena = new Arena(256);
    const x = arena.alloc(6 * 6, 32);
    const f = arena.f32;
    for (let i = 0; i < 36; i++) f[x + i] = i % 7;
    const before = f.slice(x, x + 36);
    // X[:, 0:3] = X[:, 0:3] · I₃ written over itself, through overwrite + negate
    const eye = arena.alloc(9);
    for (let i = 0; i < 3; i++) arena.f32[eye + i * 3 + i] = 1;
    gemmSubtract(arena, { offset: x, stride: 6 }, { offset: x, stride: 6 }, { offset: eye, stride: 3 }, 6, 3, 3, { negate: true, overwrite: true });
    expect(Array.from(arena.f32.slice(x, x + 36))).toEqual(Array.from(before));
  });
});
