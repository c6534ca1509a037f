/**
 * Any single-byte change, deleted record, swapped pair of records or truncation at any offset is
 * detected at the first record it touches (record number and that record's byte offset), and
 * `--recover` replays exactly the intact calls before it.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { JournalDamageError, readJournal, replayJournal } from '../../src/log/index.ts';
import { journalBytes, recordStarts, trainingRun } from '../../test/log/fixture.ts';

const { header, calls } = trainingRun(1, 2, 2);
const BYTES = journalBytes(header, calls);
const STARTS = recordStarts(BYTES); // record r starts at STARTS[r]; the closing record is the last
const N = calls.length;
const recordOf = (offset: number) => {
  let r = 0;
  while (r + 1 < STARTS.length && STARTS[r + 1] <= offset) r++;
  return r;
};

function records(): Uint8Array[] {
  return STARTS.map((s, i) => BYTES.subarray(s, STARTS[i + 1] ?? BYTES.length));
}

/** Damage at record r: located there, and recovery keeps calls 1..r−1 (all N when only the closing record is hit). */
function expectDamageAt(bytes: Uint8Array, record: number): void {
  if (record === 0) {
    expect(() => readJournal(bytes)).toThrow(JournalDamageError);
    expect(() => readJournal(bytes)).toThrow(/record 0 \(byte offset 0\)/);
    return;
  }
  const j = readJournal(bytes);
  expect(j.damage).not.toBeNull();
  expect(j.damage!.record).toBe(record);
  expect(j.damage!.offset).toBe(STARTS[record] ?? BYTES.length);
  expect(() => replayJournal(j)).toThrow(JournalDamageError);
  const r = replayJournal(j, { recover: true });
  expect(r.divergence).toBeNull();
  expect(r.calls).toBe(Math.min(record - 1, N));
}

describe('journal damage (property)', () => {
  it('the whole journal reads clean', () => {
    expect(readJournal(BYTES).damage).toBeNull();
    expect(STARTS.length).toBe(N + 2);
  });

  it('any single-byte change is caught at the record holding that byte', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: BYTES.length - 1 }), fc.integer({ min: 1, max: 255 }), (offset, delta) => {
        const bytes = Uint8Array.from(BYTES);
        bytes[offset] = (bytes[offset] + delta) & 0xff;
        expectDamageAt(bytes, recordOf(offset));
      }),
      { numRuns: 300 },
    );
  });

  it('a deleted record is caught where it was', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: N + 1 }), (r) => {
        const ls = records();
        ls.splice(r, 1);
        expectDamageAt(Buffer.concat(ls), r);
      }),
    );
  });

  it('a swapped pair of records is caught at the first of them', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: N }), (r) => {
        const ls = records();
        [ls[r], ls[r + 1]] = [ls[r + 1], ls[r]];
        expectDamageAt(Buffer.concat(ls), r);
      }),
    );
  });

  it('a truncation at any offset is caught at the first incomplete record', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: BYTES.length - 1 }), (length) => {
        expectDamageAt(BYTES.subarray(0, length), recordOf(length)); // the record holding the first missing byte
      }),
      { numRuns: 300 },
    );
  });
});
