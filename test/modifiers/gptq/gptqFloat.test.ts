/**
 * GPTQModifier on the float formats (upstream 0.12 runs GPTQ on NVFP4, MX and FP8 block/group weights):
 * the NVFP4 example's recipe end to end, its scales (with q/k/v's and gate/up's fused global scales) those
 * the RTN path computes from the same weights, and a lower layer-wise error than RTN's.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { GPTQModifier } from '../../../src/modifiers/gptq/index.ts';
import { QuantizationModifier } from '../../../src/modifiers/quantization/index.ts';
import { createSession } from '../../../src/lifecycle/session.ts';
import { oneshot } from '../../../src/sim/oneshot.ts';
import { createSyntheticModel } from '../../../src/model/synthetic.ts';
import type { Linear } from '../../../src/model/modules.ts';
import { Recipe } from '../../../src/recipe/index.ts';
import { useWarningCapture } from '../../helpers/errors.ts';
import { layerError, linearInputs } from '../../helpers/layerwise.ts';

const warnings = useWarningCapture();
const small = () => createSyntheticModel({ dim: 64, hiddenDim: 128, layers: 2, heads: 4, kvHeads: 2, vocab: 64 });
const CALIB = Array.from({ length: 4 }, (_, b) => Array.from({ length: 12 }, (_, t) => (b * 13 + t * 7) % 64));
const RECIPE = fileURLToPath(new URL('../../../examples/upstream/llama3_gptq_nvfp4.yaml', import.meta.url));
const LAYER0 = ['self_attn.q_proj', 'self_attn.k_proj', 'self_attn.v_proj', 'self_attn.o_proj', 'mlp.gate_proj', 'mlp.up_proj', 'mlp.down_proj']
  .map((m) => `model.layers.0.${m}`);

describe("upstream's NVFP4 GPTQ example (examples/quantization_w4a4_fp4/llama3_gptq_example.py)", () => {
  it('runs end to end: every Linear but lm_head by GPTQ, layer 0 with RTN\'s scales (fused global scales) and a lower layer-wise error', () => {
    const base = small();
    const gptq = base.clone();
    const rtn = base.clone();
    const recipe = Recipe.createInstance(RECIPE);
    const m = recipe.modifiers[0] as GPTQModifier;
    createSession(() => oneshot({ model: gptq, recipe, calibrationData: CALIB }));
    expect(m.losses.size).toBe(14);
    expect([...m.losses.values()].every((l) => Number.isFinite(l) && l > 0)).toBe(true);
    const q = new QuantizationModifier({ scheme: 'NVFP4', ignore: ['lm_head'] });
    createSession(() => oneshot({ model: rtn, recipe: [q], calibrationData: CALIB }));
    const inputs = linearInputs(base, CALIB);
    for (const name of LAYER0) {
      // layer 0's weights are the original ones when GPTQ observes them, so its scales are RTN's, global scale included;
      // q/k/v and gate/up take it fused over their siblings before any of them is written
      expect(Array.from(m.quantizationParams.get(name)!.scales.data), name).toEqual(Array.from(q.quantizationParams.get(name)!.scales.data));
      const w = (base.getModule(name) as Linear).weight;
      const g = (gptq.getModule(name) as Linear).weight;
      const r = (rtn.getModule(name) as Linear).weight;
      expect(layerError(w, g, inputs.get(name)!), name).toBeLessThan(layerError(w, r, inputs.get(name)!));
    }
    expect(Array.from(gptq.forward([1, 2, 3]).data).every(Number.isFinite)).toBe(true);
    expect(warnings().filter((w) => w.includes('GPTQ'))).toEqual([]);
  });

  it.each(['MXFP4A16', 'MXFP8A16', 'FP8_BLOCK', 'NVFP4A16'])('%s under GPTQ: every Linear quantized, lower layer-wise error than RTN on layer 0', (scheme) => {
    const base = small();
    const gptq = base.clone();
    const rtn = base.clone();
    const m = new GPTQModifier({ scheme, ignore: ['lm_head'] });
    createSession(() => oneshot({ model: gptq, recipe: [m], calibrationData: CALIB }));
    createSession(() => oneshot({ model: rtn, recipe: [new QuantizationModifier({ scheme, ignore: ['lm_head'] })], calibrationData: CALIB }));
    expect(m.losses.size).toBe(14);
    const inputs = linearInputs(base, CALIB);
    for (const name of LAYER0) {
      const w = (base.getModule(name) as Linear).weight;
      const g = (gptq.getModule(name) as Linear).weight;
      const r = (rtn.getModule(name) as Linear).weight;
      expect(layerError(w, g, inputs.get(name)!), name).toBeLessThanOrEqual(layerError(w, r, inputs.get(name)!));
    }
  });

  it('actorder group on a block strategy falls back to none with the upstream warning', () => {
    const m = new GPTQModifier({ scheme: 'FP8_BLOCK', actorder: 'group' });
    expect(m.resolvedSchemes()[0].weights!.actorder).toBeNull();
    expect(warnings()).toContain('ActivationOrdering.GROUP is not compatible with strategy=block; falling back to actorder=None for this scheme.');
    expect(new GPTQModifier({ scheme: 'NVFP4', actorder: 'group' }).resolvedSchemes()[0].weights!.actorder).toBe('group');
  });
});
