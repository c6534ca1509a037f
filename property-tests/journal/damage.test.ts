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
import { createHash } from 'node:crypto';
import { EVENT_TYPES } from '../../src/log/effects.ts';
import { crc32 } from '../../src/log/crc32.ts';
import { RECORD_END, RECORD_RUN } from '../../src/log/format.ts';
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

/** An unsigned LEB128 varint. */
function varint(n: number): number[] {
  const out: number[] = [];
  for (; n >= 0x80; n = Math.floor(n / 128)) out.push((n & 0x7f) | 0x80);
  out.push(n);
  return out;
}

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

  /**
   * A forgery: one call byte of a run record set to another code, every CRC from there rechained and the
   * closing record's SHA-256 recomputed. Intact framing, so the reader must decode: either the record (or a
   * later one, whose prediction the forged call moved) is not decodable — damage located there, the calls of
   * the records before it kept — or the journal is whole and holds the forged call.
   */
  /** The journal with call `i` of run record `r` set to `code`, every CRC from there rechained and the closing SHA-256 recomputed. */
  function forged(r: number, i: number, code: number): Buffer {
    const ls = records().map((b) => Buffer.from(b));
    ls[r][ls[r].length - 4 - FRAMES[r].calls + i] = code;
    const crcOf = (b: Buffer) => b.readUInt32LE(b.length - 4);
    const last = ls.length - 1;
    for (let k = r; k < last; k++) ls[k].writeUInt32LE(crc32(ls[k], 0, ls[k].length - 4, crcOf(ls[k - 1])), ls[k].length - 4);
    const before = Buffer.concat(ls.slice(0, last));
    const payload = [RECORD_END, ...varint(N), ...createHash('sha256').update(before).digest()];
    const closing = Buffer.from([...varint(payload.length), ...payload, 0, 0, 0, 0]);
    closing.writeUInt32LE(crc32(closing, 0, closing.length - 4, crcOf(ls[last - 1])), closing.length - 4);
    return Buffer.concat([before, closing]);
  }

  /**
   * A forgery: one call byte of a run record set to another code, with recomputed checksums. The framing is
   * intact, so the reader must decode: either that record (or a later one, whose prediction the forged call
   * moved) is not decodable — damage located there, the calls of the records before it kept — or the journal
   * is whole and holds the forged call.
   */
  it.runIf(runs)('a run record forged with recomputed checksums is decoded or refused at its record', () => {
    const RUNS = FRAMES.flatMap((f, r) => (f.tag === RECORD_RUN ? [r] : []));
    const codeAt = (r: number, i: number) => BYTES[STARTS[r + 1] - 4 - FRAMES[r].calls + i];
    // The forging itself is sound: rewriting a call's own code gives the journal back, byte for byte.
    expect(forged(RUNS[0], 0, codeAt(RUNS[0], 0)).equals(BYTES)).toBe(true);
    // Mostly a code the format knows, so that the forged call is often decodable.
    const code = fc.oneof({ arbitrary: fc.integer({ min: 1, max: EVENT_TYPES.length - 1 }), weight: 4 }, { arbitrary: fc.integer({ min: 0, max: 255 }), weight: 1 });
    fc.assert(
      fc.property(fc.constantFrom(...RUNS), fc.nat(), code, (r, at, code) => {
        const i = at % FRAMES[r].calls;
        fc.pre(codeAt(r, i) !== code);
        const bytes = forged(r, i, code);
        expect(bytes.length).toBe(BYTES.length);
        const j = readJournal(bytes);
        if (j.damage) {
          const at = j.damage.record;
          expect(at).toBeGreaterThanOrEqual(r);
          expect(j.damage.offset).toBe(STARTS[at]);
          expect(j.dropped).toBe(STARTS.length - at);
          expect(j.calls.length).toBe(BEFORE[at]);
          if (at === r) expect(replayJournal(j, { ...replay, recover: true })).toMatchObject({ calls: BEFORE[r], divergence: null });
        } else {
          expect(j.calls.length).toBe(N);
          const c = j.calls[BEFORE[r] + i].c;
          expect(c.call === 'event' && c.type).toBe(EVENT_TYPES[code]);
        }
      }),
      { numRuns: 150 },
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
