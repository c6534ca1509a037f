/**
 * Replay: re-executes a journal's calls on a fresh lifecycle (fidelity, seed, recipe text and model
 * from the header), derives each call's effects the way the recording did, and compares them with
 * the stored ones. The first difference is the divergence, naming the first differing effect. The
 * calls are the truth; effects are always re-derived, and only compared with what is stored.
 */
import { CompressionLifecycle } from '../lifecycle/lifecycle.ts';
import { applyCall, type LifecycleCall } from '../lifecycle/calls.ts';
import type { LifecycleRecord } from '../core/records.ts';
import type { Model } from '../model/model.ts';
import type { RecipeInput } from '../recipe/recipe.ts';
import { simulatedOptimizerStep } from '../sim/training.ts';
import { derivedV1, derivedV2, type Deriver, type EffectDifference } from './derive.ts';

export type { EffectDifference } from './derive.ts';
import { JournalDamageError, JournalReplayError, ReferencedJournalError } from './errors.ts';
import { isJournalModel, type CallEntry } from './format.ts';
import { openReferencedJournal } from './journalSource.ts';
import { liveCall, replayModel } from './liveCall.ts';
import { applyCalibrationCall, calibrationContext, isCalibrationCall } from '../sim/pipelines/calls.ts';
import { readJournal, type Journal } from './reader.ts';
import { callCount, callCursor, withDigest } from './readerV2.ts';

export interface ReplayOptions {
  /** The model, where the header's is not built in (a file). Checked tensor by tensor against the header. */
  model?: Model | null;
  /** Replaces the header's recipe text (a recipe of modifier classes no factory knows). */
  recipe?: () => RecipeInput;
  /** Replay the intact prefix of a damaged journal instead of refusing it. */
  recover?: boolean;
  /** Stop after call `to` (time travel). */
  to?: number;
  /** Called after each call with its stored and re-derived entry and, if `keepRecords`, the records it caused. */
  onCall?: (stored: CallEntry, got: CallEntry, records: LifecycleRecord[] | null, lifecycle: CompressionLifecycle) => void;
  /** Keep each call's re-derived records (default true: a divergence shows them). */
  keepRecords?: boolean;
  /** Continue from a lifecycle and model restored at call `calls` (a snapshot, src/log/snapshot.ts) instead of a fresh start. */
  resume?: { lifecycle: CompressionLifecycle; model: Model | null; calls: number };
}

export interface Divergence {
  call: number;
  /** The lifecycle's global step after the call, and the event type when it was an event. */
  step: number;
  event: string | null;
  expected: CallEntry;
  got: CallEntry;
  /** What differs first: the effects (or the resolved step) or the model after the call. */
  what: 'effects' | 'model';
  /** The first differing effect; null where the journal stores only a digest (version 1) or the model differs. */
  effect: EffectDifference | null;
  /** The re-derived records of that call (for the message). */
  records: LifecycleRecord[];
}

export interface ReplayResult {
  journal: Journal;
  /** Calls replayed (and matched, up to a divergence). */
  calls: number;
  divergence: Divergence | null;
  /** Records dropped by `recover` (0 when the journal was whole). */
  dropped: number;
  lifecycle: CompressionLifecycle;
  model: Model | null;
}

const asJournal = (j: Journal | string | Uint8Array): Journal => (typeof j === 'string' || j instanceof Uint8Array ? readJournal(j) : j);

const short = (h: string | undefined) => (h ? `${h.slice(0, 12)}…` : 'none');

/**
 * The model a replay of `journal` starts from, checked tensor by tensor against its header: the given one, else
 * the one the header names — built in, or the final model of the journal it references (journalSource.ts),
 * which is replayed and verified first (and so on down a chain; each link's closing hash rules out a cycle).
 */
export function startModel(journal: Journal, given: Model | null | undefined): Model | null {
  const id = journal.header.model;
  if (given || !id || !isJournalModel(id)) return replayModel(journal.header, given);
  const other = openReferencedJournal(journal, id.journal);
  const r = replayJournal(other, { keepRecords: false });
  const d = r.divergence;
  if (d) {
    const what = d.what === 'model' ? `model sha256 expected ${short(d.expected.m)} got ${short(d.got.m)}` : d.effect ? `first differing effect #${d.effect.index}: expected ${d.effect.expected ?? 'nothing'}, got ${d.effect.got ?? 'nothing'}` : `effects digest expected ${d.expected.e} got ${d.got.e}`;
    throw new ReferencedJournalError(journal.source, other.source, 'diverged', `does not replay: diverged at call ${d.call} (step ${d.step}, event ${d.event}): ${what}`);
  }
  return replayModel(journal.header, r.model);
}

/** Replays a journal (see the file comment). Damage throws {@link JournalDamageError} unless `recover`. */
export function replayJournal(input: Journal | string | Uint8Array, options: ReplayOptions = {}): ReplayResult {
  const journal = asJournal(input);
  if (journal.damage && !options.recover) throw new JournalDamageError(journal.source, journal.damage);
  const { header } = journal;
  const model = options.resume ? options.resume.model : startModel(journal, options.model);
  const lifecycle = options.resume?.lifecycle ?? new CompressionLifecycle({ fidelity: header.fidelity });
  const recipe = () => (options.recipe ? options.recipe() : header.recipe);
  const keep = options.keepRecords !== false;
  const settings = { recipeRef: header.recipe !== null, model, keepRecords: keep };
  // Version 1 stored a digest of records$ (the version-1 fold); version 2 stores the effects the tap derives.
  const derive: Deriver = journal.storedVersion === 1 ? derivedV1(lifecycle, settings) : derivedV2(lifecycle, settings);
  const modifierType = (p: number) => lifecycle.recipe.modifiers[p]?.constructor.name ?? null;
  const last = Math.min(callCount(journal), options.to ?? Infinity);
  let divergence: Divergence | null = null;
  let n = options.resume?.calls ?? 0;
  try {
    const cursor = callCursor(journal);
    // Resumed from a snapshot after call n: the calls before it are already applied.
    for (let i = 0; i < n; i++) cursor.next();
    for (let stored = cursor.next(); stored !== null && n < last; stored = cursor.next()) {
      n++;
      const c = stored.c;
      if (c.call === 'optimizerStep') {
        if (model) simulatedOptimizerStep(model, header.seed, c.globalStep, c.lr);
        derive.optimizerStep(c.globalStep, c.lr);
      } else {
        // An event's scalar options need no restoring: the stored object is passed as it is.
        const live: LifecycleCall | null = isCalibrationCall(c)
          ? null
          : cursor.scalar && c.call === 'event'
            ? { call: 'event', type: c.type as never, options: c.options }
            : liveCall(c, stored.n, recipe, model, options.recipe);
        derive.expect(c);
        try {
          if (live) applyCall(lifecycle, live);
          else applyCalibrationCall(c as Parameters<typeof applyCalibrationCall>[0], calibrationContext(lifecycle));
        } catch {
          // the error is part of the call's effects, compared with the stored ones
        }
        derive.endCall();
      }
      if (!derive.committed()) throw new JournalReplayError(`call ${stored.n}: the replay recorded nothing`);
      const mismatch = derive.mismatch(stored, modifierType);
      if (mismatch) {
        divergence = {
          call: stored.n,
          step: lifecycle.globalStep,
          event: c.call === 'event' ? c.type : c.call,
          expected: withDigest(stored),
          got: derive.entry(stored),
          what: mismatch.what,
          effect: mismatch.effect,
          records: derive.records() ?? [],
        };
        break;
      }
      if (options.onCall) options.onCall(withDigest(stored), derive.entry(stored), derive.records(), lifecycle);
    }
  } finally {
    derive.close();
  }
  return { journal, calls: divergence ? n - 1 : n, divergence, dropped: journal.dropped, lifecycle, model };
}

/** The full re-derived record stream of a journal (what `records$` published during the recording). */
export function journalRecords(input: Journal | string | Uint8Array, options: Omit<ReplayOptions, 'onCall' | 'keepRecords'> = {}): LifecycleRecord[] {
  const out: LifecycleRecord[] = [];
  const result = replayJournal(input, { ...options, keepRecords: true, onCall: (_s, _g, records) => out.push(...(records ?? [])) });
  if (result.divergence) out.push(...result.divergence.records);
  return out;
}
