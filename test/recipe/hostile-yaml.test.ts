// Recipe text an attacker or a careless user writes: tags PyYAML's safe loader refuses, scalars it reads
// differently from YAML 1.2, aliases, nesting, prototype keys. Expected values checked against PyYAML 6.
import { describe, expect, it } from 'vitest';
import { Recipe } from '../../src/recipe/index.ts';
import { parseYaml } from '../../src/recipe/parseYaml.ts';
import { ValueError } from '../../src/core/errors.ts';
import './helpers.ts';

const read = (text: string) => {
  const r = parseYaml(text);
  if (!r.ok) throw new Error(r.detail);
  return r.value as Record<string, unknown>;
};
const refusal = (text: string) => {
  const r = parseYaml(text);
  if (r.ok) throw new Error(`accepted: ${JSON.stringify(r.value)}`);
  return r.detail;
};

describe('tags: only the safe loader\'s', () => {
  it('!!python/object/apply:os.system is refused with its line, not read as a list', () => {
    const text = 'stage:\n  x: !!python/object/apply:os.system ["echo pwned"]\n';
    expect(refusal(text)).toBe(
      "YAML error at line 2, column 6: could not determine a constructor for the tag 'tag:yaml.org,2002:python/object/apply:os.system' (the safe loader takes only YAML's standard tags)",
    );
    expect(() => Recipe.createInstance(text)).toThrow(ValueError);
    expect(() => Recipe.createInstance(text)).toThrow('could not determine a constructor');
  });

  it.each(['x: !foo 3', 'x: !!python/name:os.system', 'x: !!set [a]', 'x: !!str [a]', 'x: !!map [a]', 'x: !!seq {a: 1}'])('%s is refused', (text) => {
    expect(refusal(text)).toMatch(/^YAML error at line 1, column 4: /);
  });

  it.each([
    ['x: !!float 1', 1], ['x: !!int "3"', 3], ['x: !!bool yes', true], ['x: !!str 3', '3'], ['x: !!int 0x_F', 15], ['x: !!float 1_0', 10],
  ])('%s is converted as PyYAML converts it', (text, value) => {
    expect(read(text).x).toBe(value);
  });

  it.each(['x: !!float abc', 'x: !!int 3.5', 'x: !!int 1e3', 'x: !!bool maybe'])('%s fails as Python\'s conversion fails', (text) => {
    expect(refusal(text)).toMatch(/could not convert/);
  });
});

describe('scalars exactly as PyYAML 1.1 reads them', () => {
  it('1e999 is a string (no dot), 1.0e+999 and .inf are floats', () => {
    expect(read('x: 1e999').x).toBe('1e999');
    expect(read('x: 1.0e+999').x).toBe(Infinity);
    expect(read('x: .inf').x).toBe(Infinity);
    expect(read('x: .NaN').x).toBeNaN();
  });

  it('end: 1e999 and end: .inf are both refused as field values (schedules are finite), naming the field', () => {
    for (const end of ['1e999', '.inf', '1.0e+999', '.nan']) {
      const text = `a_stage:\n  b_modifiers:\n    ConstantPruningModifier:\n      targets: ["re:.*"]\n      start: 0\n      end: ${end}\n`;
      expect(() => Recipe.createInstance(text)).toThrow(ValueError);
      expect(() => Recipe.createInstance(text)).toThrow(/\nend\n {2}Input should be a (finite|valid) number \(got [^)]*(1e999|Infinity|NaN)[^)]*\)\n {2}in <string> line 6/);
    }
  });
});

describe('hostile structure', () => {
  it('a billion-laughs alias bomb is refused, not expanded', () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 10; i++) lines.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
    expect(refusal(lines.join('\n'))).toMatch(/alias/i);
  });

  it('a list or mapping as a key is refused as PyYAML refuses it (unhashable), not stringified', () => {
    expect(refusal('? [a]\n: 1')).toBe('YAML error at line 1, column 3: found unhashable key (a list or mapping cannot be a key)');
    expect(refusal('{a: 1}: 2')).toMatch(/unhashable key/);
  });

  it('deep nesting is an error, not a stack overflow', () => {
    expect(() => Recipe.createInstance('x: ' + '['.repeat(20000) + ']'.repeat(20000))).toThrow(ValueError);
  });

  it('__proto__ and constructor keys stay plain keys and never reach Object.prototype', () => {
    const v = read('__proto__: {polluted: 1}\nconstructor: {prototype: {polluted: 2}}\nx: {__proto__: {polluted: 3}}');
    expect(Object.keys(v)).toEqual(['__proto__', 'constructor', 'x']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    for (const type of ['__proto__', 'constructor', 'toString']) {
      expect(() => Recipe.createInstance(`a_stage:\n  b_modifiers:\n    ${type}: {}\n`)).toThrow(`No modifier of type '${type}' found.`);
    }
    expect(() => Recipe.createInstance('a_stage:\n  b_modifiers:\n    ConstantPruningModifier:\n      __proto__: {start: 1}\n')).toThrow('Extra inputs are not permitted');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
