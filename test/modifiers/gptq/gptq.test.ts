/** GPTQModifier: fields and messages as upstream 0.12, the pipeline it runs in, and GPTQ ≤ RTN per layer. */
import { describe, expect, it } from 'vitest';
import { GPTQModifier } from '../../../src/modifiers/gptq/index.ts';
import { QuantizationModifier } from '../../../src/modifiers/quantization/index.ts';
import { createSession } from '../../../src/lifecycle/session.ts';
import { oneshot } from '../../../src/sim/oneshot.ts';
import { inferPipeline } from '../../../src/sim/pipelines/index.ts';
import { createSyntheticModel } from '../../../src/model/synthetic.ts';
import type { Linear } from '../../../src/model/modules.ts';
import { Recipe } from '../../../src/recipe/index.ts';
import { accumulateGram } from '../../../src/tensor/kernels/gram.ts';
import { gptqQuantize } from '../../../src/tensor/kernels/gptq.ts';
import { fakeQuantize } from '../../../src/tensor/kernels/fakeQuant.ts';
import { Tensor } from '../../../src/tensor/tensor.ts';
import { Rng } from '../../../src/tensor/rng.ts';
import { thrown, useWarningCapture } from '../../helpers/errors.ts';
import { linearInputs } from '../../helpers/layerwise.ts';

const warningsNow = useWarningCapture();
const small = () => createSyntheticModel({ dim: 64, hiddenDim: 128, layers: 2, heads: 4, kvHeads: 2, vocab: 64 });
const CALIB = Array.from({ length: 4 }, (_, b) => Array.from({ length: 12 }, (_, t) => (b * 13 + t * 7) % 64));
const W4G32 = { config_groups: { g: { targets: ['Linear'], weights: { num_bits: 4, group_size: 32 } } }, ignore: ['lm_head'] };

/** ‖(W − Ŵ)·Xᵀ‖² over inputs X [tokens, in]. */
function layerError(w: ArrayLike<number>, q: ArrayLike<number>, rows: number, cols: number, xs: Tensor[]): number {
  let s = 0;
  for (const x of xs) {
    const T = x.size / cols;
    for (let t = 0; t < T; t++)
      for (let r = 0; r < rows; r++) {
        let d = 0;
        for (let c = 0; c < cols; c++) d += (w[r * cols + c] - q[r * cols + c]) * x.data[t * cols + c];
        s += d * d;
      }
  }
  return s;
}

describe('fields, defaults and messages (0.12)', () => {
  it('defaults: block_size 128, dampening_frac 0.01, actorder static filling schemes without one', () => {
    const m = new GPTQModifier(W4G32);
    expect([m.blockSize, m.dampeningFrac, m.offloadHessians]).toEqual([128, 0.01, false]);
    expect(m.resolvedSchemes()[0].weights!.actorder).toBe('weight');
    expect(new GPTQModifier({ ...W4G32, actorder: null }).resolvedSchemes()[0].weights!.actorder).toBeNull();
    expect(new GPTQModifier({ ...W4G32, actorder: 'group' }).resolvedSchemes()[0].weights!.actorder).toBe('group');
  });

  it('a modifier actorder that differs from the scheme one is an error; group on a non-group strategy warns and falls back', () => {
    const cg = { config_groups: { g: { targets: ['Linear'], weights: { num_bits: 4, group_size: 32, actorder: 'weight' } } } };
    expect(thrown(() => new GPTQModifier({ ...cg, actorder: 'group' }).resolvedSchemes()).message).toBe(
      'Cannot resolve activation ordering when both `GPTQModifier.actorder` and `QuantizationScheme.actorder` are provided and differ (group, weight). Either unset `GPTQModifier.actorder` or remove `actorder` from config groups.',
    );
    expect(new GPTQModifier({ scheme: 'W8A8', actorder: 'group' }).resolvedSchemes()[0].weights!.actorder).toBeNull();
    expect(warningsNow()).toContain('ActivationOrdering.GROUP is not compatible with strategy=channel; falling back to actorder=None for this scheme.');
  });

  it('the flagship W4A16 recipe text parses and infers the sequential pipeline', () => {
    const recipe = Recipe.createInstance('quant_stage:\n  quant_modifiers:\n    GPTQModifier:\n      scheme: W4A16\n      targets: Linear\n      ignore: [lm_head]\n      dampening_frac: 0.1\n');
    expect(recipe.modifiers[0]).toBeInstanceOf(GPTQModifier);
    expect(inferPipeline(recipe.modifiers)).toBe('sequential');
  });

  it('nothing to quantize: the upstream error at start', () => {
    const m = new GPTQModifier({ config_groups: { g: { targets: ['Embedding'], weights: { num_bits: 8, strategy: 'channel' } } } });
    expect(() => createSession(() => oneshot({ model: small(), recipe: [m], calibrationData: CALIB }))).toThrow(
      'GPTQModifier was unable to find any modules to quantize. Please check quantization `config_groups` and `targets` in recipe',
    );
  });
});

describe('GPTQ on the model', () => {
  it('quantizes every targeted Linear onto the 4-bit grid, layer by layer, with lower reconstruction error than RTN', () => {
    const base = small();
    const gptq = base.clone();
    const rtn = base.clone();
    const m = new GPTQModifier({ ...W4G32, actorder: null });
    createSession(() => oneshot({ model: gptq, recipe: [m], calibrationData: CALIB }));
    createSession(() => oneshot({ model: rtn, recipe: [new QuantizationModifier(W4G32)], pipeline: 'datafree' }));
    expect(m.losses.size).toBe(14);
    // layer 0's inputs are the same for both; compare the layer-wise objective GPTQ minimizes
    const inputs = linearInputs(base, CALIB);
    for (const name of ['model.layers.0.self_attn.q_proj', 'model.layers.0.mlp.gate_proj', 'model.layers.0.mlp.down_proj']) {
      const w = (base.getModule(name) as Linear).weight;
      const g = (gptq.getModule(name) as Linear).weight;
      const r = (rtn.getModule(name) as Linear).weight;
      const [rows, cols] = w.shape;
      // on the grid: at most 16 levels per group of 32
      expect(new Set(g.data.slice(0, 32)).size).toBeLessThanOrEqual(16);
      expect(layerError(w.data, g.data, rows, cols, inputs.get(name)!)).toBeLessThan(layerError(w.data, r.data, rows, cols, inputs.get(name)!));
    }
  });
});

describe('a GPTQModifier without a config of its own (upstream new_quant_*.yaml)', () => {
  it("quantizes the modules the QuantizationModifier before it attached schemes to, and RTN leaves GPTQ's weights alone", () => {
    const model = small();
    const q = new QuantizationModifier(W4G32);
    const g = new GPTQModifier({ block_size: 16 });
    createSession(() => oneshot({ model, recipe: [q, g], calibrationData: CALIB }));
    expect(g.losses.size).toBe(14);
    const w = (model.getModule('model.layers.1.mlp.up_proj') as Linear).weight;
    // GPTQ's weights, not re-rounded by the QuantizationModifier's min-max: each on GPTQ's own scale grid
    const scales = g.quantizationParams.get('model.layers.1.mlp.up_proj')!.scales;
    for (let c = 0; c < 32; c++) {
      const k = w.data[c] / scales.data[0];
      expect(Math.abs(k - Math.round(k))).toBeLessThan(1e-3);
    }
  });
});

describe("the paper's claim at small scale: GPTQ's layer-wise error ≤ RTN's on the same calibration data", () => {
  it.each([1, 2, 3, 4, 5, 6])('random layer, seed %i', (seed) => {
    const rng = new Rng(seed);
    const rows = 24;
    const cols = 48;
    const w = Float64Array.from({ length: rows * cols }, () => rng.normal());
    const gains = Float64Array.from({ length: cols }, () => Math.exp(rng.normal()));
    const xs = [0, 1, 2].map(() => new Tensor(Float64Array.from({ length: 16 * cols }, (_, i) => rng.normal() * gains[i % cols]), [16, cols]));
    const h = new Float64Array(cols * cols);
    for (const x of xs) accumulateGram(h, x.data, 16, cols, 2 / xs.length);
    for (const [strategy, groupSize] of [['channel', null], ['group', 16]] as const) {
      for (const actorder of [null, 'weight'] as const) {
        // float64 (the numpy reference's precision) and float32 (upstream's GPTQ_PRECISION, gptq32.ts)
        for (const dtype of ['float64', 'float32'] as const) {
          const wd = dtype === 'float32' ? Float32Array.from(w) : w;
          const g = gptqQuantize(wd, rows, cols, h, { numBits: 3, symmetric: true, strategy, groupSize, actorder, blockSize: 8, dampeningFrac: 0.01, dtype });
          const r = fakeQuantize(new Tensor(wd, [rows, cols]), { numBits: 3, symmetric: true, strategy, groupSize: groupSize ?? undefined }).value;
          expect(layerError(wd, g.weight, rows, cols, xs)).toBeLessThanOrEqual(layerError(wd, r.data, rows, cols, xs));
        }
      }
    }
  });
});
