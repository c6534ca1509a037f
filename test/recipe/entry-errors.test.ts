// Errors about a modifier entry: spec message first, then file, line, stage.group.Modifier[.field]; class kept a ValueError.
import { beforeEach, describe, expect, it } from 'vitest';
import { Recipe, RecipeError, ModifierArgumentsTypeError } from '../../src/recipe/index.ts';
import { ModifierFactory, ModifierNotFoundError } from '../../src/modifiers/factory.ts';
import { ModifierValidationError } from '../../src/core/fields.ts';
import { ValueError } from '../../src/core/errors.ts';
import { registerTestModifiers, thrown } from './helpers.ts';

const text = (entry: string) => `# a recipe\nquant_stage:\n  quant_modifiers:\n    ${entry}\n`;

describe('entry errors', () => {
  it('unknown type: E20 first, then where, then the registered names', () => {
    const e = thrown(() => Recipe.createInstance(text('Foo: {}'))) as RecipeError;
    expect(e).toBeInstanceOf(RecipeError);
    expect(e).toBeInstanceOf(ValueError);
    expect(e.cause).toBeInstanceOf(ModifierNotFoundError);
    expect(e.code).toBe('E20');
    const [first, second] = e.message.split('\n');
    expect(first).toBe("No modifier of type 'Foo' found.");
    expect(second).toMatch(/^ {2}in <string> line 4, quant_stage\.quant_modifiers\.Foo; registered: .*OtherModifier, .*TestModifier/);
    expect([e.file, e.line, e.path]).toEqual(['<string>', 4, ['quant_stage', 'quant_modifiers', 'Foo']]);
  });

  it('extra field (E30 layout) names the field and its line', () => {
    const e = thrown(() => Recipe.createInstance(text('TestModifier:\n      start: 1\n      bogus: 2'))) as RecipeError;
    expect(e.cause).toBeInstanceOf(ModifierValidationError);
    expect(e.message).toBe(
      '1 validation error for TestModifier\nbogus\n  Extra inputs are not permitted\n  in <string> line 6, quant_stage.quant_modifiers.TestModifier.bogus',
    );
    expect(e.line).toBe(6);
  });

  it('wrong field type names the field', () => {
    const e = thrown(() => Recipe.createInstance(text('OtherModifier: {enabled: maybe}'))) as RecipeError;
    expect(e.message.split('\n').slice(0, 2)).toEqual(['1 validation error for OtherModifier', 'enabled']);
    expect(e.path).toEqual(['quant_stage', 'quant_modifiers', 'OtherModifier', 'enabled']);
    expect(e.line).toBe(4);
  });

  it('JSON text is located too', () => {
    const json = '{\n  "s_stage": {\n    "g_modifiers": {\n      "TestModifier": {"start": "x"}\n    }\n  }\n}';
    const e = thrown(() => Recipe.createInstance(json)) as RecipeError;
    expect(e.line).toBe(4);
    expect(e.message.split('\n').at(-1)).toBe('  in <string> line 4, s_stage.g_modifiers.TestModifier.start');
  });

  it('a body that is a list, string or number is a located ValueError, not a TypeError', () => {
    for (const body of ['[1, 2]', 'hello', '3']) {
      const e = thrown(() => Recipe.createInstance(text(`TestModifier: ${body}`))) as RecipeError;
      expect(e).toBeInstanceOf(RecipeError);
      expect(e.cause).toBeInstanceOf(ModifierArgumentsTypeError);
      expect(e.line).toBe(4);
    }
  });

  it('the first failing entry is reported', () => {
    const e = thrown(() => Recipe.createInstance(text('TestModifier: {}\n    Foo: {}\n    Bar: {}'))) as RecipeError;
    expect(e.path.at(-1)).toBe('Foo');
    expect(e.line).toBe(5);
  });
});

describe('factory use', () => {
  beforeEach(() => {
    ModifierFactory.__unsafeResetForTests();
    registerTestModifiers();
  });

  it('refreshes the factory first when it is not loaded', () => {
    expect(ModifierFactory.loaded).toBe(false);
    Recipe.createInstance(text('TestModifier: {}'));
    expect(ModifierFactory.loaded).toBe(true);
  });

  it('stored factory errors (E23) are located too', async () => {
    class NotAModifier {}
    const mod = `data:text/javascript,export class FakeModifier {}; export const X = ${JSON.stringify(String(NotAModifier))};`;
    await ModifierFactory.loadFromModule(mod);
    const e = thrown(() => Recipe.createInstance(text('FakeModifier: {}'))) as RecipeError;
    expect(e.message.split('\n')[0]).toBe('Attribute FakeModifier is not a Modifier');
    expect(e.code).toBe('E23');
    expect(e.line).toBe(4);
  });
});
