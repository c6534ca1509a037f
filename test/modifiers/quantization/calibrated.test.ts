/**
 * Calibrated quantization through oneshot on the synthetic model (issue 11 scope 3): kv_cache_scheme (keys
 * after RoPE and values, per tensor or per KV head), output activations (static and dynamic), the MSE weight
 * observers and IMatrixGatherer + imatrix_mse. Layer 0 sees the float model's activations during calibration,
 * so its results are compared exactly with the kernels applied to the float model's own states.
 */
import { describe, expect, it } from 'vitest';
import { QuantizationModifier } from '../../../src/modifiers/quantization/index.ts';
import { IMatrixGatherer } from '../../../src/modifiers/quantization/imatrixGatherer.ts';
import { GPTQModifier } from '../../../src/modifiers/gptq/index.ts';
import { presetScheme } from '../../../src/modifiers/quantization/presets.ts';
import { mseQuantizeWeight } from '../../../src/modifiers/quantization/observers/mseWeights.ts';
import { accumulateImportance, newImportance, normalizedImportance, settleImportance } from '../../../src/modifiers/quantization/observers/importance.ts';
import { createSession } from '../../../src/lifecycle/session.ts';
import { oneshot } from '../../../src/sim/oneshot.ts';
import { inferPipeline } from '../../../src/sim/pipelines/index.ts';
import { createSyntheticModel } from '../../../src/model/synthetic.ts';
import type { Linear, LlamaAttention } from '../../../src/model/modules.ts';
import type { Model } from '../../../src/model/model.ts';
import { dataRange, fakeQuantizeFp8Static, fakeQuantizeOp, fakeQuantizeStatic, fp8TensorScale, tensorQParams } from '../../../src/tensor/ops.ts';
import { Tensor } from '../../../src/tensor/tensor.ts';
import type { Modifier } from '../../../src/modifiers/modifier.ts';
import { useWarningCapture } from '../../helpers/errors.ts';

const warnings = useWarningCapture();
const model = () => createSyntheticModel({ dim: 128, hiddenDim: 256, layers: 2, heads: 4, kvHeads: 2, vocab: 64 });
const CALIB = [[1, 2, 3, 4, 5, 6], [7, 8, 9, 10], [11, 12, 13, 14, 15]];
const PROBE = [20, 21, 22, 23];
const ATTN0 = 'model.layers.0.self_attn';
const Q0 = 'model.layers.0.self_attn.q_proj';
const plus0 = (t: Tensor | ArrayLike<number>) => Array.from('data' in t ? t.data : t, (v) => v + 0);
const attn = (m: Model, name = ATTN0) => m.getModule(name) as LlamaAttention;
const linear = (m: Model, name: string) => m.getModule(name) as Linear;

/** The float model's layer-0 key and value states for each calibration batch and for the probe. */
function floatStates(m: Model) {
  const keys: Tensor[] = [];
  const values: Tensor[] = [];
  const hk = attn(m).registerKeyHook((k) => void keys.push(k));
  const hv = attn(m).registerValueHook((v) => void values.push(v));
  for (const b of [...CALIB, PROBE]) m.forward(b);
  hk.remove();
  hv.remove();
  return { keys, values };
}

/** Runs the recipe on a fresh model; returns it with its float twin. */
function run(recipe: Modifier[]) {
  const quantized = model();
  const original = quantized.clone();
  createSession(() => oneshot({ model: quantized, recipe, calibrationData: CALIB }));
  return { quantized, original };
}

/** The layer-0 key and value states the quantized model hands on (after its own hooks) for the probe. */
function probedStates(m: Model) {
  let k: Tensor | null = null;
  let v: Tensor | null = null;
  attn(m).registerKeyHook((x) => void (k = x));
  attn(m).registerValueHook((x) => void (v = x));
  m.forward(PROBE);
  return { k: k! as Tensor, v: v! as Tensor };
}

describe('kv_cache_scheme', () => {
  it('FP8 per tensor (tests/e2e/recipes/kv_cache/default.yaml): k_scale/v_scale from the last calibration batch (memoryless_minmax), keys after RoPE', () => {
    const qm = new QuantizationModifier({ kv_cache_scheme: { num_bits: 8, type: 'float', symmetric: true, strategy: 'tensor' } });
    expect(inferPipeline([qm])).toBe('sequential');
    const { quantized, original } = run([qm]);
    const { keys, values } = floatStates(original);
    const last = CALIB.length - 1;
    const scale = (t: Tensor) => {
      const { lo, hi } = dataRange(t.data);
      return fp8TensorScale(lo, hi, t.dtype);
    };
    const got = probedStates(quantized);
    expect(plus0(got.k)).toEqual(plus0(fakeQuantizeFp8Static(keys[CALIB.length], scale(keys[last]))));
    expect(plus0(got.v)).toEqual(plus0(fakeQuantizeFp8Static(values[CALIB.length], scale(values[last]))));
    expect(plus0(got.k)).not.toEqual(plus0(keys[CALIB.length]));
    // every layer's cache is quantized, the weights are not
    expect(warnings().filter((w) => w.includes('KV cache'))).toEqual([]);
    expect(plus0(linear(quantized, Q0).weight)).toEqual(plus0(linear(original, Q0).weight));
    // the KV-cached decoder runs the same hooks: its last step is the full forward's last row
    const full = quantized.forward(PROBE);
    const dec = quantized.decoder();
    let row: ArrayLike<number> = [];
    for (const t of PROBE) row = dec.step(t);
    const vocab = full.shape[1];
    expect(plus0(Array.from(row))).toEqual(plus0(full.data.slice((PROBE.length - 1) * vocab)));
  });

  it('attn_head (llama3_fp8_head_kv_example.py): one scale per KV head, static_minmax over every batch', () => {
    const qm = new QuantizationModifier({ kv_cache_scheme: { num_bits: 8, type: 'float', strategy: 'attn_head', observer: 'static_minmax' } });
    const { quantized, original } = run([qm]);
    const { keys } = floatStates(original);
    const heads = attn(original).numKvHeads;
    const hd = attn(original).headDim;
    const headCols = (t: Tensor, h: number) => {
      const rows = t.shape[0];
      const out = Tensor.zeros([rows, hd], t.dtype);
      for (let r = 0; r < rows; r++) out.data.set(t.data.subarray(r * heads * hd + h * hd, r * heads * hd + (h + 1) * hd), r * hd);
      return out;
    };
    const got = probedStates(quantized);
    const scales: number[] = [];
    for (let h = 0; h < heads; h++) {
      let lo = Infinity;
      let hi = -Infinity;
      for (const k of keys.slice(0, CALIB.length)) {
        const r = dataRange(headCols(k, h).data);
        lo = Math.min(lo, r.lo);
        hi = Math.max(hi, r.hi);
      }
      scales.push(fp8TensorScale(lo, hi, 'float32'));
      expect(plus0(headCols(got.k, h))).toEqual(plus0(fakeQuantizeFp8Static(headCols(keys[CALIB.length], h), scales[h])));
    }
    expect(new Set(scales).size).toBe(heads);
  });

  it('asymmetric: upstream\'s warning, then a failure (compressed-tensors raises the warning\'s None)', () => {
    const qm = new QuantizationModifier({ kv_cache_scheme: { num_bits: 8, symmetric: false } });
    expect(() => createSession(() => oneshot({ model: model(), recipe: [qm], calibrationData: CALIB }))).toThrow('vLLM does not support asymmetric kv cache quantization');
    expect(warnings()).toContain('vLLM does not support asymmetric kv cache quantization');
  });

  it('without calibration data the cache stays float, with a warning', () => {
    const m = model();
    createSession(() => oneshot({ model: m, recipe: [new QuantizationModifier({ kv_cache_scheme: { num_bits: 8, type: 'float' } })], pipeline: 'datafree' }));
    expect(warnings().some((w) => w === `QuantizationModifier: the KV cache of ${ATTN0} saw no calibration data, so its keys and values stay unquantized (pass a dataset)`)).toBe(true);
  });
});

describe('output activations', () => {
  const outputs = (m: Model, batches: number[][]) => {
    const out: Tensor[] = [];
    const h = linear(m, Q0).registerForwardHook((y) => void out.push(y));
    for (const b of batches) m.forward(b);
    h.remove();
    return out;
  };

  it('static per tensor (static_minmax): the output fake-quantized with the range of every calibration output', () => {
    const groups = { g: { targets: ['re:.*q_proj$'], output_activations: { num_bits: 8, type: 'int', strategy: 'tensor', observer: 'static_minmax' } } };
    const { quantized, original } = run([new QuantizationModifier({ config_groups: groups })]);
    const calib = outputs(original, CALIB);
    let lo = Infinity;
    let hi = -Infinity;
    for (const y of calib) {
      const r = dataRange(y.data);
      lo = Math.min(lo, r.lo);
      hi = Math.max(hi, r.hi);
    }
    const [expected] = outputs(original, [PROBE]);
    const [got] = outputs(quantized, [PROBE]);
    expect(plus0(got)).toEqual(plus0(fakeQuantizeStatic(expected, tensorQParams(lo, hi, 8, true, 'float32'))));
  });

  it('dynamic per token: each output row quantized from its own range', () => {
    const groups = { g: { targets: ['re:.*q_proj$'], output_activations: { num_bits: 8, strategy: 'token', dynamic: true } } };
    const { quantized, original } = run([new QuantizationModifier({ config_groups: groups })]);
    const [expected] = outputs(original, [PROBE]);
    const [got] = outputs(quantized, [PROBE]);
    expect(plus0(got)).toEqual(plus0(fakeQuantizeOp(expected, { numBits: 8, symmetric: true, strategy: 'token' }).value));
  });
});

describe('MSE weight observers through oneshot', () => {
  it('W4A16 with weight_observer mse: memoryless_mse grid search on every weight (with upstream\'s override warning)', () => {
    const targets = ['re:.*layers.0.self_attn.q_proj$', 're:.*layers.1.mlp.down_proj$'];
    const { quantized, original } = run([new QuantizationModifier({ scheme: 'W4A16', targets, weight_observer: 'mse' })]);
    const args = { ...presetScheme('W4A16', ['Linear']).weights!, observer: 'mse' };
    for (const name of [Q0, 'model.layers.1.mlp.down_proj']) {
      expect(plus0(linear(quantized, name).weight)).toEqual(plus0(mseQuantizeWeight(linear(original, name).weight, args, null).value));
    }
    expect(warnings()).toContain('Overriding weight observer for lower memory usage (mse -> memoryless_mse)');
  });

  it('GPTQ does not take its scales from an MSE observer here: a warning says so', () => {
    run([new GPTQModifier({ scheme: 'W4A16', targets: ['re:.*layers.0.self_attn.q_proj$'], weight_observer: 'mse' })]);
    expect(warnings()).toContain(
      "GPTQModifier: the 'mse' weight observer's ranges are not used by llmc-sim's GPTQModifier (it takes min-max ranges); upstream computes its scales from the observer",
    );
  });

  it('IMatrixGatherer + imatrix_mse (examples/imatrix/llama3_imatrix_example.py): E[x²] of the calibration inputs weighs the search', () => {
    const scheme = { ...presetScheme('W4A16', ['Linear']), weights: { ...presetScheme('W4A16', ['Linear']).weights!, observer: 'imatrix_mse' } };
    const groups = { group_0: { targets: ['re:.*q_proj$'], weights: { num_bits: 4, type: 'int', strategy: 'group', group_size: 128, symmetric: true, observer: 'imatrix_mse' } } };
    const gatherer = new IMatrixGatherer({ ignore: ['lm_head'] });
    expect(inferPipeline([gatherer])).toBe('sequential');
    const { quantized, original } = run([gatherer, new QuantizationModifier({ config_groups: groups, ignore: ['lm_head'] })]);
    const acc = newImportance(128);
    const h = linear(original, Q0).registerForwardPreHook((x) => accumulateImportance(acc, x));
    for (const b of CALIB) original.forward(b);
    h.remove();
    settleImportance(acc, true);
    expect(gatherer.importance.get(Q0)!.count).toBe(15);
    expect(Array.from(gatherer.importance.get(Q0)!.sum)).toEqual(Array.from(acc.sum));
    const imp = normalizedImportance(acc, 'group', 128) as Float64Array;
    const expected = mseQuantizeWeight(linear(original, Q0).weight, scheme.weights, imp).value;
    expect(plus0(linear(quantized, Q0).weight)).toEqual(plus0(expected));
    // the importance changes the choice somewhere: not the uniform search's result
    expect(plus0(linear(quantized, Q0).weight)).not.toEqual(plus0(mseQuantizeWeight(linear(original, Q0).weight, scheme.weights, null).value));
    // a QuantizationModifier alone with weight-only schemes runs datafree: no importance, the uniform search
    const alone = new QuantizationModifier({ config_groups: groups, ignore: ['lm_head'] });
    expect(inferPipeline([alone])).toBe('datafree');
    const aloneModel = run([alone]).quantized;
    expect(warnings()).toContain('imatrix_mse: no importance data available. Falling back to uniform MSE.');
    expect(plus0(linear(aloneModel, Q0).weight)).toEqual(plus0(mseQuantizeWeight(linear(original, Q0).weight, scheme.weights, null).value));
  });
});
