// §8.1 / §8.3 building: stages and groups in order, names (Q16), Recipe.stage, args, what is ignored, targetStage (Q14).
import { describe, expect, it } from 'vitest';
import { Recipe, RecipeError } from '../../src/recipe/index.ts';
import { ModifierValidationError } from '../../src/core/fields.ts';
import { ValueError } from '../../src/core/errors.ts';
import { OtherModifier, TestModifier, thrown } from './helpers.ts';

const TWO_STAGES = `
args: {lr: 0.1}
first_stage:
  a_modifiers:
    TestModifier: {start: 1}
    OtherModifier: {}
  b_modifiers:
    TestModifier: {start: 2}
second_stage:
  c_modifiers:
    TestModifier: {start: 3}
`;

describe('stages and groups', () => {
  it('concatenates every stage in document order; Recipe.stage is the last (Q16)', () => {
    const r = Recipe.createInstance(TWO_STAGES);
    expect(r.modifiers.map((m) => [m.constructor.name, m.group, m.start])).toEqual([
      ['TestModifier', 'a', 1],
      ['OtherModifier', 'a', null],
      ['TestModifier', 'b', 2],
      ['TestModifier', 'c', 3],
    ]);
    expect(r.stage).toBe('second');
    expect(r.args).toEqual({ lr: 0.1 });
  });

  it('removes every _stage and _modifiers from the names (Q16)', () => {
    const r = Recipe.createInstance('my_stage_x_stage:\n  a_modifiers_b_modifiers:\n    TestModifier: {}\n');
    expect(r.stage).toBe('my_x');
    expect(r.modifiers[0].group).toBe('a_b');
  });

  it('ignores other keys, non-mapping stages and groups, and suffix-less groups', () => {
    const r = Recipe.createInstance(`
version: 3
list_stage: [1, 2]
str_stage: hello
real_stage:
  notes: text
  quant: {TestModifier: {}}
  list_modifiers: [TestModifier]
  str_modifiers: TestModifier
  null_modifiers:
  ok_modifiers: {TestModifier: {end: 1}}
`);
    expect(r.modifiers).toHaveLength(1);
    expect(r.modifiers[0].end).toBe(1);
    expect(r.stage).toBe('real');
  });

  it('an empty mapping gives the defaults', () => {
    const r = Recipe.createInstance('{}');
    expect([r.args, r.stage, r.modifiers]).toEqual([{}, 'default', []]);
  });

  it('args: null is {}; a non-mapping args is a located ValueError naming the field', () => {
    expect(Recipe.createInstance('args:\nx_stage: {}').args).toEqual({});
    const e = thrown(() => Recipe.createInstance('x_stage: {}\nargs: [1, 2]\n')) as RecipeError;
    expect(e).toBeInstanceOf(RecipeError);
    expect(e).toBeInstanceOf(ValueError);
    expect(e.cause).toBeInstanceOf(ModifierValidationError);
    expect(e.message).toBe('1 validation error for Recipe\nargs\n  Input should be a valid dictionary (got list)\n  in <string> line 2, args');
  });

  it('targetStage keeps keys that start with it, a prefix match that drops args (Q14)', () => {
    const text = `
args: {x: 1}
test_stage:
  g_modifiers: {TestModifier: {start: 1}}
test2_stage:
  g_modifiers: {TestModifier: {start: 2}}
other_stage:
  g_modifiers: {TestModifier: {start: 3}}
`;
    const r = Recipe.createInstance(text, { targetStage: 'test' });
    expect(r.modifiers.map((m) => m.start)).toEqual([1, 2]);
    expect(r.args).toEqual({});
    expect(r.stage).toBe('test2');
    expect(Recipe.createInstance(text, { targetStage: 'test_stage' }).modifiers.map((m) => m.start)).toEqual([1]);
    expect(Recipe.createInstance(text, { targetStage: '' }).modifiers).toHaveLength(3);
    expect(Recipe.createInstance(text, { targetStage: 'a' }).args).toEqual({ x: 1 });
  });

  it('creates registered classes with every argument', () => {
    const r = Recipe.createInstance('s_stage:\n  g_modifiers:\n    OtherModifier: {targets: Conv, index: 4, update: 0.5}\n');
    const m = r.modifiers[0] as OtherModifier;
    expect(m.targets).toEqual(['Conv']);
    expect(m.index).toBe(4);
    expect(m.update).toBe(0.5);
  });

  it('does not set index by itself', () => {
    const r = Recipe.createInstance('s_stage:\n  g_modifiers:\n    TestModifier: {}\n    OtherModifier: {}\n');
    expect(r.modifiers.map((m) => m.index)).toEqual([null, null]);
    expect(r.modifiers[0]).toBeInstanceOf(TestModifier);
  });
});
