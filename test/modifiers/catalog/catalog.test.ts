/** Every 0.12 modifier is registered under its upstream name; those without math run the lifecycle and warn. */
import { describe, expect, it } from 'vitest';
import { ModifierFactory } from '../../../src/modifiers/factory.ts';
import '../../../src/modifiers/builtins.ts';
import { AutoRoundModifier, QuIPModifier } from '../../../src/modifiers/uncomputed/index.ts';
import { IMatrixGatherer } from '../../../src/modifiers/quantization/imatrixGatherer.ts';
import { AWQModifier } from '../../../src/modifiers/awq/index.ts';
import { createSession } from '../../../src/lifecycle/session.ts';
import { oneshot } from '../../../src/sim/oneshot.ts';
import { inferPipeline } from '../../../src/sim/pipelines/index.ts';
import { createSyntheticModel } from '../../../src/model/synthetic.ts';
import { Recipe } from '../../../src/recipe/index.ts';
import type { Linear } from '../../../src/model/modules.ts';
import { thrown, useWarningCapture } from '../../helpers/errors.ts';

const warningsNow = useWarningCapture();
const small = () => createSyntheticModel({ dim: 64, hiddenDim: 128, layers: 2, heads: 4, kvHeads: 2, vocab: 64 });
const CALIB = [[1, 2, 3, 4, 5], [6, 7, 8, 9]];

const CATALOG_0_12 = [
  'AutoRoundModifier', 'GPTQModifier', 'LogarithmicEqualizationModifier', 'SparseGPTModifier', 'ConstantPruningModifier',
  'MagnitudePruningModifier', 'WandaPruningModifier', 'QuantizationModifier', 'AWQModifier', 'QuIPModifier',
  'SmoothQuantModifier', 'SpinQuantModifier',
];

describe('the 0.12 catalog', () => {
  it('every upstream modifier name resolves', () => {
    ModifierFactory.refresh();
    const known = ModifierFactory.knownTypes();
    for (const name of CATALOG_0_12) expect(known).toContain(name);
    // upstream's factory only scans names ending in "Modifier": IMatrixGatherer is reachable from Python only
    expect(known).not.toContain('IMatrixGatherer');
  });

  it.each([
    ['QuIPModifier', () => new QuIPModifier({}), 'datafree', 1],
  ])('%s runs the lifecycle, sees each subgraph, warns what it does not compute and leaves the model unchanged', (name, make, pipeline, subgraphs) => {
    const model = small();
    const before = Float64Array.from((model.getModule('model.layers.0.mlp.up_proj') as Linear).weight.data);
    const m = make();
    expect(inferPipeline([m])).toBe(pipeline);
    createSession(() => oneshot({ model, recipe: [m], calibrationData: CALIB }));
    expect([m.started, m.ended, m.subgraphsSeen]).toEqual([true, true, subgraphs]);
    expect(warningsNow().some((w) => w.startsWith(`${name}: `) && w.includes('is not computed by llmc-sim'))).toBe(true);
    expect(Array.from((model.getModule('model.layers.0.mlp.up_proj') as Linear).weight.data)).toEqual(Array.from(before));
  });

  it('upstream validators: duo_scaling, QuIP randomize, IMatrixGatherer weight_observer', () => {
    expect(thrown(() => new AWQModifier({ duo_scaling: 'yes' })).message).toContain("duo_scaling must be True, False, or 'both', got 'yes'");
    expect(thrown(() => new QuIPModifier({ randomize: true })).message).toContain('randomize is not supported right now');
    expect(thrown(() => new IMatrixGatherer({ weight_observer: 'mse' })).message).toContain("weight_observer must be 'imatrix_mse'");
    expect(new AWQModifier({ mappings: [{ smooth_layer: 're:.*input_layernorm', balance_layers: ['re:.*q_proj'] }] }).mappings![0].smoothLayer).toBe('re:.*input_layernorm');
  });

  it('AutoRoundModifier: RTN with the scheme, and a warning that says so', () => {
    const model = small();
    createSession(() => oneshot({ model, recipe: [new AutoRoundModifier({ config_groups: { g: { targets: ['Linear'], weights: { num_bits: 4, group_size: 32 } } }, ignore: ['lm_head'], iters: 0 })], calibrationData: CALIB }));
    expect(warningsNow().some((w) => w.startsWith("AutoRoundModifier: AutoRound's signed-gradient rounding"))).toBe(true);
    const w = (model.getModule('model.layers.0.mlp.down_proj') as Linear).weight.data;
    expect(new Set(w.slice(0, 32)).size).toBeLessThanOrEqual(16);
  });

  it('OutputDistillationModifier (removed in 0.9): an error naming the versions', () => {
    const err = thrown(() => Recipe.createInstance('distill_stage:\n  distill_modifiers:\n    OutputDistillationModifier:\n      targets: [re:.*mlp]\n'));
    expect(err.message).toContain('was part of LLM Compressor 0.3–0.8');
  });
});
