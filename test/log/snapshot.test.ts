import { describe, expect, it } from 'vitest';
import { lstatSync, mkdtempSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSession } from '../../src/lifecycle/session.ts';
import { createSyntheticModel } from '../../src/model/synthetic.ts';
import {
  memorySink,
  readJournal,
  readSnapshotFile,
  recordOneshot,
  SnapshotCache,
  snapshotPath,
  stateAt,
  writeJournal,
  writeSnapshotFile,
  type Journal,
} from '../../src/log/index.ts';
import { useWarningCapture } from '../helpers/errors.ts';
import { trainingRun } from './fixture.ts';

useWarningCapture();

function journalOf(seed: number, epochs = 6, stepsPerEpoch = 4): Journal {
  const { header, calls } = trainingRun(seed, epochs, stepsPerEpoch);
  const sink = memorySink();
  writeJournal(sink, header, calls);
  return readJournal(sink.bytes());
}

const same = (a: unknown, b: unknown) => expect(JSON.stringify(a)).toBe(JSON.stringify(b));

describe('snapshots for replay --to N (a cache of the replay, never the truth)', () => {
  const j = journalOf(0);
  const total = j.calls.length;

  it('--to N from a snapshot gives exactly the state without one, for every N after the first snapshot', () => {
    const cache = new SnapshotCache();
    for (const n of [total, Math.floor(total / 2), total - 1]) stateAt(j, n, { snapshots: cache });
    expect(cache.notes).toEqual([]);
    expect(cache.snapshots.length).toBeGreaterThan(0);
    const first = Math.min(...cache.snapshots.map((s) => s.call));
    let resumed = 0;
    for (let n = 1; n <= total; n++) {
      const plain = stateAt(j, n);
      const cached = stateAt(j, n, { snapshots: cache });
      if (n > first) expect(cached.startedAt, `call ${n}`).toBeGreaterThan(0);
      if (cached.startedAt > 0) resumed++;
      same(cached.state, plain.state);
      expect(cached.divergence).toBeNull();
    }
    expect(resumed).toBeGreaterThan(total / 2);
  });

  it('a journal that diverges after the snapshot reports the same divergence and state with and without it', () => {
    const cache = new SnapshotCache();
    stateAt(j, total, { snapshots: cache });
    const k = cache.snapshots[0].call;
    const edited: Journal = structuredClone(j);
    edited.calls[k + 1].s = 123456; // a resolved global step no replay gives: call k + 2 diverges
    // the edit is after the snapshot's prefix: the snapshot still belongs to this journal
    const cached = stateAt(edited, total, { snapshots: cache });
    const plain = stateAt(edited, total);
    expect(plain.divergence?.call).toBe(k + 2);
    same(cached.divergence, plain.divergence);
    same(cached.state, plain.state);
    // the replay from the start found the same divergence: the snapshot was not its cause and stays
    expect(cache.notes).toEqual([]);
    expect(cache.snapshots.map((s) => s.call)).toContain(k);
  });

  it('a snapshot whose restored state makes the replay diverge is dropped, and the answer is the replay from the start', () => {
    const cache = new SnapshotCache();
    stateAt(j, total, { snapshots: cache });
    const s = cache.snapshots[0];
    // valid weights, a wrong machine state: the ConstantPruningModifier, started, restored as only initialized
    const modifiers = s.modifiers.map((m) => (m.type === 'ConstantPruningModifier' ? { ...m, stateName: 'initialized' as const } : m));
    expect(modifiers.some((m, i) => m.stateName !== s.modifiers[i].stateName)).toBe(true);
    const bad = new SnapshotCache([{ ...s, modifiers }]);
    const r = stateAt(j, total, { snapshots: bad });
    expect(r.divergence).toBeNull();
    expect(r.startedAt).toBe(0);
    expect(bad.notes.join('\n')).toMatch(new RegExp(`snapshot at call ${s.call} ignored: the replay from it diverged at call \\d+, the replay from the start does not; dropped`));
    expect(bad.snapshots).toEqual([]);
    same(r.state, stateAt(j, total).state);
  });

  it('survives the file round trip, and the file is read back exactly', () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmc-snap-'));
    const file = join(dir, 'run.llog');
    writeFileSync(file, 'journal bytes');
    const cache = new SnapshotCache();
    stateAt(j, total, { snapshots: cache });
    expect(writeSnapshotFile(snapshotPath(file), cache.snapshots, file)).toBeNull();
    expect(readFileSync(file, 'utf8')).toBe('journal bytes');
    const loaded = new SnapshotCache(readSnapshotFile(snapshotPath(file)));
    expect(loaded.notes).toEqual([]);
    const r = stateAt(j, total, { snapshots: loaded });
    expect(r.startedAt).toBe(cache.snapshots[0].call);
    same(r.state, stateAt(j, total).state);
  });

  it('a damaged file is ignored with a note and rebuilt; a stale snapshot (another journal) is ignored with a note', () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmc-snap-'));
    const file = join(dir, 'run.llog.snap');
    const cache = new SnapshotCache();
    stateAt(j, total, { snapshots: cache });
    writeSnapshotFile(file, cache.snapshots, join(dir, 'run.llog'));
    const bytes = readFileSync(file);
    bytes[bytes.length >> 1] ^= 1;
    writeFileSync(file, bytes);
    const damaged = new SnapshotCache(readSnapshotFile(file), file);
    expect(damaged.notes[0]).toMatch(/run\.llog\.snap ignored: damaged \(its SHA-256 does not match\); rebuilding it/);
    same(stateAt(j, total, { snapshots: damaged }).state, stateAt(j, total).state);
    expect(damaged.changed).toBe(true);

    const other = journalOf(1);
    const stale = new SnapshotCache(cache.snapshots.slice());
    const r = stateAt(other, other.calls.length, { snapshots: stale });
    expect(r.startedAt).toBe(0);
    expect(stale.notes.join('\n')).toMatch(/snapshot at call \d+ ignored: the journal's first \d+ calls are not the ones it was taken from \(stale\)/);
    same(r.state, stateAt(other, other.calls.length).state);
  });

  it('weights that do not hash to the journal are refused on use, and the replay starts over', () => {
    const cache = new SnapshotCache();
    stateAt(j, total, { snapshots: cache });
    const s = cache.snapshots[0];
    const weights = s.weights!.map(([name, a]) => [name, name.includes('q_proj') ? a.map((v, k) => (k === 0 ? v + 1 : v)) : a] as [string, Float32Array | Float64Array]);
    const tampered = { ...s, weights };
    const bad = new SnapshotCache([tampered]);
    const r = stateAt(j, total, { snapshots: bad });
    expect(r.startedAt).toBe(0);
    expect(bad.notes.join('\n')).toMatch(/its weights do not hash to the journal's model hash at call/);
    same(r.state, stateAt(j, total).state);
  });

  it('a run with modifiers outside the protocol gets no snapshot, says why, and answers by re-executing', () => {
    const model = createSyntheticModel({ dim: 32, hiddenDim: 64, layers: 1, heads: 4, kvHeads: 2, vocab: 32 });
    const recipe = 'quant_stage:\n  quant_modifiers:\n    QuantizationModifier:\n      targets: [Linear]\n      scheme: W8A8\n      ignore: [lm_head]\n';
    const sink = memorySink();
    createSession(() => recordOneshot({ model, recipe, calibrationData: [[1, 2, 3], [4, 5]], pipeline: 'basic' }, sink, { recipe, model: { source: 'synthetic', options: { dim: 32, hiddenDim: 64, layers: 1, heads: 4, kvHeads: 2, vocab: 32 }, model } }));
    const oneshot = readJournal(sink.bytes());
    const cache = new SnapshotCache();
    const n = oneshot.calls.length;
    const r = stateAt(oneshot, n, { snapshots: cache });
    expect(cache.snapshots).toEqual([]);
    expect(cache.notes.join('\n')).toMatch(/no snapshot at call \d+: QuantizationModifier does not implement the snapshot protocol/);
    same(r.state, stateAt(oneshot, n).state);
  });

  it('never writes over a link, nor over the journal', () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmc-snap-'));
    const journal = join(dir, 'run.llog');
    writeFileSync(journal, 'journal bytes');
    const cache = new SnapshotCache();
    stateAt(j, total, { snapshots: cache });
    const link = join(dir, 'link.snap');
    symlinkSync(journal, link);
    expect(writeSnapshotFile(link, cache.snapshots, journal)).toMatch(/is not a regular file: left alone/);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(journal);
    expect(writeSnapshotFile(journal, cache.snapshots, journal)).toMatch(/input/);
    expect(readFileSync(journal, 'utf8')).toBe('journal bytes');
    expect(readSnapshotFile(link)).toBe('not a regular file');
  });
});
