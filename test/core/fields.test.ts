/**
 * Declared, validated fields (lifecycle.md §3.1, E30; §8.1 Python and camelCase names).
 */
import { describe, expect, it } from 'vitest';
import { ValueError } from '../../src/core/errors.ts';
import {
  BASE_FIELDS,
  ModifierValidationError,
  asBool,
  asOptionalInt,
  asOptionalNumber,
  asOptionalString,
  asStringList,
  assignFields,
  dumpFields,
  field,
  type FieldSpecs,
} from '../../src/core/fields.ts';

const SPECS: FieldSpecs = [
  ...BASE_FIELDS,
  field('transform_block_size', 'transformBlockSize', null, asOptionalInt),
  field('targets', 'targets', ['Linear'], asStringList),
  field('flag', 'flag', false, asBool),
];

function assign(args: Record<string, unknown> | null | undefined): Record<string, unknown> {
  const target: Record<string, unknown> = {};
  assignFields(target, 'FakeModifier', SPECS, args);
  return target;
}

describe('parsers', () => {
  /** `parser | input | output or 'throws'` */
  const ROWS: [string, (v: unknown) => unknown, unknown, unknown][] = [
    ['number', asOptionalNumber, 1.5, 1.5],
    ['number', asOptionalNumber, null, null],
    ['number', asOptionalNumber, undefined, null],
    ['number', asOptionalNumber, '1', 1], // pydantic lax mode: numeric strings parse
    ['number', asOptionalNumber, '1e-3', 0.001],
    ['number', asOptionalNumber, 'x', 'throws'],
    ['number', asOptionalNumber, Number.NaN, 'throws'],
    ['int', asOptionalInt, 3, 3],
    ['int', asOptionalInt, 3.5, 'throws'],
    ['string', asOptionalString, 'a', 'a'],
    ['string', asOptionalString, 1, 'throws'],
    ['bool', asBool, true, true],
    ['bool', asBool, 'yes', 'throws'],
    ['string list', asStringList, 'Linear', ['Linear']],
    ['string list', asStringList, ['a', 'b'], ['a', 'b']],
    ['string list', asStringList, ['a', 1], 'throws'],
  ];
  it.each(ROWS.map(([n, p, i, o]) => [`${n}: ${JSON.stringify(i) ?? 'undefined'} → ${JSON.stringify(o)}`, p, i, o] as const))('%s', (_n, parse, input, output) => {
    if (output === 'throws') expect(() => parse(input)).toThrow(/Input should be/);
    else expect(parse(input)).toEqual(output);
  });
});

describe('assignFields', () => {
  it('assigns defaults for every field', () => {
    expect(assign({})).toEqual({ index: null, group: null, start: null, end: null, update: null, transformBlockSize: null, targets: ['Linear'], flag: false });
  });

  it('accepts Python and camelCase names', () => {
    expect(assign({ transform_block_size: 64 }).transformBlockSize).toBe(64);
    expect(assign({ transformBlockSize: 32 }).transformBlockSize).toBe(32);
  });

  it('gives each instance its own copy of a mutable default', () => {
    const a = assign({});
    const b = assign({});
    (a.targets as string[]).push('x');
    expect(b.targets).toEqual(['Linear']);
  });

  it('treats undefined as not given', () => {
    expect(assign({ start: undefined }).start).toBeNull();
  });

  it('accepts null and undefined arguments', () => {
    expect(assign(null).start).toBeNull();
    expect(assign(undefined).start).toBeNull();
  });

  it('E30: one unknown key', () => {
    const err = (() => {
      try {
        assign({ foo: 1 });
      } catch (e) {
        return e as Error;
      }
    })()!;
    expect(err).toBeInstanceOf(ValueError);
    expect(err).toBeInstanceOf(ModifierValidationError);
    expect(err.message).toBe('1 validation error for FakeModifier\nfoo\n  Extra inputs are not permitted');
  });

  it('collects every problem, like pydantic', () => {
    let err: Error | undefined;
    try {
      assign({ foo: 1, start: 'x' });
    } catch (e) {
      err = e as Error;
    }
    const lines = err!.message.split('\n');
    expect(lines[0]).toBe('2 validation errors for FakeModifier');
    expect(lines).toContain('foo');
    expect(lines).toContain('start');
  });

  it('names a wrong-typed field by its Python name', () => {
    expect(() => assign({ transformBlockSize: 'big' })).toThrow(/^1 validation error for FakeModifier\ntransform_block_size\n  Input should be/);
  });

  it('rejects arguments that are not a mapping', () => {
    expect(() => assign([1] as unknown as Record<string, unknown>)).toThrow(ValueError);
  });

  it('assigns nothing when validation fails', () => {
    const target: Record<string, unknown> = {};
    expect(() => assignFields(target, 'FakeModifier', SPECS, { start: 1, foo: 2 })).toThrow();
    expect(target).toEqual({});
  });
});

describe('dumpFields', () => {
  it('dumps every field under its Python name, nulls included', () => {
    const source = assign({ transformBlockSize: 8, start: 1 });
    expect(dumpFields(source, SPECS)).toEqual({
      index: null, group: null, start: 1, end: null, update: null, transform_block_size: 8, targets: ['Linear'], flag: false,
    });
  });

  it('uses a field’s dump function; undefined omits the key', () => {
    const specs: FieldSpecs = [field('a', 'a', 1, asOptionalNumber, (v) => (v === 1 ? undefined : (v ?? 0) * 10))];
    expect(dumpFields({ a: 1 }, specs)).toEqual({});
    expect(dumpFields({ a: 2 }, specs)).toEqual({ a: 20 });
  });
});
