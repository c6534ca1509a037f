/**
 * Version-2 journals (written before run records existed) still read, through the upcaster 2 → 3, and
 * replay; the same runs recorded today decode to the same calls, steps and effects in fewer bytes.
 *
 * The fixtures were written by commit 6f66029 (the last one writing version 2), in a worktree of it
 * (`git worktree add ../v2gen 6f66029`), by a script run with `npx tsx gen.ts test/log/fixtures`:
 *
 *   const { header, calls } = trainingRun(7, 3, 2);                  // test/log/fixture.ts
 *   writeFileSync('v2.llog', journalBytes(header, calls));
 *   const lc = new CompressionLifecycle({ fidelity: 'default' });
 *   const sink = memorySink();
 *   const rec = recordTo(lc, sink, { recipe: null, settings: { driver: 'lifecycle' } });
 *   lc.initialize({ recipe: SCHEDULES.map((s) => new CountingModifier(s)), stepsPerEpoch: 10, batchesPerStep: 1 });
 *   runSteps(lc, 0, 300);                                             // bench/lifecycle.ts
 *   lc.finalize();
 *   rec.close();
 *   writeFileSync('v2-lifecycle.llog', sink.bytes());
 *
 * (today: `lifecycleJournal(300)` in test/log/runFixture.ts).
 */
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diffJournals, readJournal, replayJournal, type Journal } from '../../src/log/index.ts';
import { RECORD_EVENT, RECORD_RUN } from '../../src/log/format.ts';
import { journalBytes, trainingRun } from './fixture.ts';
import { countingRecipe, frames, lifecycleJournal } from './runFixture.ts';
import { CountingModifier, SCHEDULES } from '../../bench/lifecycle.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures');

/** What a call is, whatever its encoding: the call, its resolved step, its effects and the model after it. */
const calls = (j: Journal) => j.calls.map((c) => ({ n: c.n, c: c.c, s: c.s, fx: c.fx, m: c.m }));

describe('version 2 journals', () => {
  it('a training run: read through the upcaster, replayed, and recorded today to the same calls', () => {
    const path = join(FIXTURES, 'v2.llog');
    const j = readJournal(path);
    expect(j.damage).toBeNull();
    expect(j.storedVersion).toBe(2);
    expect(j.header.version).toBe(3);
    expect(j.calls.length).toBe(38);
    expect(frames(readFileSync(path)).some((f) => f.tag === RECORD_RUN)).toBe(false);
    const r = replayJournal(j);
    expect(r.divergence).toBeNull();
    expect(r.calls).toBe(38);

    const { header, calls: driver } = trainingRun(7, 3, 2);
    const bytes = journalBytes(header, driver);
    const today = readJournal(bytes);
    expect(today.storedVersion).toBe(3);
    expect(calls(today)).toEqual(calls(j));
    expect(today.end!.end).toBe(j.end!.end);
    expect(bytes.length).toBeLessThanOrEqual(j.bytes);
  });

  it('a lifecycle-only run of many same-effects events: the same calls, now mostly in run records, and smaller', () => {
    const path = join(FIXTURES, 'v2-lifecycle.llog');
    const stored = readFileSync(path);
    const j = readJournal(path);
    expect(j.damage).toBeNull();
    expect(j.storedVersion).toBe(2);
    expect(j.header.version).toBe(3);
    expect(j.calls.length).toBe(300 * 5 + 2);
    const old = frames(stored);
    expect(old.some((f) => f.tag === RECORD_RUN)).toBe(false);
    expect(old.filter((f) => f.tag === RECORD_EVENT).length).toBe(300 * 5);
    const r = replayJournal(j, { recipe: countingRecipe });
    expect(r.divergence).toBeNull();
    expect(r.calls).toBe(j.calls.length);

    const bytes = lifecycleJournal(300);
    const today = readJournal(bytes);
    expect(today.damage).toBeNull();
    expect(today.storedVersion).toBe(3);
    expect(calls(today)).toEqual(calls(j));
    expect(today.calls.map((c) => c.e)).toEqual(j.calls.map((c) => c.e));
    const now = frames(bytes);
    expect(now.some((f) => f.tag === RECORD_RUN && f.calls > 1)).toBe(true);
    expect(now.length).toBeLessThan(old.length);
    expect(bytes.length).toBeLessThan(stored.length);
    // diff compares the effects of versions 2 and 3 (only version 1's digests are another kind): nothing differs
    // from today's recording, and a run whose first modifier starts a step later differs in effects, not calls.
    const same = diffJournals(j, today, { a: { recipe: countingRecipe }, b: { recipe: countingRecipe } });
    expect(same.first).toBeNull();
    expect(same.summary.differingCalls).toBe(0);
    const later = () => countingRecipe().map((m, i) => (i === 0 ? new CountingModifier({ ...SCHEDULES[0], start: 1 }) : m));
    const other = diffJournals(j, lifecycleJournal(300, 10, later), { a: { recipe: countingRecipe }, b: { recipe: later } });
    expect(other.first?.what).toBe('effects');
    expect(replayJournal(today, { recipe: countingRecipe }).divergence).toBeNull();
  });
});
