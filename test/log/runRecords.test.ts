/**
 * Run records (format 3) hold at most 4096 calls: a steady loop longer than that fills a run, which is
 * written as one record, and the next call starts another; a flush (the end of a burst of synchronous
 * calls) closes the open run too, so what reached the file is whole records. Either way the journal reads
 * whole, decodes to every call and replays. A run's calls are compared as `Object.is` compares numbers: −0 is
 * not 0.
 */
import { describe, expect, it } from 'vitest';
import { CompressionLifecycle } from '../../src/lifecycle/lifecycle.ts';
import { EventType } from '../../src/core/events.ts';
import { memorySink, readJournal, recordTo, replayJournal } from '../../src/log/index.ts';
import { RECORD_EVENT, RECORD_RUN } from '../../src/log/format.ts';
import { runSteps } from '../../bench/lifecycle.ts';
import { countingRecipe, frames, lifecycleJournal } from './runFixture.ts';
import { ScriptedModifier } from '../helpers/scriptedModifier.ts';

/** The calls of each run record, in order. */
const runSizes = (bytes: Uint8Array) => frames(bytes).filter((f) => f.tag === RECORD_RUN).map((f) => f.calls);

describe('run records', () => {
  it('a steady loop of 15,000 event calls fills runs of 4096 calls, then one with the rest; it reads and replays', () => {
    // An epoch of a million steps: no modifier starts or ends after step 0, so each event repeats its prediction.
    const bytes = lifecycleJournal(3000, 1_000_000);
    const runs = runSizes(bytes);
    expect(runs.length).toBeGreaterThanOrEqual(4);
    expect(runs.slice(0, 3)).toEqual([4096, 4096, 4096]);
    expect(runs.every((n) => n >= 1 && n <= 4096)).toBe(true);
    const events = frames(bytes).filter((f) => f.tag === RECORD_EVENT).length;
    expect(runs.reduce((a, b) => a + b, 0) + events).toBe(3000 * 5);
    const j = readJournal(bytes);
    expect(j.damage).toBeNull();
    expect(j.calls.length).toBe(3000 * 5 + 2);
    expect(replayJournal(j, { recipe: countingRecipe }).divergence).toBeNull();
    // The same run recorded again: the same bytes.
    expect(Buffer.from(lifecycleJournal(3000, 1_000_000)).equals(Buffer.from(bytes))).toBe(true);
  });

  it('a flush between two bursts of calls closes the open run; the file then holds whole records that replay', async () => {
    const lc = new CompressionLifecycle({ fidelity: 'default' });
    const sink = memorySink();
    const rec = recordTo(lc, sink, { recipe: null, settings: { driver: 'lifecycle' } });
    lc.initialize({ recipe: countingRecipe(), stepsPerEpoch: 1_000_000, batchesPerStep: 1 });
    runSteps(lc, 0, 100);
    await Promise.resolve(); // the burst ends: the writer flushes
    const flushed = sink.bytes();
    const prefix = readJournal(flushed);
    expect(prefix.damage?.reason).toMatch(/closing record/);
    // Every call of the first burst but the last (held until the next call shows what it did) is in the file.
    expect(prefix.calls.length).toBeGreaterThanOrEqual(100 * 5);
    runSteps(lc, 100, 200);
    lc.finalize();
    rec.close();
    const bytes = sink.bytes();
    expect(Buffer.from(bytes.subarray(0, flushed.length)).equals(Buffer.from(flushed))).toBe(true);
    expect(runSizes(bytes).length).toBeGreaterThanOrEqual(2);
    const j = readJournal(bytes);
    expect(j.damage).toBeNull();
    expect(j.calls.length).toBe(200 * 5 + 2);
    expect(replayJournal(j, { recipe: countingRecipe }).divergence).toBeNull();
  });

  it('an option that stays 0 but is −0 in one call is decoded as −0 there: a run compares numbers as Object.is does', () => {
    const lc = new CompressionLifecycle();
    const sink = memorySink();
    const rec = recordTo(lc, sink, { recipe: null, settings: { driver: 'test' } });
    lc.initialize({ recipe: [new ScriptedModifier({}, ['nothing'])] });
    for (let g = 0; g < 6; g++) {
      lc.event(EventType.BATCH_START, { globalStep: g, x: g === 4 ? -0 : 0 });
      lc.event(EventType.BATCH_END, { globalStep: g });
    }
    lc.finalize();
    rec.close();
    const xs = readJournal(sink.bytes()).calls.flatMap(({ c }) => (c.call === 'event' && c.type === EventType.BATCH_START ? [c.options.x] : []));
    expect(xs.map((x) => Object.is(x, -0))).toEqual([false, false, false, false, true, false]);
    // The calls around it are a run's: the −0 is compared, not stored as a matter of course.
    expect(runSizes(sink.bytes()).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });
});
