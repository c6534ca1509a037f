/** The recipes in examples/ parse and run as their comments say. */
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { Recipe, createSession, loadModel, oneshot, simulateTraining, createSyntheticModel } from '../../src/index.ts';
import { useWarningCapture } from '../helpers/errors.ts';

const example = (name: string) => fileURLToPath(new URL(`../../examples/${name}`, import.meta.url));
const stories = fileURLToPath(new URL('../../models/stories260K.bin', import.meta.url));
useWarningCapture();

describe('examples/', () => {
  it('training.yaml: three pruning modifiers that all start and end within 3 epochs of 4 steps', () => {
    const recipe = Recipe.createInstance(example('training.yaml'));
    expect(recipe.modifiers.map((m) => m.constructor.name)).toEqual(['MagnitudePruningModifier', 'ConstantPruningModifier', 'MagnitudePruningModifier']);
    simulateTraining({ recipe, model: createSyntheticModel(), epochs: 3, stepsPerEpoch: 4 });
    expect(recipe.modifiers.map((m) => m.started)).toEqual([true, true, true]);
    expect(recipe.modifiers.map((m) => m.finalized)).toEqual([true, true, true]);
  });

  it('spinquant.yaml: rotates and quantizes stories260K one-shot', async () => {
    const model = await loadModel(stories);
    const before = model.contentHash();
    createSession(() => oneshot({ model, recipe: example('spinquant.yaml') }));
    expect(model.contentHash()).not.toBe(before);
    expect(model.getModule('model.layers.0.mlp.down_proj.R4_input')).toBeDefined();
    expect(Array.from(model.forward([1, 2, 3]).data).every(Number.isFinite)).toBe(true);
  });
});
