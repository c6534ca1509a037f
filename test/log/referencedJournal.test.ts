/**
 * A journal whose model is the final model of another journal (header `model: { source: 'journal', journal }`):
 * a replay rebuilds it by replaying that journal first, verified, and refuses by name a referenced journal that is
 * missing, damaged, re-recorded or diverging; a given model still overrides, checked tensor by tensor.
 */
import { describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  diffJournals,
  journalReference,
  JournalModelError,
  modelSha256,
  readJournal,
  recordTo,
  ReferencedJournalError,
  replayJournal,
  SnapshotCache,
  stateAt,
} from '../../src/log/index.ts';
import { CompressionLifecycle } from '../../src/lifecycle/lifecycle.ts';
import { simulateTraining } from '../../src/sim/training.ts';
import { useWarningCapture } from '../helpers/errors.ts';
import { recordPair } from './referencedFixture.ts';
import { RECIPE, smallModel } from './fixture.ts';

useWarningCapture();

const fresh = () => mkdtempSync(join(tmpdir(), 'llmc-referenced-'));

/** What replaying `file` throws (it must throw). */
function refusal(file: string | Uint8Array, options: Parameters<typeof replayJournal>[1] = {}): Error {
  try {
    replayJournal(file, options);
  } catch (e) {
    return e as Error;
  }
  throw new Error('the replay did not refuse');
}

describe('a journal whose model is another journal’s final model', () => {
  const dir = fresh();
  const pair = recordPair(dir);

  it('names the other journal relative to its own directory, with its call count and closing hash', () => {
    const training = readJournal(pair.training);
    const id = readJournal(pair.oneshot).header.model!;
    expect(id).toMatchObject({ source: 'journal', journal: { file: 'training.llog', calls: training.end!.end, sha256: training.end!.sha256 } });
    expect(id.sha256).toBe(modelSha256(pair.trained));
    expect(Object.keys(id.tensors).length).toBeGreaterThan(5);
    expect(journalReference(pair.training, join(dir, 'sub'))).toMatchObject({ file: '../training.llog' });
  });

  it('replays by replaying the referenced journal first, and matches; --to and diff read it too', () => {
    const r = replayJournal(pair.oneshot);
    expect(r.divergence).toBeNull();
    expect(r.calls).toBe(readJournal(pair.oneshot).calls.length);
    expect(modelSha256(r.model!)).toBe(modelSha256(pair.compressed));
    const at = stateAt(pair.oneshot, 2);
    expect(at.divergence).toBeNull();
    expect(at.state.initialized).toBe(true);
    const d = diffJournals(pair.oneshot, pair.oneshot);
    expect(d.first).toBeNull();
    expect(d.summary.phases[0]).not.toBeNull();
  });

  it('is found from another working directory: the reference is relative to the journal, not to the process', () => {
    const moved = join(fresh(), 'elsewhere');
    mkdirSync(moved);
    copyFileSync(pair.training, join(moved, 'training.llog'));
    copyFileSync(pair.oneshot, join(moved, 'oneshot.llog'));
    expect(replayJournal(join(moved, 'oneshot.llog')).divergence).toBeNull();
  });

  it('refuses a missing referenced journal, naming it', () => {
    const d = fresh();
    copyFileSync(pair.oneshot, join(d, 'oneshot.llog'));
    const e = refusal(join(d, 'oneshot.llog'));
    expect(e).toBeInstanceOf(ReferencedJournalError);
    expect((e as ReferencedJournalError).problem).toBe('unreadable');
    expect(e.message).toBe(`${join(d, 'oneshot.llog')}: its model is the final model of journal ${join(d, 'training.llog')}, which cannot be read (ENOENT): keep it at that path beside the journal, or give the model with --model PATH`);
  });

  it('refuses an edited referenced journal as damaged, with its record and byte offset, and never writes it', () => {
    const d = fresh();
    copyFileSync(pair.oneshot, join(d, 'oneshot.llog'));
    const bytes = readFileSync(pair.training);
    bytes[bytes.length - 60] ^= 1;
    writeFileSync(join(d, 'training.llog'), bytes);
    const e = refusal(join(d, 'oneshot.llog')) as ReferencedJournalError;
    expect(e).toBeInstanceOf(ReferencedJournalError);
    expect(e.problem).toBe('damaged');
    expect(e.message).toMatch(new RegExp(`final model of journal ${join(d, 'training.llog')}, which is damaged at record \\d+ \\(byte offset \\d+\\): `));
    expect(readFileSync(join(d, 'training.llog')).equals(bytes)).toBe(true);
  });

  it('refuses a whole journal that is not the one referenced (re-recorded with another seed)', () => {
    const d = fresh();
    const other = recordPair(d, { seed: 1 });
    copyFileSync(pair.oneshot, other.oneshot);
    const e = refusal(other.oneshot) as ReferencedJournalError;
    expect(e.problem).toBe('different');
    expect(e.message).toMatch(/which is not the journal it was recorded from \(expected \d+ calls, closing sha256 [0-9a-f]{16}…; found \d+ calls, closing sha256 [0-9a-f]{16}…\): it was re-recorded or edited/);
  });

  it('refuses a referenced journal whose replay diverges, naming the call', () => {
    const bad = recordPair(fresh(), { optimizerSeed: 5 });
    expect(readJournal(bad.training).damage).toBeNull();
    const e = refusal(bad.oneshot) as ReferencedJournalError;
    expect(e.problem).toBe('diverged');
    expect(e.message).toMatch(new RegExp(`final model of journal ${bad.training}, which does not replay: diverged at call \\d+ \\(step \\d+, event optimizerStep\\): model sha256 expected`));
  });

  it('takes a given model instead (no referenced journal needed), and refuses the wrong one by tensor', () => {
    const d = fresh();
    copyFileSync(pair.oneshot, join(d, 'oneshot.llog'));
    expect(replayJournal(join(d, 'oneshot.llog'), { model: pair.trained.clone() }).divergence).toBeNull();
    const wrong = refusal(join(d, 'oneshot.llog'), { model: smallModel(0) });
    expect(wrong).toBeInstanceOf(JournalModelError);
    expect(wrong.message).toMatch(/^wrong model: tensor '[^']+' differs \(journal sha256 [0-9a-f]{16}…, given [0-9a-f]{16}…\)$/);
  });

  it('a training journal from another journal’s final model: --to resumes from its snapshots, same states', () => {
    const d = fresh();
    copyFileSync(pair.training, join(d, 'training.llog'));
    const model = pair.trained.clone();
    const second = join(d, 'second.llog');
    const lifecycle = new CompressionLifecycle({ fidelity: 'default' });
    const journal = recordTo(lifecycle, second, { recipe: RECIPE, seed: 1, model: { journal: journalReference(join(d, 'training.llog'), d), model } });
    try {
      simulateTraining({ lifecycle, recipe: RECIPE, epochs: 2, stepsPerEpoch: 2, model, seed: 1, onOptimizerStep: (g, lr) => journal.optimizerStep(g, lr) });
    } finally {
      journal.close();
    }
    const j = readJournal(second);
    expect(replayJournal(j).divergence).toBeNull();
    const cache = new SnapshotCache();
    const total = j.calls.length;
    stateAt(j, total, { snapshots: cache });
    expect(cache.snapshots.length).toBeGreaterThan(0);
    const plain = stateAt(j, total - 1);
    const cached = stateAt(j, total - 1, { snapshots: cache });
    expect(cached.startedAt).toBeGreaterThan(0);
    expect(cached.divergence).toBeNull();
    expect(cached.state).toEqual(plain.state);
  });

  it('cannot find the referenced journal from bytes: says to give the model', () => {
    const e = refusal(readFileSync(pair.oneshot));
    expect(e).toBeInstanceOf(JournalModelError);
    expect(e.message).toContain('a journal read from bytes has no directory to find it in');
  });

  it('refuses to reference a journal without its closing record', () => {
    const d = fresh();
    const bytes = readFileSync(pair.training);
    writeFileSync(join(d, 'cut.llog'), bytes.subarray(0, bytes.length - 10));
    expect(() => journalReference(join(d, 'cut.llog'), d)).toThrow(JournalModelError);
    renameSync(join(d, 'cut.llog'), join(d, 'gone.llog'));
    expect(() => journalReference(join(d, 'cut.llog'), d)).toThrow(/ENOENT/);
  });
});
