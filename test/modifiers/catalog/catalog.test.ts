/** Every 0.12 modifier is registered under its upstream name, with upstream's validators; a removed one is an error naming the versions. */
import { describe, expect, it } from 'vitest';
import { ModifierFactory } from '../../../src/modifiers/factory.ts';
import '../../../src/modifiers/builtins.ts';
import { IMatrixGatherer } from '../../../src/modifiers/quantization/imatrixGatherer.ts';
import { QuIPModifier } from '../../../src/modifiers/quip/index.ts';
import { AWQModifier } from '../../../src/modifiers/awq/index.ts';
import { Recipe } from '../../../src/recipe/index.ts';
import { thrown } from '../../helpers/errors.ts';

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

  it('upstream validators: duo_scaling, QuIP randomize, IMatrixGatherer weight_observer', () => {
    expect(thrown(() => new AWQModifier({ duo_scaling: 'yes' })).message).toContain("duo_scaling must be True, False, or 'both', got 'yes'");
    expect(thrown(() => new QuIPModifier({ randomize: true })).message).toContain('randomize is not supported right now');
    expect(thrown(() => new IMatrixGatherer({ weight_observer: 'mse' })).message).toContain("weight_observer must be 'imatrix_mse'");
    expect(new AWQModifier({ mappings: [{ smooth_layer: 're:.*input_layernorm', balance_layers: ['re:.*q_proj'] }] }).mappings![0].smoothLayer).toBe('re:.*input_layernorm');
  });

  it('OutputDistillationModifier (removed in 0.9): an error naming the versions', () => {
    const err = thrown(() => Recipe.createInstance('distill_stage:\n  distill_modifiers:\n    OutputDistillationModifier:\n      targets: [re:.*mlp]\n'));
    expect(err.message).toContain('was part of LLM Compressor 0.3–0.8');
  });
});
