/**
 * SmoothQuantModifier / LogarithmicEqualizationModifier: scales = the numpy float64 reference
 * (bench/python/smoothquant_reference.py, fixtures in test/fixtures/smoothquant), 0.12 messages, output
 * invariance on the model, and the paper's claim at small scale: with activation outliers, W8A8 error after
 * smoothing is no worse than without (identity scales).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LogarithmicEqualizationModifier, SmoothQuantModifier } from '../../../src/modifiers/smoothquant/index.ts';
import { createSession } from '../../../src/lifecycle/session.ts';
import { oneshot } from '../../../src/sim/oneshot.ts';
import { inferPipeline } from '../../../src/sim/pipelines/index.ts';
import { createSyntheticModel } from '../../../src/model/synthetic.ts';
import { smoothingScales } from '../../../src/tensor/kernels/smoothing.ts';
import { fakeQuantize } from '../../../src/tensor/kernels/fakeQuant.ts';
import { Tensor } from '../../../src/tensor/tensor.ts';
import { Rng } from '../../../src/tensor/rng.ts';
import { useWarningCapture } from '../../helpers/errors.ts';

const warningsNow = useWarningCapture();
const small = () => createSyntheticModel({ dim: 64, hiddenDim: 128, layers: 2, heads: 4, kvHeads: 2, vocab: 64 });
const CALIB = Array.from({ length: 3 }, (_, b) => Array.from({ length: 10 }, (_, t) => (b * 17 + t * 3) % 64));

interface Case { name: string; alpha: number; algorithm: 'smoothquant' | 'log_equalization'; X: number[]; tokens: number; channels: number; W: number[][]; rows: number[]; scales: number[] }
const cases = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'smoothquant', 'cases.json'), 'utf8')) as Case[];

describe('scales = the numpy reference', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const min = new Float64Array(c.channels).fill(Infinity);
    const max = new Float64Array(c.channels).fill(-Infinity);
    c.X.forEach((v, i) => {
      min[i % c.channels] = Math.min(min[i % c.channels], v);
      max[i % c.channels] = Math.max(max[i % c.channels], v);
    });
    const s = smoothingScales(min, max, c.W.map((data, i) => ({ data, rows: c.rows[i] })), c.alpha, c.algorithm);
    s.forEach((v, j) => expect(Math.abs(v - c.scales[j])).toBeLessThanOrEqual(1e-13 * Math.abs(c.scales[j]))); // pow/log2 rounding only
  });
});

describe('the modifier', () => {
  it('infers sequential, needs calibration data (upstream text), and is one-shot only', () => {
    expect(inferPipeline([new SmoothQuantModifier()])).toBe('sequential');
    expect(() => createSession(() => oneshot({ model: small(), recipe: [new SmoothQuantModifier()], pipeline: 'sequential' }))).toThrow(
      'SmoothQuantModifier requires a calibration dataset to be provided',
    );
    expect(() => createSession(() => oneshot({ model: small(), recipe: [new SmoothQuantModifier({ end: 3 })], calibrationData: CALIB }))).toThrow(
      'SmoothQuantModifier can only be applied during one-shot.  Expected end to be None or -1, got 3',
    );
  });

  it('smooths every decoder layer and keeps the float outputs (up to rounding)', () => {
    const model = small();
    const before = Float64Array.from(model.forward([1, 2, 3, 4]).data);
    const m = new SmoothQuantModifier({ smoothing_strength: 0.8 });
    createSession(() => oneshot({ model, recipe: [m], calibrationData: CALIB }));
    expect([...m.appliedScales.keys()]).toEqual([
      'model.layers.0.input_layernorm', 'model.layers.0.post_attention_layernorm', 'model.layers.1.input_layernorm', 'model.layers.1.post_attention_layernorm',
    ]);
    expect([...m.appliedScales.values()].some((s) => s.some((v) => Math.abs(v - 1) > 0.05))).toBe(true);
    const after = model.forward([1, 2, 3, 4]).data;
    let maxDiff = 0;
    before.forEach((v, i) => (maxDiff = Math.max(maxDiff, Math.abs(v - after[i]))));
    expect(maxDiff).toBeLessThan(1e-3);
  });

  it('LogarithmicEqualizationModifier: the deprecation warning and algorithm log_equalization', () => {
    const m = new LogarithmicEqualizationModifier({});
    expect(m.algorithm).toBe('log_equalization');
    expect(warningsNow()).toContain(
      "LogarithmicEqualizationModifier is deprecated and will be removed in a future release. Use SmoothQuantModifier with algorithm='log_equalization' instead.",
    );
  });
});

describe("the paper's claim at small scale: smoothing is no worse than identity for W8A8 with activation outliers", () => {
  /** ‖X·Wᵀ − Q_token(X)·Q_channel(W)ᵀ‖² */
  function w8a8Error(x: Tensor, w: Tensor, y: Float64Array): number {
    const qx = fakeQuantize(x, { numBits: 8, symmetric: true, strategy: 'token' }).value;
    const qw = fakeQuantize(w, { numBits: 8, symmetric: true, strategy: 'channel' }).value;
    const [T, n] = x.shape;
    const d = w.shape[0];
    let e = 0;
    for (let t = 0; t < T; t++)
      for (let o = 0; o < d; o++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += qx.data[t * n + k] * qw.data[o * n + k];
        e += (s - y[t * d + o]) ** 2;
      }
    return e;
  }

  it.each([1, 2, 3, 4])('seed %i', (seed) => {
    const rng = new Rng(seed);
    const T = 32;
    const n = 48;
    const d = 24;
    const outlier = new Set([3, 17, 40]);
    const x = new Tensor(Float64Array.from({ length: T * n }, (_, i) => rng.normal() * (outlier.has(i % n) ? 60 : 1)), [T, n]);
    const w = new Tensor(Float64Array.from({ length: d * n }, () => rng.normal() * 0.1), [d, n]);
    const y = new Float64Array(T * d);
    for (let t = 0; t < T; t++) for (let o = 0; o < d; o++) for (let k = 0; k < n; k++) y[t * d + o] += x.data[t * n + k] * w.data[o * n + k];
    const min = new Float64Array(n).fill(Infinity);
    const max = new Float64Array(n).fill(-Infinity);
    x.data.forEach((v, i) => ((min[i % n] = Math.min(min[i % n], v)), (max[i % n] = Math.max(max[i % n], v))));
    const s = smoothingScales(min, max, [{ data: w.data, rows: d }], 0.5, 'smoothquant');
    const xs = new Tensor(Float64Array.from(x.data, (v, i) => v / s[i % n]), [T, n]);
    const ws = new Tensor(Float64Array.from(w.data, (v, i) => v * s[i % n]), [d, n]);
    expect(w8a8Error(xs, ws, y)).toBeLessThanOrEqual(w8a8Error(x, w, y));
  });
});
