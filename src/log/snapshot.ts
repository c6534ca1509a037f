/**
 * Snapshots of a replay at call K, so `replay --to N` re-executes calls K+1…N only. A snapshot is a
 * cache of a replay that matched the journal through call K, never the truth: it is keyed to that
 * journal prefix (a SHA-256 over the header and entries 1…K), and on use the restored weights must
 * hash to the journal's model hash at K; anything else makes it unusable and the replay starts over.
 *
 * Restore protocol: a fresh lifecycle re-runs the prefix's one initialize call (rebuilding the recipe,
 * its modifiers' fields and targets, and State), then each modifier gets back its machine state and
 * its private state (`Restorable`, src/modifiers/restorable.ts), the lifecycle its own fields (step,
 * order state, flags, record counter) and the model its weights. A run whose modifiers are not all
 * `Restorable`, that initialized more than once, reset after initializing, or narrowed its recipe
 * (the independent pipeline) gets no snapshot: `captureBlocker` says why.
 */
import { createHash } from 'node:crypto';
import { setWarningSink } from '../core/logger.ts';
import type { LifecycleRecord } from '../core/records.ts';
import { applyCall } from '../lifecycle/calls.ts';
import { CompressionLifecycle, type LifecycleFields } from '../lifecycle/lifecycle.ts';
import type { Model } from '../model/model.ts';
import type { ModifierStateName } from '../../machines/modifier.machine.ts';
import type { TensorData } from '../tensor/tensor.ts';
import { isRestorable, type SavedModifierState } from '../modifiers/restorable.ts';
import type { CallEntry } from './format.ts';
import { modelSha256, namedTensors } from './modelHash.ts';
import type { Journal } from './reader.ts';
import { liveCall } from './liveCall.ts';
import { startModel, type ReplayOptions } from './replay.ts';

export interface Snapshot {
  /** The state after this call. */
  call: number;
  /** SHA-256 of the journal prefix it was taken from (`prefixKeys`). */
  prefix: string;
  /** The initialize call a restore re-runs. */
  initializeCall: number;
  lifecycle: LifecycleFields;
  currentBatchIdx: number;
  modifiers: Array<{ type: string; stateName: ModifierStateName; saved: SavedModifierState }>;
  /** Every tensor's values (namedTensors order), or null for a journal without a model. */
  weights: Array<[string, TensorData]> | null;
}

/** SHA-256 keys of the journal prefixes ending at each of `calls` (header, then entries 1…K, as JSON). */
export function prefixKeys(journal: Journal, calls: readonly number[]): Map<number, string> {
  const want = new Set(calls);
  const out = new Map<number, string>();
  const h = createHash('sha256').update(`llmc-sim-snapshot-prefix\n${JSON.stringify(journal.header)}\n`);
  const last = Math.min(journal.calls.length, Math.max(0, ...calls));
  if (want.has(0)) out.set(0, h.copy().digest('hex'));
  for (let i = 0; i < last; i++) {
    h.update(`${JSON.stringify(journal.calls[i])}\n`);
    if (want.has(i + 1)) out.set(i + 1, h.copy().digest('hex'));
  }
  return out;
}

/**
 * Follows a replay call by call (its records) to know whether the state after the current call can
 * be snapshotted, and which call a restore re-runs.
 */
export class RestorePlan {
  initializeCall: number | null = null;
  blocker: string | null = null;
  constructor(from?: Snapshot) {
    if (from) this.initializeCall = from.initializeCall;
  }
  /** Call `stored` (n) caused `records`. */
  observe(stored: CallEntry, records: readonly LifecycleRecord[] | null): void {
    if (this.blocker) return;
    if (records === null) this.blocker = 'the replay kept no records';
    else if (stored.c.call === 'independentScope') this.blocker = 'the independent pipeline narrows the recipe between calls';
    else {
      for (const r of records) {
        if (r.type === 'call.initialize') {
          if (this.initializeCall !== null) this.blocker = `initialize was called again (call ${stored.n})`;
          else this.initializeCall = stored.n;
        } else if (r.type === 'call.reset' && this.initializeCall !== null) this.blocker = `the lifecycle was reset after initializing (call ${stored.n})`;
      }
    }
  }
}

/** Why the state after this call cannot be snapshotted, or null. */
export function captureBlocker(plan: RestorePlan, lifecycle: CompressionLifecycle): string | null {
  if (plan.blocker) return plan.blocker;
  if (plan.initializeCall === null) return 'the lifecycle is not initialized yet';
  const not = lifecycle.recipe.modifiers.filter((m) => !isRestorable(m)).map((m) => m.constructor.name);
  if (not.length) return `${[...new Set(not)].join(', ')} ${not.length === 1 ? 'does' : 'do'} not implement the snapshot protocol (src/modifiers/restorable.ts): its private state is not saved`;
  return null;
}

/** The state after call `call` (check `captureBlocker` first). */
export function captureSnapshot(call: number, prefix: string, plan: RestorePlan, lifecycle: CompressionLifecycle, model: Model | null): Snapshot {
  return {
    call,
    prefix,
    initializeCall: plan.initializeCall as number,
    lifecycle: lifecycle._snapshotFields(),
    currentBatchIdx: lifecycle.state.currentBatchIdx,
    modifiers: lifecycle.recipe.modifiers.map((m) => {
      if (!isRestorable(m)) throw new TypeError(`${m.constructor.name} is not restorable`);
      return { type: m.constructor.name, stateName: m.stateName, saved: m.saveState() };
    }),
    weights: model ? namedTensors(model).map(([name, t]) => [name, t.data.slice()] as [string, TensorData]) : null,
  };
}

/** The journal's model hash after call `call`: the last stored one at or before it, else the header's. */
export function modelHashAt(journal: Journal, call: number): string | null {
  for (let i = Math.min(call, journal.calls.length) - 1; i >= 0; i--) {
    const m = journal.calls[i].m;
    if (m !== undefined) return m;
  }
  return journal.header.model?.sha256 ?? null;
}

export interface Restored {
  lifecycle: CompressionLifecycle;
  model: Model | null;
}

/**
 * A fresh lifecycle and model in the state after `snapshot.call` (see the file comment), or the
 * reason it cannot be: a mismatched modifier list, a saved state its modifier refuses, weights that
 * do not hash to the journal's model hash at that call.
 */
export function restoreSnapshot(journal: Journal, snapshot: Snapshot, options: Pick<ReplayOptions, 'model' | 'recipe'> = {}): Restored | string {
  const { header } = journal;
  const model = startModel(journal, options.model);
  const lifecycle = new CompressionLifecycle({ fidelity: header.fidelity });
  const init = journal.calls[snapshot.initializeCall - 1];
  if (!init || init.c.call !== 'initialize') return `call ${snapshot.initializeCall} is not an initialize call`;
  const mute = setWarningSink(() => {}); // its warnings were given when the call first ran
  try {
    applyCall(lifecycle, liveCall(init.c, init.n, () => header.recipe, model, options.recipe));
  } catch (e) {
    return `re-running initialize (call ${init.n}) failed: ${(e as Error).message}`;
  } finally {
    setWarningSink(mute);
  }
  const modifiers = lifecycle.recipe.modifiers;
  if (modifiers.length !== snapshot.modifiers.length) return `the recipe has ${modifiers.length} modifiers, the snapshot ${snapshot.modifiers.length}`;
  try {
    modifiers.forEach((m, i) => {
      const saved = snapshot.modifiers[i];
      if (m.constructor.name !== saved.type || !isRestorable(m)) throw new TypeError(`modifier ${i} is ${m.constructor.name}, the snapshot's ${saved.type}`);
      m._restoreStateName(saved.stateName);
      m.restoreState(saved.saved);
    });
    lifecycle._restoreFields(snapshot.lifecycle);
    lifecycle.updateState({ currentBatchIdx: snapshot.currentBatchIdx });
    if (model) {
      const tensors = namedTensors(model);
      const weights = snapshot.weights ?? [];
      if (weights.length !== tensors.length) throw new TypeError(`the snapshot holds ${weights.length} tensors, the model ${tensors.length}`);
      tensors.forEach(([name, t], i) => {
        const [savedName, values] = weights[i];
        if (savedName !== name || values.length !== t.data.length || values.constructor !== t.data.constructor) throw new TypeError(`tensor ${i} is ${name}, the snapshot's ${savedName}`);
        t.data.set(values);
      });
    }
  } catch (e) {
    return (e as Error).message;
  }
  const expected = modelHashAt(journal, snapshot.call);
  if (model && expected !== null && modelSha256(model) !== expected) return `its weights do not hash to the journal's model hash at call ${snapshot.call}`;
  return { lifecycle, model };
}
