// Values JavaScript callers can pass that JSON.stringify cannot print (BigInt, cycles, NaN): errors name
// them instead of crashing with a TypeError or calling NaN "null".
import { describe, expect, it } from 'vitest';
import { showValue } from '../../src/core/show.ts';
import { ModifierFactory } from '../../src/modifiers/factory.ts';
import { ValueError } from '../../src/core/errors.ts';
import '../../src/modifiers/builtins.ts';

describe('showValue', () => {
  it('prints BigInt, cycles, NaN and Infinity without throwing', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(showValue(10n)).toBe('10n');
    expect(showValue(NaN)).toBe('NaN');
    expect(showValue(-Infinity)).toBe('-Infinity');
    expect(showValue({ x: [NaN, 2n] })).toBe('{"x":["NaN","2n"]}');
    expect(showValue(cyclic)).toBe('{"a":1,"self":"[Circular]"}');
    expect(showValue(undefined)).toBe('undefined');
    expect(showValue('x'.repeat(500)).length).toBeLessThan(210);
  });
});

describe('modifier fields with exotic values', () => {
  if (!ModifierFactory.loaded) ModifierFactory.refresh();
  const make = (args: Record<string, unknown>) => () => ModifierFactory.create('ConstantPruningModifier', { allowRegistered: false, allowExperimental: false, args: { targets: ['re:.*'], ...args } });

  it('a BigInt start is a validation error naming the field', () => {
    expect(make({ start: 10n })).toThrow(ValueError);
    expect(make({ start: 10n })).toThrow(/start\n {2}Input should be a valid number \(got bigint 10n\)/);
  });

  it('a circular targets list is a validation error, not a TypeError', () => {
    const targets: unknown[] = ['a'];
    targets.push(targets);
    expect(make({ targets })).toThrow(ValueError);
    expect(make({ targets })).toThrow(/targets\n {2}Input should be a valid list of strings \(got list \["a","\[Circular\]"\]\)/);
  });

  it('NaN is called NaN, not null', () => {
    expect(make({ end: NaN })).toThrow(/end\n {2}Input should be a finite number \(got NaN\)/);
  });
});
