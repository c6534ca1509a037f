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
import type { Journal } from './reader.ts';
import { replayJournal, type Divergence, type ReplayOptions } from './replay.ts';
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
}

/** Replays calls 1..n (not further) and summarizes the state after call n. */
export function stateAt(input: Journal | string | Uint8Array, n: number, options: Omit<ReplayOptions, 'to' | 'onCall'> = {}): StateAt {
  let last: { entry: CallEntry; effects: JsonValue[] } | null = null;
  const r = replayJournal(input, {
    ...options,
    to: n,
    keepRecords: true,
    onCall: (stored, _got, records, _lc) => {
      if (stored.n === n) last = { entry: stored, effects: (records ?? []).map(serializeRecord) };
    },
  });
  const at = last as { entry: CallEntry; effects: JsonValue[] } | null;
  const effects = r.divergence ? r.divergence.records.map(serializeRecord) : (at?.effects ?? []);
  const call = r.divergence ? r.divergence.call : r.calls;
  return { state: summarize(call, r.divergence ? r.divergence.got : (at?.entry ?? null), r.lifecycle, r.model, effects), divergence: r.divergence };
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
