import { describe, expect, it } from 'vitest';
import { ByteReader, ByteWriter, isScalarOptions, KeyTable, readOptions, writeOptions } from '../../src/log/bytes.ts';
import { crc32, hex8 } from '../../src/log/crc32.ts';
import { describeEffect, hookWord, transitionWord, callWord, genericWord, eventCode } from '../../src/log/effects.ts';

describe('options, field by field', () => {
  const cases: Record<string, unknown>[] = [
    {},
    { globalStep: 3, batchData: null },
    { globalStep: 1.5, loss: -0.25, flag: true, off: false, note: 'é "quoted" \n ✓' },
    { a: 2 ** 40, b: -(2 ** 30), c: -0, d: 0x3fffffff, e: -0x3fffffff, 2: 'two' },
  ];
  it('read back as written, with option names written once', () => {
    const w = new ByteWriter(4);
    const keys = new KeyTable();
    for (const o of cases) {
      expect(isScalarOptions(o)).toBe(true);
      writeOptions(w, o, keys);
    }
    const r = new ByteReader(w.buf.subarray(0, w.pos)).at(0, w.pos);
    const back = new KeyTable();
    for (const o of cases) expect(JSON.stringify(readOptions(r, back, true, { names: [], values: [], n: 0 }))).toBe(JSON.stringify(o));
    expect(r.pos).toBe(w.pos);
    expect(back.names).toEqual(keys.names);
  });
  it('anything but a plain object of scalars is stored as JSON', () => {
    for (const o of [{ loss: NaN }, { x: undefined }, { nested: {} }, Object.create(null), new Map(), { kind: 'k', className: 'C' }]) expect(isScalarOptions(o)).toBe(false);
  });
  it('an own __proto__ key (a reader would lose it by assignment) is refused, nothing written', () => {
    const o = JSON.parse('{"globalStep": 1, "__proto__": 2}') as Record<string, unknown>;
    expect(isScalarOptions(o)).toBe(false);
    const w = new ByteWriter(4);
    const keys = new KeyTable();
    expect(writeOptions(w, o, keys)).toBe(false);
    expect(w.pos).toBe(0);
    expect(keys.names).toEqual([]);
  });
});

describe('effect words', () => {
  it('name the modifier, the hook or transition and the event', () => {
    const type = (p: number) => ['MagnitudePruningModifier', 'ConstantPruningModifier'][p] ?? null;
    expect(describeEffect(hookWord(1, 1, eventCode('batch_start')), [], type)).toBe('ConstantPruningModifier#1 onStart (batch_start)');
    expect(describeEffect(hookWord(0, 0, 0), [], type)).toBe('MagnitudePruningModifier#0 onInitialize');
    expect(describeEffect(transitionWord(0, 'started', 'initialized', 'started'), [], type)).toBe('MagnitudePruningModifier#0 started: initialized → started');
    expect(describeEffect(callWord(1, eventCode('batch_end')), [], type)).toBe('call event batch_end accepted');
    expect(describeEffect(genericWord(1), ['a', '{"type":"effect.warning"}'], type)).toBe('{"type":"effect.warning"}');
    expect(describeEffect(hookWord(7, 2, 0), [], type)).toBe('modifier#7 onUpdate');
  });
});

describe('crc32', () => {
  it('is CRC-32 (IEEE): the check value, and chaining equals one pass, at every split and length', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    // Spans past 256 bytes go through zlib's native CRC-32 where Node has it: both ways must agree.
    const bytes = Uint8Array.from({ length: 700 }, (_, i) => (i * 151 + 7) & 0xff);
    const bitwise = (b: Uint8Array, from: number, to: number, previous: number) => {
      let c = ~previous >>> 0;
      for (let i = from; i < to; i++) {
        c ^= b[i];
        for (let k = 0; k < 8; k++) c = c & 1 ? (0xedb88320 ^ (c >>> 1)) >>> 0 : c >>> 1;
      }
      return ~c >>> 0;
    };
    for (let from = 0; from < 9; from++) for (let to = from; to <= bytes.length; to += to < 70 || to > 600 ? 1 : 37) expect(crc32(bytes, from, to, 0x1234)).toBe(bitwise(bytes, from, to, 0x1234));
    for (let split = 0; split <= bytes.length; split++) expect(crc32(bytes, split, bytes.length, crc32(bytes, 0, split))).toBe(bitwise(bytes, 0, bytes.length, 0));
  });
});

describe('hex8', () => {
  it('is 8 lowercase hex digits', () => {
    for (const n of [0, 1, 0xff, 0x1234abcd, 0x80000000, 0xffffffff]) expect(hex8(n)).toBe(n.toString(16).padStart(8, '0'));
  });
});

describe('journalOptions', () => {
  it('stores options exactly as toJsonValue does, on the scalar fast path and off it', async () => {
    const { journalOptions } = await import('../../src/log/callRecorder.ts');
    const { toJsonValue } = await import('../../src/log/serialize.ts');
    const cases: Record<string, unknown>[] = [
      {},
      { globalStep: 3, loss: 0.5 },
      { a: 'x', b: true, c: null, 2: 1, z: 0 },
      { loss: NaN },
      { loss: Infinity, globalStep: 1 },
      { gone: undefined, kept: 1 },
      { nested: { a: 1 } },
      { kind: 'k', className: 'C', classChain: 'c', children: 'x' },
      Object.assign(Object.create(null), { a: 1 }),
      { n: 10n },
    ];
    for (const o of cases) {
      const got = journalOptions(o, false);
      expect(JSON.stringify(got)).toBe(JSON.stringify(toJsonValue(o)));
      expect(got).toEqual(toJsonValue(o));
    }
  });

  it('keeps −0: a number on the scalar path (stored as a float64), a reference where JSON text would lose it', async () => {
    const { journalOptions } = await import('../../src/log/callRecorder.ts');
    const { toJsonValue } = await import('../../src/log/serialize.ts');
    expect(Object.is(journalOptions({ z: -0 }, false).z, -0)).toBe(true);
    expect(toJsonValue({ z: -0 })).toEqual({ z: { $number: '-0' } });
    expect(journalOptions({ z: -0, nested: { a: 1 } }, false)).toEqual({ z: { $number: '-0' }, nested: { a: 1 } });
  });
});

describe('event codes', () => {
  it('eventCode is the index of every type in EVENT_TYPES, and -1 for any other', async () => {
    const { EVENT_TYPES } = await import('../../src/log/effects.ts');
    EVENT_TYPES.forEach((t, i) => expect(eventCode(i === 0 ? null : t)).toBe(i));
    expect(eventCode('custom_event')).toBe(-1);
  });
});
