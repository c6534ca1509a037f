// §8.4 toDict / toYaml, Q19.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PYYAML_OPTIONS, Recipe } from '../../src/recipe/index.ts';
import { OtherModifier, TestModifier, captureWarnings } from './helpers.ts';

const warnings = captureWarnings();

describe('toDict', () => {
  it('§8.4 example: group null → stage name; group set → its own', () => {
    const m = new TestModifier();
    expect(Recipe.createInstance([m], { modifierGroupName: 'dummy' }).toDict()).toEqual({
      dummy_stage: { dummy_modifiers: { TestModifier: {} } },
    });
    const p = new TestModifier({ group: 'pruning', start: 0 });
    expect(Recipe.createInstance([p], { modifierGroupName: 'dummy' }).toDict()).toEqual({
      dummy_stage: { pruning_modifiers: { TestModifier: { start: 0 } } },
    });
  });

  it('an empty group counts as none', () => {
    expect(Recipe.createInstance(new TestModifier({ group: '' })).toDict()).toEqual({ default_stage: { default_modifiers: { TestModifier: {} } } });
  });

  it('drops nulls, keys ending in _ and group; keeps non-null defaults; Python names', () => {
    const m = new OtherModifier({ group: 'g', end: 2, cache: 'kept?', transformType: 'random-hadamard' });
    const d = Recipe.createInstance(m).toDict() as Record<string, Record<string, Record<string, unknown>>>;
    expect(d.default_stage.g_modifiers.OtherModifier).toEqual({
      end: 2,
      targets: ['Linear'],
      transform_type: 'random-hadamard',
      enabled: true,
    });
  });

  it('uses recipe.stage for every modifier and keeps group order of first appearance', () => {
    const r = Recipe.createInstance('a_stage:\n  x_modifiers: {TestModifier: {start: 1}}\nb_stage:\n  y_modifiers: {TestModifier: {start: 2}}\n  x_modifiers: {OtherModifier: {}}\n');
    const d = r.toDict() as Record<string, Record<string, unknown>>;
    expect(Object.keys(d)).toEqual(['b_stage']);
    expect(Object.keys(d.b_stage)).toEqual(['x_modifiers', 'y_modifiers']);
    expect(d.b_stage.x_modifiers).toEqual({ TestModifier: { start: 1 }, OtherModifier: { targets: ['Linear'], transform_type: 'hadamard', enabled: true } });
  });

  it('Q19: the same class twice in a group keeps the last and warns', () => {
    const r = Recipe.createInstance([new TestModifier({ start: 1 }), new TestModifier({ start: 2 })]);
    expect(r.toDict()).toEqual({ default_stage: { default_modifiers: { TestModifier: { start: 2 } } } });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('TestModifier');
  });

  it('returns copies: changing the dict leaves the modifier alone', () => {
    const m = new OtherModifier({ targets: ['A'] });
    const d = Recipe.createInstance(m).toDict() as Record<string, Record<string, Record<string, { targets: string[] }>>>;
    d.default_stage.default_modifiers.OtherModifier.targets.push('B');
    expect(m.targets).toEqual(['A']);
  });
});

describe('toYaml', () => {
  it('is PyYAML-shaped: block mappings, flow for collections of scalars, unindented sequences', () => {
    const r = Recipe.createInstance([new OtherModifier({ targets: ['Linear', 'Conv'], start: 0, scheme: 'W4A16' }), new TestModifier({ group: 'g', end: 1 })], {
      modifierGroupName: 'quant',
    });
    expect(r.toYaml()).toBe(
      [
        'quant_stage:',
        '  quant_modifiers:',
        '    OtherModifier:',
        '      start: 0',
        '      targets: [Linear, Conv]',
        '      scheme: W4A16',
        '      transform_type: hadamard',
        '      enabled: true',
        '  g_modifiers:',
        '    TestModifier: {end: 1}',
        '',
      ].join('\n'),
    );
  });

  it('reads back with PyYAML rules to the same dict', () => {
    const r = Recipe.createInstance([new OtherModifier({ scheme: 'yes', transformType: '1.5', targets: ['on', 'null', ''] })]);
    expect(parse(r.toYaml(), PYYAML_OPTIONS)).toEqual(r.toDict());
  });

  it('an empty recipe dumps as an empty stage', () => {
    expect(new Recipe().toYaml()).toBe('default_stage: {}\n');
  });
});
