// Q15, Q17, Q18: 'reference' reproduces upstream, 'default' fixes (E55, E56 verbatim).
import { describe, expect, it } from 'vitest';
import { ModifierEmptyBodyError, ModifierGroupArgumentError, Recipe, RecipeError } from '../../src/recipe/index.ts';
import { ValueError } from '../../src/core/errors.ts';
import { thrown } from './helpers.ts';

const NUMBERED = 'x_stage_0:\n  g_modifiers: {TestModifier: {start: 1}}\nx_stage_1:\n  g_modifiers: {TestModifier: {start: 2}}\n';
const WITH_GROUP = 's_stage:\n  inferred_modifiers:\n    TestModifier: {group: mine, start: 0}\n';
const EMPTY = 's_stage:\n  g_modifiers:\n    TestModifier:\n';

describe('Q15 numbered stage keys', () => {
  it("'reference' ignores x_stage_0", () => {
    const r = Recipe.createInstance(NUMBERED, { fidelity: 'reference' });
    expect(r.modifiers).toEqual([]);
    expect(r.stage).toBe('default');
  });
  it("'default' reads x_stage_<n> as stage x", () => {
    const r = Recipe.createInstance(NUMBERED);
    expect(r.modifiers.map((m) => m.start)).toEqual([1, 2]);
    expect(r.stage).toBe('x');
    expect(Recipe.createInstance('a_stage_b_stage_12:\n  g_modifiers: {TestModifier: {}}\n').stage).toBe('a_b');
  });
  it("'default' still ignores other suffixes", () => {
    expect(Recipe.createInstance('x_stage_a:\n  g_modifiers: {TestModifier: {}}\n').modifiers).toEqual([]);
  });
});

describe('Q17 group in modifier arguments', () => {
  it("'reference': E55, located", () => {
    const e = thrown(() => Recipe.createInstance(WITH_GROUP, { fidelity: 'reference' })) as RecipeError;
    expect(e).toBeInstanceOf(RecipeError);
    expect(e).toBeInstanceOf(ValueError);
    expect(e.cause).toBeInstanceOf(ModifierGroupArgumentError);
    expect(e.message.split('\n')[0]).toBe(
      "Modifier arguments for 'TestModifier' must not contain 'group' (got multiple values for keyword argument 'group')",
    );
    expect(e.line).toBe(3);
    expect(e.path).toEqual(['s_stage', 'inferred_modifiers', 'TestModifier']);
  });
  it("'default': the given group wins", () => {
    expect(Recipe.createInstance(WITH_GROUP).modifiers[0].group).toBe('mine');
  });
});

describe('Q18 empty modifier body', () => {
  it("'reference': E56, located", () => {
    const e = thrown(() => Recipe.createInstance(EMPTY, { fidelity: 'reference' })) as RecipeError;
    expect(e.cause).toBeInstanceOf(ModifierEmptyBodyError);
    expect(e.message).toBe(
      "Modifier 'TestModifier' in group 'g' has no arguments (null); use {} for none\n  in <string> line 3, s_stage.g_modifiers.TestModifier",
    );
  });
  it("'default': no arguments", () => {
    const r = Recipe.createInstance(EMPTY);
    expect(r.modifiers).toHaveLength(1);
    expect(r.modifiers[0].group).toBe('g');
    expect(r.modifiers[0].start).toBeNull();
  });
  it('E56 comes before the type lookup, like upstream', () => {
    const e = thrown(() => Recipe.createInstance('s_stage:\n  g_modifiers:\n    Nope:\n', { fidelity: 'reference' })) as RecipeError;
    expect(e.code).toBe('E56');
  });
});
