/**
 * Time travel: the state after call n of a journal — each modifier's phase and flags, the
 * lifecycle's order state and global step, model statistics (per-module sparsity, quantized
 * modules), and the records call n caused. Summaries are immer-frozen, so a `Timeline` keeps one
 * every K calls with structural sharing; they are a cache of a replay, never read as the truth.
 */
import { freeze } from 'immer';
import type { CompressionLifecycle } from '../lifecycle/lifecycle.ts';
import { Model } from '../model/model.ts';
import { sparsityOf } from '../modifiers/pruning/masks.ts';
import type { CallEntry } from './format.ts';
import { JournalDamageError } from './errors.ts';
import { readJournal, type Journal } from './reader.ts';
import { replayJournal, type Divergence, type ReplayOptions } from './replay.ts';
import { captureBlocker, captureSnapshot, prefixKeys, RestorePlan } from './snapshot.ts';
import { snapshotEvery, type SnapshotCache } from './snapshotCache.ts';
import { serializeRecord, type JsonValue } from './serialize.ts';

export interface ModifierSummary {
  position: number;
  type: string;
  group: string | null;
  phase: string;
  initialized: boolean;
  started: boolean;
  ended: boolean;
  finalized: boolean;
}

export interface StateSummary {
  call: number;
  entry: CallEntry | null;
  initialized: boolean;
  finalized: boolean;
  globalStep: number;
  orderState: string;
  modifiers: ModifierSummary[];
  model: { sparsity: Record<string, number>; quantized: string[] } | null;
  /** The records call n caused, serialized. */
  effects: JsonValue[];
}

function modelStats(lifecycle: CompressionLifecycle, model: Model | null): StateSummary['model'] {
  if (!model) return null;
  const sparsity: Record<string, number> = {};
  for (const [name, m] of model.namedModules()) if (m.kind === 'linear') sparsity[name] = Number(sparsityOf(m.weight.data).toFixed(6));
  const quantized = new Set<string>();
  for (const m of lifecycle.recipe.modifiers) {
    const schemes = (m as unknown as { attachedSchemes?: ReadonlyMap<string, unknown> }).attachedSchemes;
    if (schemes instanceof Map) for (const k of schemes.keys()) quantized.add(k);
  }
  return { sparsity, quantized: [...quantized].sort() };
}

export function summarize(call: number, entry: CallEntry | null, lifecycle: CompressionLifecycle, model: Model | null, effects: JsonValue[]): StateSummary {
  return freeze(
    {
      call,
      entry,
      initialized: lifecycle.initialized,
      finalized: lifecycle.finalized,
      globalStep: lifecycle.globalStep,
      orderState: lifecycle.lastEventType,
      modifiers: lifecycle.recipe.modifiers.map((m, position) => ({
        position,
        type: m.constructor.name,
        group: m.group ?? null,
        phase: m.phase,
        initialized: m.initialized,
        started: m.started,
        ended: m.ended,
        finalized: m.finalized,
      })),
      model: modelStats(lifecycle, model),
      effects,
    },
    true,
  );
}

export interface StateAt {
  state: StateSummary;
  /** Set when the replay diverged before reaching call n (the state is then after the divergent call). */
  divergence: Divergence | null;
  /** The snapshot call the replay started from (0: from the start). */
  startedAt: number;
}

export interface StateAtOptions extends Omit<ReplayOptions, 'to' | 'onCall' | 'resume'> {
  /**
   * Snapshots to start from (the latest usable one before call n) and to add to: the state at the
   * last multiple of `snapshotEvery` before n is captured when the run allows it (snapshot.ts).
   */
  snapshots?: SnapshotCache;
}

const asJournal = (j: Journal | string | Uint8Array): Journal => (typeof j === 'string' || j instanceof Uint8Array ? readJournal(j) : j);

/** Replays calls 1..n (not further; from a snapshot when one is usable) and summarizes the state after call n. */
export function stateAt(input: Journal | string | Uint8Array, n: number, options: StateAtOptions = {}): StateAt {
  const { snapshots: cache, ...replayOptions } = options;
  const journal = asJournal(input);
  if (journal.damage && !replayOptions.recover) throw new JournalDamageError(journal.source, journal.damage);
  const from = cache?.restoreBefore(journal, n, replayOptions) ?? null;
  const plan = new RestorePlan(from?.snapshot);
  const every = snapshotEvery(journal.calls.length);
  const captureAt = Math.floor((Math.min(n, journal.calls.length) - 1) / every) * every;
  const key = cache && captureAt > (from?.snapshot.call ?? 0) ? prefixKeys(journal, [captureAt]).get(captureAt) : undefined;
  let last: { entry: CallEntry; effects: JsonValue[] } | null = null;
  const r = replayJournal(journal, {
    ...replayOptions,
    to: n,
    keepRecords: true,
    resume: from ? { ...from.restored, calls: from.snapshot.call } : undefined,
    onCall: (stored, _got, records, lifecycle) => {
      plan.observe(stored, records);
      if (stored.n === n) last = { entry: stored, effects: (records ?? []).map(serializeRecord) };
      if (cache && key !== undefined && stored.n === captureAt) {
        const why = captureBlocker(plan, lifecycle);
        if (why) cache.notes.push(`no snapshot at call ${captureAt}: ${why}; \`--to\` re-executes from the start`);
        else cache.add(captureSnapshot(captureAt, key, plan, lifecycle, lifecycle.state.model instanceof Model ? lifecycle.state.model : null));
      }
    },
  });
  const d = r.divergence;
  if (from && d && cache) {
    // A divergence is reported only as a replay from the start finds it: the snapshot may be the cause.
    const truth = stateAt(journal, n, replayOptions);
    const agrees = truth.divergence?.call === d.call && truth.divergence.got.e === d.got.e && truth.divergence.got.m === d.got.m;
    if (!agrees) cache.forget(from.snapshot, `the replay from it diverged at call ${d.call}, the replay from the start ${truth.divergence ? `at call ${truth.divergence.call}` : 'does not'}`);
    return truth;
  }
  const at = last as { entry: CallEntry; effects: JsonValue[] } | null;
  const effects = d ? d.records.map(serializeRecord) : (at?.effects ?? []);
  const call = d ? d.call : r.calls;
  return { state: summarize(call, d ? d.got : (at?.entry ?? null), r.lifecycle, r.model, effects), divergence: d, startedAt: from?.snapshot.call ?? 0 };
}

/**
 * Summaries every `every` calls from one replay (immer-frozen, structurally shared), for viewers
 * that scrub through a run: `at(n)` answers from the snapshot at or before n.
 */
export class Timeline {
  readonly snapshots: StateSummary[] = [];
  readonly divergence: Divergence | null;
  constructor(input: Journal | string | Uint8Array, readonly every: number, options: Omit<ReplayOptions, 'to' | 'onCall'> = {}) {
    if (!Number.isInteger(every) || every < 1) throw new RangeError(`Timeline: every must be an integer ≥ 1, got ${every}`);
    const r = replayJournal(input, {
      ...options,
      keepRecords: true,
      onCall: (stored, _got, records, lifecycle) => {
        const model = lifecycle.state.model instanceof Model ? lifecycle.state.model : null;
        if (stored.n % every === 0) this.snapshots.push(summarize(stored.n, stored, lifecycle, model, (records ?? []).map(serializeRecord)));
      },
    });
    this.divergence = r.divergence;
  }
  /** The snapshot at or before call n (null before the first). */
  at(n: number): StateSummary | null {
    const i = Math.floor(n / this.every) - 1;
    return i >= 0 ? (this.snapshots[Math.min(i, this.snapshots.length - 1)] ?? null) : null;
  }
}
