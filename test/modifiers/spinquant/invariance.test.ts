/**
 * Rotations keep outputs (spinquant.md §5–§6): without centring, R1–R4 change logits by float32 rounding
 * only; centring drifts and is reported (S1, T20); random-matrix R1 drifts (S8).
 */
import { describe, expect, it } from 'vitest';
import { useWarningCapture } from '../../helpers/errors.ts';
import { SpinQuantModifier, type SpinQuantModifierArgs } from '../../../src/modifiers/spinquant/index.ts';
import type { Model } from '../../../src/model/model.ts';
import { logits, maxAbs, maxAbsDiff, runDatafree, storiesModel, syntheticModel } from './helpers.ts';

const warnings = useWarningCapture();

function rotate(model: Model, args: SpinQuantModifierArgs, fidelity: 'default' | 'reference' = 'default'): { before: Float64Array; after: Float64Array; m: SpinQuantModifier } {
  const before = logits(model);
  const m = new SpinQuantModifier(args);
  runDatafree(model, [m], { fidelity });
  return { before, after: logits(model), m };
}

function expectInvariant(before: Float64Array, after: Float64Array): void {
  expect(maxAbsDiff(before, after)).toBeLessThanOrEqual(1e-4 * maxAbs(before));
}

describe('rotations without centring keep the logits (float32)', () => {
  const all = ['R1', 'R2', 'R3', 'R4'];

  it('stories260K, random-hadamard (R4 on 172 via the divisor rule, K = 172)', async () => {
    const { before, after, m } = rotate(await storiesModel(), { rotations: all, transformType: 'random-hadamard', centerEmbeddings: false });
    expectInvariant(before, after);
    expect(m.drift!.centering).toEqual({ maxAbs: 0, mse: 0 });
    expect(warnings()).toEqual([]);
  });

  it('stories260K, hadamard with transformBlockSize 4 (divides 64 and 172)', async () => {
    const { before, after } = rotate(await storiesModel(), { rotations: all, transformBlockSize: 4, centerEmbeddings: false });
    expectInvariant(before, after);
  });

  it('stories260K, each rotation alone', async () => {
    for (const r of all) {
      const { before, after } = rotate(await storiesModel(), { rotations: [r], transformType: 'random-hadamard', centerEmbeddings: false });
      expectInvariant(before, after);
    }
  });

  it('synthetic model, hadamard R1–R4 (all powers of two)', () => {
    const model = syntheticModel();
    const { before, after, m } = rotate(model, { rotations: all, centerEmbeddings: false });
    expectInvariant(before, after);
    // R3 and R4 stay online: hooks and transform modules
    const names = model.namedModules().map(([n]) => n);
    expect(names).toContain('model.layers.0.mlp.down_proj.R4_input');
    expect(names).toContain('model.layers.1.self_attn.R3_q_attn');
    expect(names).toContain('model.layers.1.self_attn.R3_k_cache');
    expect(m.applied!.handles.length).toBe(2 * 3);
    expect(model.config.tieWordEmbeddings).toBe(false);
    expect(model.tied).toBe(false);
  });

  it('norm gains are fused to 1', () => {
    const model = syntheticModel();
    rotate(model, { rotations: ['R1'], centerEmbeddings: false });
    for (const [name, mod] of model.namedModules()) {
      if (mod.kind === 'rmsnorm') expect([...mod.weight.data].every((g) => g === 1), name).toBe(true);
    }
  });
});

describe('centring (S1) and the drift report', () => {
  it('reports nonzero centring drift, rounding-level rotation drift, and warns T20', async () => {
    const { m } = rotate(await storiesModel(), { rotations: ['R1', 'R2'] });
    const d = m.drift!;
    expect(d.probe).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    expect(d.centering.maxAbs).toBeGreaterThan(0.01);
    expect(d.centering.mse).toBeGreaterThan(0);
    expect(d.rotations.maxAbs).toBeLessThan(1e-3);
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]).toMatch(
      /^center_embeddings changed the model's outputs \(max \|Δlogit\| [\d.e-]+, MSE [\d.e-]+\): centering is not output-invariant for RMSNorm models; set center_embeddings: false to keep outputs unchanged$/,
    );
  });

  it('a custom probe (driftProbe)', () => {
    const { m } = rotate(syntheticModel(), { rotations: ['R1'], driftProbe: [5, 6, 7] });
    expect(m.drift!.probe).toEqual([5, 6, 7]);
  });

  it("S8 'reference': upstream's random-matrix R1 (uniform [0, 1)) is not orthogonal, so it drifts", () => {
    const { m } = rotate(syntheticModel(), { rotations: ['R1'], transformType: 'random-matrix', centerEmbeddings: false }, 'reference');
    expect(m.drift!.rotations.maxAbs).toBeGreaterThan(1e-2);
  });

  it("S8 'default': our random-matrix is orthogonal, so R1–R4 keep the logits", () => {
    const { before, after } = rotate(syntheticModel(), { rotations: ['R1', 'R2', 'R3', 'R4'], transformType: 'random-matrix', centerEmbeddings: false });
    expectInvariant(before, after);
  });

  it('random-matrix R2 (no norm in between) stays invariant through M⁻¹', () => {
    const { before, after } = rotate(syntheticModel(), { rotations: ['R2'], transformType: 'random-matrix', centerEmbeddings: false });
    expect(maxAbsDiff(before, after)).toBeLessThanOrEqual(1e-3 * maxAbs(before));
  });

  it('float64 weights: rotations are invariant to ~1e-12', () => {
    const model = syntheticModel().to('float64');
    const { m } = rotate(model, { rotations: ['R1', 'R2', 'R3', 'R4'], centerEmbeddings: false });
    expect(m.drift!.rotations.maxAbs).toBeLessThan(1e-10);
  });
});
