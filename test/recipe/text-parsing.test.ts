// §8.3 text inputs: JSON first, then YAML; E52 with the parser's position; E53 for non-mappings.
import { describe, expect, it } from 'vitest';
import { Recipe, RecipeNotMappingError, RecipeStringParseError } from '../../src/recipe/index.ts';
import { ValueError } from '../../src/core/errors.ts';
import { OtherModifier, TestModifier, thrown } from './helpers.ts';

describe('recipe text', () => {
  it('parses JSON', () => {
    const r = Recipe.createInstance('{"a_stage": {"g_modifiers": {"TestModifier": {"start": 1}}}, "args": {"x": 1}}');
    expect(r.stage).toBe('a');
    expect(r.args).toEqual({ x: 1 });
    expect(r.modifiers).toHaveLength(1);
    expect(r.modifiers[0]).toBeInstanceOf(TestModifier);
    expect(r.modifiers[0].start).toBe(1);
    expect(r.modifiers[0].group).toBe('g');
  });

  it('parses the §8.1 YAML example shape (flow mappings, snake_case arguments)', () => {
    const r = Recipe.createInstance(`
quant_stage:
  quant_modifiers:
    OtherModifier: {targets: [Linear], scheme: W4A16, transform_type: random-hadamard}
`);
    const m = r.modifiers[0] as OtherModifier;
    expect(m).toBeInstanceOf(OtherModifier);
    expect(m.targets).toEqual(['Linear']);
    expect(m.scheme).toBe('W4A16');
    expect(m.transformType).toBe('random-hadamard');
    expect(m.group).toBe('quant');
  });

  it('accepts camelCase argument names too', () => {
    const r = Recipe.createInstance('s_stage:\n  g_modifiers:\n    OtherModifier: {transformType: x}\n');
    expect((r.modifiers[0] as OtherModifier).transformType).toBe('x');
  });

  it('E52 for YAML that does not parse, with the line and column on the next line', () => {
    const text = 'a_stage:\n  g_modifiers: [1,\n 2\nb: 3';
    const e = thrown(() => Recipe.createInstance(text));
    expect(e).toBeInstanceOf(RecipeStringParseError);
    expect(e).toBeInstanceOf(ValueError);
    expect(e.message.startsWith(`Could not parse recipe from string ${text}\n`)).toBe(true);
    expect(e.message).toMatch(/\n {2}YAML syntax error at line \d+, column \d+: /);
  });

  it('E52 names the line of an unclosed flow mapping', () => {
    const e = thrown(() => Recipe.createInstance('x: 1\ny: {a: 1\n'));
    expect(e.message.split('\n').at(-1)).toMatch(/^ {2}YAML syntax error at line [23], column \d+:/);
  });

  it('E53 with the literal text for a list', () => {
    const e = thrown(() => Recipe.createInstance('- a\n- b'));
    expect(e).toBeInstanceOf(RecipeNotMappingError);
    expect(e.message).toBe(
      'Could not parse recipe from string - a\n- b. If you meant load from a file, please make sure that the specified file path exists',
    );
  });

  it('E53 for scalars, JSON lists and empty text', () => {
    for (const text of ['just words', '[1, 2]', '42', '', 'null']) {
      const e = thrown(() => Recipe.createInstance(text));
      expect(e).toBeInstanceOf(RecipeNotMappingError);
      expect(e.message).toBe(
        `Could not parse recipe from string ${text}. If you meant load from a file, please make sure that the specified file path exists`,
      );
    }
  });

  it('a path that does not exist is parsed as text (and fails as text)', () => {
    const e = thrown(() => Recipe.createInstance('/no/such/dir/recipe.yaml'));
    expect(e).toBeInstanceOf(RecipeNotMappingError);
  });
});
