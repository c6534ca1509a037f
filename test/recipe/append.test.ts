// §8.4 appending to a saved recipe (upstream append_recipe_dict), Q20.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Recipe, appendRecipeDict } from '../../src/recipe/index.ts';
import { TestModifier, tempFile } from './helpers.ts';

const appendN = (n: number, fidelity: 'default' | 'reference') => {
  let d: Record<string, unknown> = {};
  for (let i = 1; i <= n; i++) d = appendRecipeDict(d, { x_stage: i }, { fidelity });
  return d;
};

describe('appendRecipeDict', () => {
  it('adds new keys; a repeated plain key becomes _0 and _1', () => {
    expect(appendRecipeDict({ a_stage: 1 }, { b_stage: 2 })).toEqual({ a_stage: 1, b_stage: 2 });
    for (const fidelity of ['default', 'reference'] as const) expect(appendN(2, fidelity)).toEqual({ x_stage_0: 1, x_stage_1: 2 });
  });

  it('a suffixed key gets the first free suffix ≥ 1', () => {
    expect(appendRecipeDict({ x_stage_0: 1, x_stage_1: 2 }, { x_stage_1: 3 })).toEqual({ x_stage_0: 1, x_stage_1: 2, x_stage_2: 3 });
  });

  it("'reference' (Q20): the plain key re-appears on the third append, the fourth overwrites _0/_1", () => {
    expect(appendN(3, 'reference')).toEqual({ x_stage_0: 1, x_stage_1: 2, x_stage: 3 });
    expect(appendN(4, 'reference')).toEqual({ x_stage_0: 3, x_stage_1: 4 });
  });

  it("'default': always the next free suffix, nothing lost", () => {
    expect(appendN(3, 'default')).toEqual({ x_stage_0: 1, x_stage_1: 2, x_stage_2: 3 });
    expect(appendN(5, 'default')).toEqual({ x_stage_0: 1, x_stage_1: 2, x_stage_2: 3, x_stage_3: 4, x_stage_4: 5 });
  });

  it('does not change its inputs', () => {
    const a = { x_stage: 1 };
    appendRecipeDict(a, { x_stage: 2 });
    expect(a).toEqual({ x_stage: 1 });
  });

  it('toYaml({existingRecipePath, filePath}) appends to a saved recipe and writes the file', () => {
    const saved = tempFile('saved.yaml', Recipe.createInstance(new TestModifier({ start: 1 })).toYaml());
    const out = tempFile('out.yaml', '');
    const text = Recipe.createInstance(new TestModifier({ start: 2 })).toYaml({ existingRecipePath: saved, filePath: out });
    expect(readFileSync(out, 'utf8')).toBe(text);
    const back = Recipe.createInstance(out);
    expect(back.modifiers.map((m) => m.start)).toEqual([1, 2]);
    expect(Recipe.createInstance(out, { fidelity: 'reference' }).modifiers).toEqual([]);
  });
});
