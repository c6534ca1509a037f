/**
 * AWQModifier: the search against the float64 numpy reference (bench/python/awq_reference.py, fixtures in
 * test/fixtures/awq), the grid upstream runs, mapping resolution with upstream's skips, the parent forward
 * against the model's own, folding that keeps the float model's outputs, and the paper's claim at small
 * scale on the synthetic model: every mapping's chosen scales lose no more than identity (ratio 0).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AWQModifier } from '../../../src/modifiers/awq/index.ts';
import { awqLoss, computeBestScales } from '../../../src/modifiers/awq/bestScales.ts';
import { candidateScales, gridSearchParams, layerMeans } from '../../../src/modifiers/awq/search.ts';
import { parentRunner } from '../../../src/modifiers/awq/parentForward.ts';
import { QuantizationModifier } from '../../../src/modifiers/quantization/base.ts';
import { attachScheme } from '../../../src/modifiers/quantization/attached.ts';
import { presetScheme, type QuantizationArgs } from '../../../src/modifiers/quantization/presets.ts';
import { createSession } from '../../../src/lifecycle/session.ts';
import { oneshot } from '../../../src/sim/oneshot.ts';
import { inferPipeline } from '../../../src/sim/pipelines/index.ts';
import { createSyntheticModel } from '../../../src/model/synthetic.ts';
import { Linear, type LlamaRMSNorm } from '../../../src/model/modules.ts';
import { linear } from '../../../src/tensor/ops.ts';
import { Tensor } from '../../../src/tensor/tensor.ts';
import { thrown, useWarningCapture } from '../../helpers/errors.ts';

const warningsNow = useWarningCapture();
const CALIB = Array.from({ length: 3 }, (_, b) => Array.from({ length: 10 }, (_, t) => (b * 17 + t * 3) % 64));
const model = (kvHeads = 2) => createSyntheticModel({ dim: 64, hiddenDim: 128, layers: 2, heads: 4, kvHeads, vocab: 64 });
const W4_GROUP = { config_groups: { g: { targets: ['Linear'], weights: { num_bits: 4, strategy: 'group', group_size: 32 } } }, ignore: ['lm_head'] };

interface Case {
  name: string; parent: 'linear' | 'mlp'; bits: number; symmetric: boolean; group: number | null; nGrid: number; duo: boolean | 'both';
  X: number[][]; tokens: number; dim: number; weights: Record<string, { shape: number[]; data: number[] }>; balance: string[];
  xMean: number[]; wMean: number[]; losses: number[]; candidates: number[][]; bestRatio: number; bestDuo: boolean; bestScales: number[];
}
const cases = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'awq', 'cases.json'), 'utf8')) as Case[];
const args = (c: Case): QuantizationArgs => ({
  numBits: c.bits, type: 'int', strategy: c.group === null ? 'channel' : 'group', groupSize: c.group, symmetric: c.symmetric, dynamic: false, actorder: null, observer: 'memoryless_minmax',
});
const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

/*
 * Tolerances: candidate scales within 1e-12 relative (Math.pow and numpy's power differ in the last bits);
 * the loss of the reference's own scales within 1e-9 relative (summation order). The loss of our scales is
 * not compared: a weight at its group's max quantizes to exactly ±(qmax − qmin)/2, a rounding tie that one
 * bit of s decides — upstream's torch is as sensitive — so the chosen candidate is compared instead.
 */
describe('the search = the float64 numpy reference', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const layers = Object.fromEntries(Object.entries(c.weights).map(([k, w]) => [k, new Linear(k, new Tensor(Float64Array.from(w.data), w.shape))]));
    const silu = (t: Tensor) => t.data.forEach((v, i) => (t.data[i] = v / (1 + Math.exp(-v))));
    const run = c.parent === 'linear'
      ? (x: Tensor) => linear(x, layers.balance0.weight)
      : (x: Tensor) => {
        const g = linear(x, layers.gate.weight), u = linear(x, layers.up.weight);
        silu(g);
        g.data.forEach((v, i) => (g.data[i] = v * u.data[i]));
        return linear(g, layers.down.weight);
      };
    const inputs = c.X.map((x) => new Tensor(Float64Array.from(x), [c.tokens, c.dim]));
    const xSum = new Float64Array(c.dim);
    inputs.forEach((x) => x.data.forEach((v, i) => (xSum[i % c.dim] += Math.abs(v))));
    const balance = c.balance.map((b) => ({ layer: layers[b], args: args(c) }));
    const before = balance.map(({ layer }) => layer.weight);
    const wMean = layerMeans(balance.map(({ layer }) => ({ data: layer.weight.data, rows: layer.outFeatures, cols: layer.inFeatures, args: args(c) })), () => {});
    wMean.forEach((v, j) => expect(rel(v, c.wMean[j])).toBeLessThan(1e-12));
    const xMean = xSum.map((v) => v / (inputs.length * c.tokens));
    xMean.forEach((v, j) => expect(rel(v, c.xMean[j])).toBeLessThan(1e-15));
    const grid = gridSearchParams(c.nGrid, c.duo);
    expect(grid).toHaveLength(c.losses.length);
    const loss = awqLoss(balance.map(({ layer, args: a }) => ({ layer, args: a, orig: layer.weight })), inputs, inputs.map(run), run);
    grid.forEach(([ratio, duo], i) => {
      candidateScales(xMean, wMean, ratio, duo).forEach((v, j) => expect(rel(v, c.candidates[i][j])).toBeLessThan(1e-12));
      expect(rel(loss(Float64Array.from(c.candidates[i])), c.losses[i])).toBeLessThan(1e-9);
    });
    balance.forEach(({ layer }, i) => (layer.weight = before[i]));
    const r = computeBestScales({ balance, xSum, tokens: inputs.length * c.tokens, inputs, run, nGrid: c.nGrid, duoScaling: c.duo, warn: () => {} });
    expect(r.history).toHaveLength(c.losses.length);
    expect([r.ratio, r.duo]).toEqual([c.bestRatio, c.bestDuo]);
    r.scales.forEach((v, j) => expect(rel(v, c.bestScales[j])).toBeLessThan(1e-9));
    expect(balance.map(({ layer }) => layer.weight)).toEqual(before); // weights restored after the search
  });
});

describe('the grid (upstream _get_grid_search_params)', () => {
  it('True: identity first, then n_grid − 1 duo ratios; False: n_grid plain; both: n_grid/2 ratios each plain then duo', () => {
    const t = gridSearchParams(20, true);
    expect(t).toHaveLength(20);
    expect(t[0]).toEqual([0, false]);
    expect(t.slice(1).every(([, d]) => d)).toBe(true);
    expect(t[19]).toEqual([1, true]);
    expect(gridSearchParams(5, false)).toEqual([[0, false], [0.25, false], [0.5, false], [0.75, false], [1, false]]);
    expect(gridSearchParams(6, 'both')).toEqual([[0, false], [0, true], [0.5, false], [0.5, true], [1, false], [1, true]]);
  });
});

describe("upstream's AWQ recipes (examples/upstream) now compute", () => {
  it.each(['recipe_w4a16_awq_sym.yaml', 'recipe_w4a16_awq_asym.yaml'])('%s scales the norms and warns nothing about AWQ', (file) => {
    const m = createSyntheticModel();
    const norm = () => Array.from((m.getModule('model.layers.0.post_attention_layernorm') as LlamaRMSNorm).weight.data);
    const before = norm();
    createSession(() => oneshot({ model: m, recipe: join(import.meta.dirname, '..', '..', '..', 'examples', 'upstream', file), calibrationData: CALIB }));
    expect(norm()).not.toEqual(before); // only AWQ touches a norm: its 1/s
    expect(warningsNow().filter((w) => w.startsWith('AWQModifier'))).toEqual([]);
  });
});

describe('the modifier', () => {
  it('infers sequential and validates duo_scaling as upstream', () => {
    expect(inferPipeline([new AWQModifier()])).toBe('sequential');
    expect(thrown(() => new AWQModifier({ duo_scaling: 'yes' })).message).toContain("duo_scaling must be True, False, or 'both', got 'yes'");
  });

  it('resolves the Llama default mappings; v_proj → o_proj is skipped under grouped-query attention', () => {
    const awq = new AWQModifier({ n_grid: 4 });
    createSession(() => oneshot({ model: model(2), recipe: [awq, new QuantizationModifier(W4_GROUP)], calibrationData: CALIB }));
    expect(awq.errorMetrics.map((m) => [m.layerName, m.parentName])).toEqual([
      ['model.layers.0.input_layernorm', 'model.layers.0.self_attn'], ['model.layers.0.post_attention_layernorm', 'model.layers.0.mlp'],
      ['model.layers.0.mlp.up_proj', 'model.layers.0.mlp.down_proj'],
      ['model.layers.1.input_layernorm', 'model.layers.1.self_attn'], ['model.layers.1.post_attention_layernorm', 'model.layers.1.mlp'],
      ['model.layers.1.mlp.up_proj', 'model.layers.1.mlp.down_proj'],
    ]);
    expect(warningsNow()).toContain('2 mappings were skipped due to incompatible shapes. Set logging to DEBUG to view full list.');
  });

  it('skips mappings whose layers no scheme targets, with upstream\'s warning', () => {
    const awq = new AWQModifier({ n_grid: 4 });
    createSession(() => oneshot({ model: model(4), recipe: [awq, new QuantizationModifier({ ...W4_GROUP, ignore: ['lm_head', 're:.*mlp.*'] })], calibrationData: CALIB }));
    expect(awq.errorMetrics.map((m) => m.layerName)).toEqual(['model.layers.0.input_layernorm', 'model.layers.0.self_attn.v_proj', 'model.layers.1.input_layernorm', 'model.layers.1.self_attn.v_proj']);
    expect(warningsNow().some((w) => w.startsWith("Skipping model.layers.0.post_attention_layernorm for mapping AWQMapping(smooth_layer='re:.*post_attention_layernorm$'") && w.endsWith('because no layers are targeted for quantization.'))).toBe(true);
  });

  it('duo_scaling with a TENSOR weight strategy is refused (upstream text)', () => {
    const recipe = [new AWQModifier(), new QuantizationModifier({ config_groups: { g: { targets: ['Linear'], weights: { num_bits: 8, strategy: 'tensor' } } }, ignore: ['lm_head'] })];
    expect(thrown(() => createSession(() => oneshot({ model: model(), recipe, calibrationData: CALIB }))).message).toContain(
      'duo_scaling is only supported with per-channel quantization strategies (group or channel), but found TENSOR strategy on layer model.layers.0.self_attn.q_proj',
    );
  });

  it('the parent forward equals the model forward (attention, MLP)', () => {
    const m = model(2);
    const seen: Record<string, Tensor> = {};
    const keep = (name: string) => (t: Tensor) => void (seen[name] = t);
    const l = (n: string) => m.getModule(n) as Linear;
    l('model.layers.1.self_attn.q_proj').registerForwardPreHook(keep('attnIn'));
    l('model.layers.1.self_attn.o_proj').registerForwardHook(keep('attnOut'));
    l('model.layers.1.mlp.gate_proj').registerForwardPreHook(keep('mlpIn'));
    l('model.layers.1.mlp.down_proj').registerForwardHook(keep('mlpOut'));
    m.forward([3, 1, 4, 1, 5, 9, 2, 6]);
    const attn = parentRunner(m, 'model.layers.1.self_attn', m.getModule('model.layers.1.self_attn')!).run(seen.attnIn);
    const mlp = parentRunner(m, 'model.layers.1.mlp', m.getModule('model.layers.1.mlp')!).run(seen.mlpIn);
    expect(Array.from(attn.data)).toEqual(Array.from(seen.attnOut.data));
    expect(Array.from(mlp.data)).toEqual(Array.from(seen.mlpOut.data));
    expect(() => parentRunner(m, 'model.layers.1', m.getModule('model.layers.1')!)).toThrow('llmc-sim cannot run the parent module model.layers.1 (LlamaDecoderLayer)');
  });

  it('folding the scales keeps the float model\'s outputs (smooth / s, balance · s)', () => {
    const m = model(4);
    for (const [name, mod] of m.namedModules()) if (mod.kind === 'linear' && name !== 'lm_head') attachScheme(mod, presetScheme('W4A16', ['Linear']));
    const before = Float64Array.from(m.forward([1, 2, 3, 4, 5]).data);
    const norm = Float64Array.from((m.getModule('model.layers.0.input_layernorm') as LlamaRMSNorm).weight.data);
    const awq = new AWQModifier({ n_grid: 6 });
    createSession(() => oneshot({ model: m, recipe: [awq], calibrationData: CALIB }));
    expect(awq.errorMetrics).toHaveLength(8);
    const s = awq.appliedScales.get('model.layers.0.input_layernorm')!;
    expect(s.some((v) => Math.abs(v - 1) > 0.01)).toBe(true);
    const g = (m.getModule('model.layers.0.input_layernorm') as LlamaRMSNorm).weight.data;
    g.forEach((v, j) => expect(v).toBeCloseTo(norm[j] / s[j], 5));
    const after = m.forward([1, 2, 3, 4, 5]).data;
    const scale = Math.max(...before.map(Math.abs));
    after.forEach((v, i) => expect(Math.abs(v - before[i])).toBeLessThan(1e-4 * scale));
  });

  it("the paper's claim at small scale: each mapping's chosen loss ≤ identity's (ratio 0), and AWQ + W4 beats RTN W4 on the synthetic model", () => {
    const calib = Array.from({ length: 6 }, (_, b) => Array.from({ length: 16 }, (_, t) => (b * 13 + t * 7 + 1) % 64));
    const evalSeq = [5, 9, 12, 33, 40, 2, 7, 61, 20, 18, 44, 3];
    const float = model(4);
    const ref = Float64Array.from(float.forward(evalSeq).data);
    const mse = (m: ReturnType<typeof model>) => Array.from(m.forward(evalSeq).data).reduce((acc, v, i) => acc + (v - ref[i]) ** 2, 0) / ref.length;
    const rtn = float.clone();
    createSession(() => oneshot({ model: rtn, recipe: [new QuantizationModifier(W4_GROUP)], calibrationData: calib }));
    const awqModel = float.clone();
    const awq = new AWQModifier();
    createSession(() => oneshot({ model: awqModel, recipe: [awq, new QuantizationModifier(W4_GROUP)], calibrationData: calib }));
    for (const e of awq.errorMetrics) {
      const identity = e.history.find((h) => h.ratio === 0 && !h.duo)!;
      expect(e.bestError).toBeLessThanOrEqual(identity.error);
    }
    expect(awq.errorMetrics.some((e) => e.bestError < 0.9 * e.initialError)).toBe(true);
    expect(mse(awqModel)).toBeLessThan(mse(rtn));
  });
});
