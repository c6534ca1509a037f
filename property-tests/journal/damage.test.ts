/**
 * Any single-byte change, deleted record, swapped pair of records or truncation at any offset is
 * detected at the first record it touches (record number and that record's byte offset), and
 * `--recover` replays exactly the intact calls before it. Over two journals: a training run, where
 * record r holds call r, and a lifecycle-only run whose event calls are mostly in run records (format
 * version 3, many calls to a record), where the calls before record r are counted from the frames.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { JournalDamageError, readJournal, replayJournal, type ReplayOptions } from '../../src/log/index.ts';
import { RECORD_RUN } from '../../src/log/format.ts';
import { journalBytes, recordStarts, trainingRun } from '../../test/log/fixture.ts';
import { countingRecipe, frames, lifecycleJournal } from '../../test/log/runFixture.ts';

interface Case {
  name: string;
  bytes: Uint8Array;
  /** What a replay needs beyond the header (the lifecycle-only run's modifiers). */
  replay: ReplayOptions;
  runs: boolean;
}

const training = trainingRun(1, 2, 2);
const CASES: Case[] = [
  { name: 'a training run (one call per record)', bytes: journalBytes(training.header, training.calls), replay: {}, runs: false },
  { name: 'a lifecycle-only run (run records of many calls)', bytes: lifecycleJournal(200), replay: { recipe: countingRecipe }, runs: true },
];

describe.each(CASES)('journal damage (property): $name', ({ bytes: BYTES, replay, runs }) => {
  const STARTS = recordStarts(BYTES); // record r starts at STARTS[r]; the closing record is the last
  const FRAMES = frames(BYTES);
  /** BEFORE[r]: the calls held by the records before record r (the intact prefix when r is the first damaged one). */
  const BEFORE = FRAMES.reduce<number[]>((acc, f) => [...acc, acc.at(-1)! + f.calls], [0]);
  const N = BEFORE.at(-1)!;
  const recordOf = (offset: number) => {
    let r = 0;
    while (r + 1 < STARTS.length && STARTS[r + 1] <= offset) r++;
    return r;
  };
  const records = (): Uint8Array[] => STARTS.map((s, i) => BYTES.subarray(s, STARTS[i + 1] ?? BYTES.length));

  /** Damage at record r: located there, and recovery keeps the calls of records 1..r−1 (all N when only the closing record is hit). */
  function expectDamageAt(bytes: Uint8Array, record: number, dropped?: number): void {
    if (record === 0) {
      expect(() => readJournal(bytes)).toThrow(JournalDamageError);
      expect(() => readJournal(bytes)).toThrow(/record 0 \(byte offset 0\)/);
      return;
    }
    const j = readJournal(bytes);
    expect(j.damage).not.toBeNull();
    expect(j.damage!.record).toBe(record);
    expect(j.damage!.offset).toBe(STARTS[record] ?? BYTES.length);
    if (dropped !== undefined) expect(j.dropped).toBe(dropped);
    // Nothing is dropped only when the damage is a record missing at the very end.
    expect(j.dropped === 0).toBe(j.damage!.offset === bytes.length);
    expect(() => replayJournal(j, replay)).toThrow(JournalDamageError);
    const r = replayJournal(j, { ...replay, recover: true });
    expect(r.divergence).toBeNull();
    expect(r.calls).toBe(BEFORE[record]);
    expect(j.calls.length).toBe(BEFORE[record]);
  }

  it('the whole journal reads clean, with its calls counted from the frames', () => {
    const j = readJournal(BYTES);
    expect(j.damage).toBeNull();
    expect(j.calls.length).toBe(N);
    expect(j.end!.end).toBe(N);
    expect(FRAMES.at(-1)!.tag).toBe(3);
    // The training run has one record per call; the lifecycle-only one holds runs of many calls.
    expect(FRAMES.some((f) => f.tag === RECORD_RUN && f.calls > 1)).toBe(runs);
    if (!runs) expect(STARTS.length).toBe(N + 2);
    else expect(STARTS.length).toBeLessThan(N / 4);
  });

  it('any single-byte change is caught at the record holding that byte', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: BYTES.length - 1 }), fc.integer({ min: 1, max: 255 }), (offset, delta) => {
        const bytes = Uint8Array.from(BYTES);
        bytes[offset] = (bytes[offset] + delta) & 0xff;
        expectDamageAt(bytes, recordOf(offset));
      }),
      { numRuns: 200 },
    );
  });

  it('a deleted record is caught where it was', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: STARTS.length - 1 }), (r) => {
        const ls = records();
        ls.splice(r, 1);
        expectDamageAt(Buffer.concat(ls), r, STARTS.length - 1 - r);
      }),
    );
  });

  it('a swapped pair of records is caught at the first of them', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: STARTS.length - 2 }), (r) => {
        const ls = records();
        [ls[r], ls[r + 1]] = [ls[r + 1], ls[r]];
        expectDamageAt(Buffer.concat(ls), r, STARTS.length - r);
      }),
    );
  });

  it('a truncation at any offset is caught at the first incomplete record', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: BYTES.length - 1 }), (length) => {
        // The record holding the first missing byte: torn (dropped), or missing whole when the cut is at its start.
        expectDamageAt(BYTES.subarray(0, length), recordOf(length), STARTS.includes(length) ? 0 : 1);
      }),
      { numRuns: 200 },
    );
  });
});
