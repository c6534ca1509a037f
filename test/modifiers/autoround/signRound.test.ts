/**
 * SignRound on a layer against the independent float64 numpy reference (bench/python/autoround_reference.py,
 * written from the paper and auto-round's loop; fixtures regenerated with
 * `python3 bench/python/autoround_reference.py --fixtures`), and its properties.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { indexSampler, signRound, type SignRoundOptions } from '../../../src/modifiers/autoround/signRound.ts';
import { fakeQuantize } from '../../../src/tensor/kernels/fakeQuant.ts';
import { Tensor } from '../../../src/tensor/tensor.ts';
import { Rng } from '../../../src/tensor/rng.ts';

interface Case {
  name: string; rows: number; cols: number; bits: number; symmetric: boolean; strategy: SignRoundOptions['strategy'];
  group_size: number | null; iters: number; lr: number; batch_size: number; W: number[]; xs: number[][]; tokens: number[];
  batches: number[][];
  expected: { weight: number[]; scales: number[]; zero_points: number[]; init_loss: number; best_loss: number; best_iter: number; error: number; rtn_error: number };
}
const cases = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'autoround', 'cases.json'), 'utf8')) as Case[];

const options = (c: Case, iters = c.iters): SignRoundOptions => ({
  numBits: c.bits, symmetric: c.symmetric, strategy: c.strategy, groupSize: c.group_size, iters, lr: c.lr, minmaxLr: c.lr,
  batchSize: c.batch_size, nextBatch: (i) => c.batches[i], dtype: 'float64',
});
const samplesOf = (c: Case) => c.xs.map((x, i) => ({ x, tokens: c.tokens[i] }));

/** ‖X·(Ŵ − W)ᵀ‖² over all samples. */
function outputError(c: Case, q: ArrayLike<number>): number {
  let s = 0;
  c.xs.forEach((x, b) => {
    for (let t = 0; t < c.tokens[b]; t++)
      for (let r = 0; r < c.rows; r++) {
        let d = 0;
        for (let k = 0; k < c.cols; k++) d += (q[r * c.cols + k] - c.W[r * c.cols + k]) * x[t * c.cols + k];
        s += d * d;
      }
  });
  return s;
}

describe('SignRound = the numpy float64 reference', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const r = signRound(c.W, c.rows, c.cols, samplesOf(c), options(c));
    expect(r.bestIter).toBe(c.expected.best_iter);
    expect(r.initLoss).toBeCloseTo(c.expected.init_loss, 12);
    expect(r.bestLoss / c.expected.best_loss).toBeCloseTo(1, 10);
    expect(Array.from(r.zeroPoints)).toEqual(c.expected.zero_points.map((z) => z + 0)); // numpy writes -0.0
    r.scales.forEach((s, i) => expect(s / c.expected.scales[i]).toBeCloseTo(1, 10));
    r.weight.forEach((w, i) => expect(w).toBeCloseTo(c.expected.weight[i], 12));
  });
});

describe('properties', () => {
  it('iters 0 is round-to-nearest exactly (fakeQuantize), float32 and float64', () => {
    for (const c of cases) {
      for (const dtype of ['float32', 'float64'] as const) {
        const w = dtype === 'float32' ? Float32Array.from(c.W) : Float64Array.from(c.W);
        const r = signRound(w, c.rows, c.cols, samplesOf(c), { ...options(c, 0), dtype });
        const flat = c.strategy === 'tensor';
        const rtn = fakeQuantize(new Tensor(w, flat ? [1, c.rows * c.cols] : [c.rows, c.cols]), {
          numBits: c.bits, symmetric: c.symmetric, strategy: c.strategy === 'group' ? 'group' : 'channel', groupSize: c.group_size ?? undefined,
        });
        expect(Array.from(r.weight)).toEqual(Array.from(rtn.value.data));
        expect(Array.from(r.zeroPoints)).toEqual(Array.from(rtn.zeroPoints));
      }
    }
  });

  it('with every sample in each step, the tuned layer\'s output error on the calibration data is ≤ RTN\'s (and well below at 2–4 bits)', () => {
    for (const c of cases.filter((k) => k.batch_size >= k.xs.length)) {
      const tuned = signRound(c.W, c.rows, c.cols, samplesOf(c), options(c));
      const rtn = signRound(c.W, c.rows, c.cols, samplesOf(c), options(c, 0));
      expect(outputError(c, tuned.weight)).toBeLessThanOrEqual(outputError(c, rtn.weight));
      expect(outputError(c, tuned.weight)).toBeLessThan(0.8 * outputError(c, rtn.weight));
      expect(outputError(c, tuned.weight)).toBeCloseTo(c.expected.error, 8);
    }
  });

  it('V stays within ±(iters + 1)/(2·iters) and α, β within [0, 1] (the LinearLR schedule bounds them)', () => {
    const c = cases[0];
    const r = signRound(c.W, c.rows, c.cols, samplesOf(c), { ...options(c), nextBatch: () => c.batches[0] });
    const bound = (c.iters + 1) / (2 * c.iters) + 1e-12;
    for (const v of r.v) expect(Math.abs(v)).toBeLessThanOrEqual(bound);
    for (const a of [...r.minScale, ...r.maxScale]) expect(a >= 0 && a <= 1).toBe(true);
  });

  it('indexSampler hands out shuffled batches, reshuffling when fewer than a batch remain; seeded', () => {
    const make = (seed: number) => {
      const rng = new Rng(seed);
      return indexSampler(5, 2, (a) => {
        for (let i = a.length - 1; i > 0; i--) {
          const j = rng.int(i + 1);
          [a[i], a[j]] = [a[j], a[i]];
        }
      });
    };
    const next = make(1);
    const batches = Array.from({ length: 6 }, (_, i) => next(i));
    for (const b of batches) expect(b).toHaveLength(2);
    expect(new Set([...batches[0], ...batches[1]]).size).toBe(4);
    const again = make(1);
    expect(Array.from({ length: 6 }, (_, i) => again(i))).toEqual(batches);
  });
});
