/**
 * Replay: re-executes a journal's calls on a fresh lifecycle (fidelity, seed, recipe text and model
 * from the header) with the same CallRecorder the recording used, and compares every re-derived
 * entry (effect digest and count, model hash) with the stored one. The first difference is the
 * divergence. The calls are the truth; effects are always re-derived, never read.
 */
import { CompressionLifecycle } from '../lifecycle/lifecycle.ts';
import { applyCall, type LifecycleCall } from '../lifecycle/calls.ts';
import type { LifecycleRecord } from '../core/records.ts';
import { createSyntheticModel } from '../model/synthetic.ts';
import type { Model } from '../model/model.ts';
import type { RecipeInput } from '../recipe/recipe.ts';
import { simulatedOptimizerStep } from '../sim/training.ts';
import { applyCalibrationCall, calibrationContext, isCalibrationCall } from '../sim/pipelines/calls.ts';
import { CallRecorder } from './callRecorder.ts';
import { JournalDamageError, JournalModelError, JournalReplayError } from './errors.ts';
import type { CallEntry, JournalCall, JournalHeader } from './format.ts';
import { tensorHashes } from './modelHash.ts';
import { readJournal, type Journal } from './reader.ts';

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
  /** What differs first: the effects (digest/count) or the model after the call. */
  what: 'effects' | 'model';
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

/** Builds the model the header names, or checks the given one against its tensor hashes. */
export function replayModel(header: JournalHeader, given: Model | null | undefined): Model | null {
  const id = header.model;
  if (!id) return given ?? null;
  let model = given ?? null;
  if (!model) {
    if (id.source !== 'synthetic') throw new JournalModelError(`the journal was recorded with model '${id.source}': pass it with --model PATH`);
    model = createSyntheticModel((id.options ?? {}) as Record<string, number>);
  }
  const got = tensorHashes(model);
  for (const [name, sha] of Object.entries(id.tensors)) {
    if (!(name in got)) throw new JournalModelError(`wrong model: tensor '${name}' of the journal's model '${id.source}' is missing`);
    if (got[name] !== sha) throw new JournalModelError(`wrong model: tensor '${name}' differs (journal sha256 ${sha.slice(0, 16)}…, given ${got[name].slice(0, 16)}…)`);
  }
  for (const name of Object.keys(got)) if (!(name in id.tensors)) throw new JournalModelError(`wrong model: tensor '${name}' is not in the journal's model '${id.source}'`);
  return model;
}

/** What `restore` needs besides the value; the path of the value is kept as a stack and joined only for an error. */
interface RestoreContext {
  n: number;
  recipe: () => RecipeInput | null;
  model: Model | null;
  path: (string | number)[];
}

const pathOf = (path: (string | number)[]) => path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');

/** A stored value as a live one (runs per call during a replay: no closure, no path string unless it throws). */
function restore(v: unknown, ctx: RestoreContext): unknown {
  if (v === null || typeof v !== 'object') return v;
  const path = ctx.path;
  if (Array.isArray(v)) {
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) {
      path.push(i);
      out[i] = restore(v[i], ctx);
      path.pop();
    }
    return out;
  }
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length === 1 && keys[0].charCodeAt(0) === 36 /* '$' */) {
    switch (keys[0]) {
      case '$ref':
        if (o.$ref === 'recipe') return ctx.recipe();
        break;
      case '$model':
        if (!ctx.model) throw new JournalReplayError(`call ${ctx.n}: ${pathOf(path)} references a model, and the journal names none`);
        return ctx.model;
      case '$number':
        return Number(o.$number);
      case '$bigint':
        return BigInt(o.$bigint as string);
    }
    throw new JournalReplayError(`call ${ctx.n}: ${pathOf(path)} holds a reference (${keys[0]}) to a live object a journal cannot restore`);
  }
  const out: Record<string, unknown> = {};
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    path.push(k);
    out[k] = restore(o[k], ctx);
    path.pop();
  }
  return out;
}

/** Turns a stored call back into a live one: `$ref: recipe` → the recipe, `$model` → the replay's model. */
export function liveCall(c: JournalCall, n: number, recipe: () => RecipeInput | null, model: Model | null, override?: () => RecipeInput): LifecycleCall {
  const ctx: RestoreContext = { n, recipe, model, path: ['options'] };
  switch (c.call) {
    case 'initialize': {
      // A replay-supplied recipe stands for whatever the journal holds there (modifier instances are references).
      const options: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(c.options)) {
        ctx.path.push(k);
        options[k] = k === 'recipe' && override && v !== null ? override() : restore(v, ctx);
        ctx.path.pop();
      }
      return { call: 'initialize', options };
    }
    case 'event':
      return { call: 'event', type: c.type as never, options: restore(c.options, ctx) as Record<string, unknown> };
    case 'finalize':
      return { call: 'finalize', options: restore(c.options, ctx) as Record<string, unknown> };
    case 'reset':
      return { call: 'reset' };
    default:
      throw new JournalReplayError(`call ${n}: unknown call ${JSON.stringify((c as { call: unknown }).call)}`);
  }
}

/** Replays a journal (see the file comment). Damage throws {@link JournalDamageError} unless `recover`. */
export function replayJournal(input: Journal | string | Uint8Array, options: ReplayOptions = {}): ReplayResult {
  const journal = asJournal(input);
  if (journal.damage && !options.recover) throw new JournalDamageError(journal.source, journal.damage);
  const { header } = journal;
  const model = options.resume ? options.resume.model : replayModel(header, options.model);
  const lifecycle = options.resume?.lifecycle ?? new CompressionLifecycle({ fidelity: header.fidelity });
  const recipe = () => (options.recipe ? options.recipe() : header.recipe);
  // What the recorder derived for the current call (two slots: no object per call).
  let gotEntry: CallEntry | null = null;
  let gotRecords: LifecycleRecord[] | null = null;
  const keep = options.keepRecords !== false;
  const recorder = new CallRecorder(lifecycle, { recipeRef: header.recipe !== null, model, keepRecords: keep, onEntry: (entry, records) => {
      gotEntry = entry;
      gotRecords = records;
    },
  });
  const last = Math.min(journal.calls.length, options.to ?? Infinity);
  let divergence: Divergence | null = null;
  let n = options.resume?.calls ?? 0;
  try {
    for (; n < last; n++) {
      const stored = journal.calls[n];
      const c = stored.c;
      gotEntry = null;
      if (c.call === 'optimizerStep') {
        if (model) simulatedOptimizerStep(model, header.seed, c.globalStep, c.lr);
        recorder.optimizerStep(c.globalStep, c.lr);
      } else {
        const live = isCalibrationCall(c) ? null : liveCall(c, stored.n, recipe, model, options.recipe);
        recorder.expect(c);
        try {
          if (live) applyCall(lifecycle, live);
          else applyCalibrationCall(c as Parameters<typeof applyCalibrationCall>[0], calibrationContext(lifecycle));
        } catch {
          // the error is part of the call's effects, compared through the digest
        }
        recorder.endCall();
      }
      const entry = gotEntry as CallEntry | null;
      const records = gotRecords as LifecycleRecord[] | null;
      if (!entry) throw new JournalReplayError(`call ${stored.n}: the replay recorded nothing`);
      const what = entry.e !== stored.e || entry.x !== stored.x ? 'effects' : entry.m !== stored.m ? 'model' : null;
      if (what) {
        divergence = {
          call: stored.n,
          step: lifecycle.globalStep,
          event: c.call === 'event' ? c.type : c.call,
          expected: stored,
          got: entry,
          what,
          records: records ?? [],
        };
        n++;
        break;
      }
      options.onCall?.(stored, entry, records, lifecycle);
    }
  } finally {
    recorder.close();
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
