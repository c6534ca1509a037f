// §8.1: YAML 1.1 scalars as PyYAML safe_load reads them.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PYYAML_OPTIONS, Recipe, dumpYaml } from '../../src/recipe/index.ts';
import './helpers.ts';
import type { OtherModifier } from './helpers.ts';

const load = (text: string) => parse(text, PYYAML_OPTIONS) as Record<string, unknown>;

describe('PyYAML scalar rules', () => {
  it.each([
    ['yes', true], ['Yes', true], ['YES', true], ['no', false], ['No', false], ['on', true], ['ON', true],
    ['off', false], ['Off', false], ['true', true], ['False', false],
  ])('%s is the boolean %s', (text, value) => {
    expect(load(`v: ${text}`).v).toBe(value);
  });

  it.each([['y'], ['n'], ['Y'], ['N'], ['yEs']])('%s stays a string (PyYAML has no y/n booleans)', (text) => {
    expect(load(`v: ${text}`).v).toBe(text);
  });

  it.each([
    ['1e-3', '1e-3'], ['1.0e3', '1.0e3'], ['-.5', '-.5'], ['09', '09'], ['0o7', '0o7'], ['1E5', '1E5'],
  ])('%s stays a string', (text, value) => {
    expect(load(`v: ${text}`).v).toBe(value);
  });

  it.each([
    ['1.0e-3', 0.001], ['1.e-3', 0.001], ['.5', 0.5], ['1_000.5', 1000.5], ['-.inf', -Infinity], ['1:30.5', 90.5],
    ['010', 8], ['0x1F', 31], ['0b101', 5], ['1_000', 1000], ['1:30', 90], ['-7', -7], ['+3', 3],
  ])('%s is the number %s', (text, value) => {
    expect(load(`v: ${text}`).v).toBe(value);
  });

  it('.nan is NaN; ~, null and an empty value are null', () => {
    expect(load('v: .nan').v).toBeNaN();
    expect(load('a: ~\nb: null\nc:\n')).toEqual({ a: null, b: null, c: null });
  });

  it('a duplicate key keeps the last value, as PyYAML', () => {
    expect(load('a: 1\na: 2')).toEqual({ a: 2 });
  });

  it('recipes get booleans from on/off and keep 1e-3 a string', () => {
    const r = Recipe.createInstance('s_stage:\n  g_modifiers:\n    OtherModifier: {enabled: off, scheme: 1e-3}\n');
    const m = r.modifiers[0] as OtherModifier;
    expect(m.enabled).toBe(false);
    expect(m.scheme).toBe('1e-3');
  });

  it('dumps strings that PyYAML would read as other types quoted, and floats in PyYAML form', () => {
    const dict = { a: 'yes', b: 'on', c: '1.5', d: '', e: 'null', f: 1e-7, g: 0.5, h: 3, i: true, j: 'y', k: '1e-3' };
    const text = dumpYaml(dict);
    expect(load(text)).toEqual(dict);
    expect(text).toContain('f: 1.0e-7');
    expect(text).toContain('j: y');
    expect(text).toContain('k: 1e-3');
    expect(text).toMatch(/a: '?"?yes/);
    expect(text).not.toMatch(/^a: yes$/m);
  });
});
