// §8.3: what createInstance accepts — a Recipe, Modifiers (nested arrays), text, E54.
import { describe, expect, it } from 'vitest';
import { Recipe, RecipeInputTypeError, RecipeModifiersTypeError } from '../../src/recipe/index.ts';
import { ValueError } from '../../src/core/errors.ts';
import { OtherModifier, TestModifier, thrown } from './helpers.ts';

describe('Recipe.createInstance inputs', () => {
  it('returns a Recipe as is (same object)', () => {
    const r = new Recipe();
    expect(Recipe.createInstance(r)).toBe(r);
  });

  it('has the §8.2 defaults', () => {
    const r = new Recipe();
    expect(r.args).toEqual({});
    expect(r.stage).toBe('default');
    expect(r.modifiers).toEqual([]);
  });

  it('wraps one Modifier in stage "default", leaving its group alone', () => {
    const m = new TestModifier();
    const r = Recipe.createInstance(m);
    expect(r.stage).toBe('default');
    expect(r.modifiers).toEqual([m]);
    expect(m.group).toBeNull();
  });

  it('flattens nested arrays and names the stage modifierGroupName', () => {
    const a = new TestModifier();
    const b = new OtherModifier({ group: 'pruning' });
    const c = new TestModifier();
    const r = Recipe.createInstance([a, [b, [c]]], { modifierGroupName: 'dummy' });
    expect(r.modifiers).toEqual([a, b, c]);
    expect(r.modifiers[0]).toBe(a);
    expect(r.stage).toBe('dummy');
    expect(b.group).toBe('pruning');
  });

  it('treats an empty modifierGroupName as "default" (Python `or`)', () => {
    expect(Recipe.createInstance([], { modifierGroupName: '' }).stage).toBe('default');
  });

  it('E54 for a non-Modifier leaf, however deep', () => {
    for (const bad of [[new TestModifier(), 'x'], [[new TestModifier(), [{}]]], [null]]) {
      const e = thrown(() => Recipe.createInstance(bad as never));
      expect(e).toBeInstanceOf(RecipeModifiersTypeError);
      expect(e).toBeInstanceOf(ValueError);
      expect(e.message).toBe('modifiers must be a list of Modifier instances');
    }
  });

  it('rejects other input types with a ValueError, not a TypeError', () => {
    for (const bad of [null, undefined, 42, {}]) {
      const e = thrown(() => Recipe.createInstance(bad as never));
      expect(e).toBeInstanceOf(RecipeInputTypeError);
      expect(e).toBeInstanceOf(ValueError);
    }
  });
});

describe('Recipe options objects', () => {
  it('null options are a ValueError naming the call, not a TypeError', () => {
    expect(() => Recipe.createInstance('a_stage: {}', null as never)).toThrow(ValueError);
    expect(() => Recipe.createInstance('a_stage: {}', null as never)).toThrow('Recipe.createInstance() takes an options object, got null');
    expect(() => new Recipe().toYaml(null as never)).toThrow('Recipe.toYaml() takes an options object, got null');
  });

  it('an unknown option is E30 (pydantic extra="forbid"), e.g. a snake_case typo', () => {
    expect(() => Recipe.createInstance('a_stage: {}', { target_stage: 'b' } as never)).toThrow(
      '1 validation error for Recipe.createInstance\ntarget_stage\n  Extra inputs are not permitted',
    );
    expect(() => new Recipe().toYaml({ file_path: 'x.yaml' } as never)).toThrow(
      '1 validation error for Recipe.toYaml\nfile_path\n  Extra inputs are not permitted',
    );
  });
});
