/**
 * A lifecycle-only recording (no model, no recipe text): eight counting modifiers on the lifecycle
 * bench's schedules (bench/lifecycle.ts) over a few hundred steps of five events each. Most of its event
 * calls repeat their code's prediction, so a version-3 journal stores them in run records (tag 4),
 * many calls to a record: record numbers are then not call numbers.
 */
import { CompressionLifecycle } from '../../src/lifecycle/lifecycle.ts';
import { RECORD_RUN } from '../../src/log/format.ts';
import { memorySink, recordTo } from '../../src/log/index.ts';
import { CountingModifier, runSteps, SCHEDULES } from '../../bench/lifecycle.ts';
import { recordStarts } from './fixture.ts';

/** The recipe a replay of such a recording needs (its header has no recipe text). */
export const countingRecipe = () => SCHEDULES.map((s) => new CountingModifier(s));

/** Records initialize, `steps` steps (`runSteps`) and finalize; the bytes of the closed journal. */
export function lifecycleJournal(steps: number, stepsPerEpoch = 10, recipe = countingRecipe): Uint8Array {
  const lc = new CompressionLifecycle({ fidelity: 'default' });
  const sink = memorySink();
  const rec = recordTo(lc, sink, { recipe: null, settings: { driver: 'lifecycle' } });
  lc.initialize({ recipe: recipe(), stepsPerEpoch, batchesPerStep: 1 });
  runSteps(lc, 0, steps);
  lc.finalize();
  rec.close();
  return sink.bytes();
}

/** A record as framed: its first payload byte (the tag) and the calls it holds, read from the frames alone. */
export interface Frame {
  start: number;
  tag: number;
  calls: number;
}

/** Every record's tag and call count: a run record (tag 4) holds one call per payload byte after its tag, an event or call record one, the header and the closing record none. */
export function frames(bytes: Uint8Array): Frame[] {
  const starts = recordStarts(bytes);
  return starts.map((start, r) => {
    // The payload follows the length varint (and, in record 0, the magic); the 4-byte CRC ends the record.
    let q = r === 0 ? 8 : start;
    while (bytes[q] >= 0x80) q++;
    const payload = q + 1;
    const length = (starts[r + 1] ?? bytes.length) - 4 - payload;
    const tag = bytes[payload];
    const calls = tag === RECORD_RUN ? length - 1 : tag === 1 || tag === 2 ? 1 : 0;
    return { start, tag, calls };
  });
}
