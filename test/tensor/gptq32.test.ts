/**
 * GPTQ's float32 path (upstream's precision: gptq32.ts, inverseCholesky32.ts) against the float64 path,
 * which test/tensor/gptq.test.ts holds to the independent float64 numpy reference. float32 rounding moves
 * values by ~1e-7 relative, so a weight near a rounding boundary may land on the neighbouring grid point and
 * the feedback then differs slightly: the test bounds how many land elsewhere and how much the layer-wise
 * reconstruction error ‖(W − Q)·Xᵀ‖² may differ, on layers that cross the block (128), sub-block (16),
 * panel (128) and leaf (64) boundaries, dense and sparse (kept zeros stay exactly as they were).
 */
import { describe, expect, it } from 'vitest';
import { accumulateGram } from '../../src/tensor/kernels/gram.ts';
import { gptqQuantize, type GptqOptions } from '../../src/tensor/kernels/gptq.ts';
import { upperCholeskyOfInverse } from '../../src/tensor/kernels/inverseCholesky.ts';
import { choleskyLower32, upperCholeskyOfInverse32 } from '../../src/tensor/kernels/inverseCholesky32.ts';
import { Arena } from '../../src/tensor/wasm/gemm.ts';
import { Rng } from '../../src/tensor/rng.ts';

const layer = (rows: number, cols: number, tokens: number, seed: number, sparse: boolean) => {
  const rng = new Rng(seed);
  const w = Float32Array.from({ length: rows * cols }, () => (sparse && rng.uniform() < 0.3 ? 0 : rng.normal() * 0.02));
  const gains = Float64Array.from({ length: cols }, () => Math.exp(rng.normal()));
  const x = Float32Array.from({ length: tokens * cols }, (_, i) => rng.normal() * gains[i % cols]);
  const h = new Float64Array(cols * cols);
  accumulateGram(h, x, tokens, cols, 2);
  return { w, x, h };
};

const layerError = (w: ArrayLike<number>, q: ArrayLike<number>, x: ArrayLike<number>, rows: number, cols: number, tokens: number): number => {
  let s = 0;
  for (let t = 0; t < tokens; t++)
    for (let r = 0; r < rows; r++) {
      let d = 0;
      for (let c = 0; c < cols; c++) d += (w[r * cols + c] - q[r * cols + c]) * x[t * cols + c];
      s += d * d;
    }
  return s;
};

describe('U = chol(H⁻¹) upper in float32', () => {
  it.each([1, 64, 65, 129, 300])('≈ the float64 U, n = %i', (n) => {
    const { h } = layer(1, n, 2 * n + 8, n, false);
    for (let i = 0; i < n; i++) h[i * n + i] += 0.01;
    const arena = new Arena(3 * n * n);
    const u = upperCholeskyOfInverse32(arena, n, (i, j) => h[i * n + j])!;
    const want = upperCholeskyOfInverse(h, n)!;
    let scale = 0;
    for (const v of want) scale = Math.max(scale, Math.abs(v));
    let worst = 0;
    for (let i = 0; i < n * n; i++) worst = Math.max(worst, Math.abs(arena.f32[u + i] - want[i]));
    expect(worst).toBeLessThanOrEqual(1e-4 * scale);
  });

  it('refuses a matrix whose pivot goes negative past the first panel', () => {
    const n = 300;
    const arena = new Arena(n * n);
    const a = arena.alloc(n * n, 4 * n + 8);
    for (let i = 0; i < n; i++) arena.f32[a + i * n + i] = i === 250 ? -1 : 1;
    expect(choleskyLower32(arena, a, n)).toBe(false);
  });
});

describe('GPTQ in float32 ≈ GPTQ in float64', () => {
  const base: Omit<GptqOptions, 'dtype'> = { numBits: 4, symmetric: true, strategy: 'group', groupSize: 32, actorder: 'weight', blockSize: 128, dampeningFrac: 0.01 };
  it.each([
    ['group 32, actorder weight', base, false],
    ['group 32, actorder group, block 48', { ...base, actorder: 'group', blockSize: 48 }, false],
    ['channel, asymmetric 3-bit, no actorder', { ...base, numBits: 3, symmetric: false, strategy: 'channel', groupSize: null, actorder: null }, false],
    ['sparse weight (kept zeros)', base, true],
  ] as const)('%s', (_, o, sparse) => {
    const rows = 20, cols = 300, tokens = 400;
    const { w, x, h } = layer(rows, cols, tokens, 3, sparse);
    const g32 = gptqQuantize(w, rows, cols, h, { ...o, dtype: 'float32' });
    const g64 = gptqQuantize(w, rows, cols, h, { ...o, dtype: 'float64' });
    expect(g32.inverted).toBe(true);
    expect(g32.gIdx).toEqual(g64.gIdx);
    const e32 = layerError(w, g32.weight, x, rows, cols, tokens);
    const e64 = layerError(w, g64.weight, x, rows, cols, tokens);
    let moved = 0;
    for (let i = 0; i < w.length; i++) if (Math.abs(g32.weight[i] - g64.weight[i]) > 1e-6) moved++;
    expect(moved / w.length).toBeLessThanOrEqual(0.01); // observed 0
    expect(Math.abs(e32 - e64)).toBeLessThanOrEqual(1e-4 * e64); // observed ~1e-7
    if (sparse) for (let i = 0; i < w.length; i++) if (w[i] === 0) expect(g32.weight[i]).toBe(0);
  });
});
