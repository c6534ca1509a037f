import { describe, expect, it } from 'vitest';
import { encodeEntryLine, encodeLine, type CallEntry } from '../../src/log/format.ts';
import { hex8 } from '../../src/log/crc32.ts';

describe('encodeEntryLine', () => {
  const entries: CallEntry[] = [
    { n: 1, c: { call: 'initialize', options: { recipe: { $ref: 'recipe' }, stepsPerEpoch: 10 } }, e: 'deadbeef', x: 12, m: 'ab'.repeat(32) },
    { n: 2, c: { call: 'event', type: 'batch_start', options: { globalStep: 1.5, loss: { $number: 'NaN' } } }, e: '00000000', x: 0 },
    { n: 3, c: { call: 'event', type: 'loss_calculated', options: { note: 'é "quoted" \n ✓' } }, e: '0000abcd', x: 3 },
    { n: 123456, c: { call: 'optimizerStep', globalStep: 7, lr: 1e-3 }, e: 'ffffffff', x: 1, m: '01'.repeat(32) },
    { n: 5, c: { call: 'reset' }, e: '12345678', x: 2 },
  ];
  it('writes the same bytes and chain value as encodeLine of the entry', () => {
    let k = 0x1234;
    for (const e of entries) {
      const expected = encodeLine(e, k);
      expect(encodeEntryLine(e, k)).toEqual(expected);
      k = expected.k;
    }
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
      { a: 'x', b: true, c: null, 2: 1, z: -0 },
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
});
