/**
 * SparseGPT and Wanda against the independent float64 numpy references (bench/python/sparsity_reference.py,
 * fixtures in test/fixtures/sparsity), and SparseGPT's claim at small scale: at equal sparsity its layer-wise
 * error is no worse than magnitude pruning's.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { accumulateGram } from '../../src/tensor/kernels/gram.ts';
import { sparseGptPrune, BASE_SPARSITY_TOO_HIGH } from '../../src/tensor/kernels/sparsegpt.ts';
import { accumulateRowScalars, wandaPrune } from '../../src/tensor/kernels/wanda.ts';
import { Rng } from '../../src/tensor/rng.ts';

interface Case {
  name: string; rows: number; cols: number; sparsity: number; n: number; m: number; block: number; damp: number;
  W: number[]; batches: number[][]; tokens: number[]; sparsegpt: number[]; loss: number; wanda: number[];
}
const cases = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'sparsity', 'cases.json'), 'utf8')) as Case[];

function hessianOf(batches: ArrayLike<number>[], tokens: number[], cols: number): Float64Array {
  const h = new Float64Array(cols * cols);
  batches.forEach((b, i) => accumulateGram(h, b, tokens[i], cols, 2 / batches.length));
  return h;
}

function layerError(w: ArrayLike<number>, q: ArrayLike<number>, rows: number, cols: number, batches: ArrayLike<number>[], tokens: number[]): number {
  let s = 0;
  batches.forEach((x, b) => {
    for (let t = 0; t < tokens[b]; t++)
      for (let r = 0; r < rows; r++) {
        let d = 0;
        for (let c = 0; c < cols; c++) d += (w[r * cols + c] - q[r * cols + c]) * x[t * cols + c];
        s += d * d;
      }
  });
  return s;
}

describe('= the numpy float64 references', () => {
  // Tolerance 1e-12 relative: different summation order only; the masks must be identical.
  it.each(cases.map((c) => [c.name, c] as const))('SparseGPT %s', (_, c) => {
    const r = sparseGptPrune(c.W, c.rows, c.cols, hessianOf(c.batches, c.tokens, c.cols), {
      sparsity: c.sparsity, pruneN: c.n, pruneM: c.m, blockSize: c.block, dampeningFrac: c.damp, preserveSparsityMask: false,
    });
    const tol = 1e-12 * Math.max(...c.sparsegpt.map(Math.abs));
    for (let i = 0; i < r.weight.length; i++) {
      expect(r.weight[i] === 0).toBe(c.sparsegpt[i] === 0);
      expect(Math.abs(r.weight[i] - c.sparsegpt[i])).toBeLessThanOrEqual(tol);
    }
    expect(r.loss).toBeCloseTo(c.loss, 9);
  });

  it.each(cases.map((c) => [c.name, c] as const))('Wanda %s', (_, c) => {
    const s = new Float64Array(c.cols);
    let samples = 0;
    c.batches.forEach((b, i) => (samples = accumulateRowScalars(s, samples, b, c.tokens[i], c.cols)));
    const out = wandaPrune(c.W, c.rows, c.cols, s, c.sparsity, c.n, c.m);
    expect(Array.from(out)).toEqual(c.wanda);
  });
});

describe('SparseGPT ≤ magnitude pruning at equal sparsity (layer-wise error on the calibration data)', () => {
  it.each([1, 2, 3, 4, 5])('seed %i', (seed) => {
    const rng = new Rng(seed);
    const rows = 16;
    const cols = 32;
    const w = Float64Array.from({ length: rows * cols }, () => rng.normal());
    const gains = Float64Array.from({ length: cols }, () => Math.exp(rng.normal()));
    const tokens = [20, 20];
    const batches = tokens.map((t) => Float64Array.from({ length: t * cols }, (_, i) => rng.normal() * gains[i % cols]));
    const h = hessianOf(batches, tokens, cols);
    for (const [n, m] of [[0, 0], [2, 4]]) {
      const sg = sparseGptPrune(w, rows, cols, h, { sparsity: 0.5, pruneN: n, pruneM: m, blockSize: 8, dampeningFrac: 0.01, preserveSparsityMask: false }).weight;
      // magnitude: the same count of zeros, by |w| (per layer; per group of m for N:M)
      const mag = Float64Array.from(w);
      if (n === 0) {
        const order = Array.from(w.keys()).sort((a, b) => Math.abs(w[a]) - Math.abs(w[b]));
        let zeros = 0;
        for (const v of sg) if (v === 0) zeros++;
        for (let i = 0; i < zeros; i++) mag[order[i]] = 0;
      } else {
        for (let r = 0; r < rows; r++)
          for (let g = 0; g < cols; g += m) {
            const idx = [0, 1, 2, 3].map((k) => r * cols + g + k).sort((a, b) => Math.abs(w[a]) - Math.abs(w[b]));
            for (let k = 0; k < n; k++) mag[idx[k]] = 0;
          }
      }
      expect(layerError(w, sg, rows, cols, batches, tokens)).toBeLessThanOrEqual(layerError(w, mag, rows, cols, batches, tokens));
    }
  });

  it('preserve_sparsity_mask refuses a base model sparser than the target (upstream text)', () => {
    const w = [0, 0, 0, 1, 2, 3, 0, 0];
    const h = new Float64Array(16);
    for (let i = 0; i < 4; i++) h[i * 4 + i] = 1;
    expect(() => sparseGptPrune(w, 2, 4, h, { sparsity: 0.5, pruneN: 0, pruneM: 0, blockSize: 4, dampeningFrac: 0.01, preserveSparsityMask: true })).toThrow(BASE_SPARSITY_TOO_HIGH);
  });
});
