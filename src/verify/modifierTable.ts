/**
 * A modifier's behaviour as a table, read off the real `ProbeModifier` (and so off the real
 * modifier machine): for a local state (flags and phase) and an operation (initialize, finalize,
 * updateEvent of a type at a currentIndex), the next local state, the hooks called and the error.
 * Each entry is computed once, by replaying on a fresh probe the operations that first reached the
 * state; the explorer then only looks entries up. Nothing here re-states the lifecycle rules.
 */
import { Event, type EventType } from '../core/events.ts';
import { State } from '../core/state.ts';
import { ProbeModifier, type ProbeHookCall } from '../modifiers/probe.ts';
import type { ProbeSpec } from './config.ts';

export type ModifierOp = { op: 'initialize' } | { op: 'finalize' } | { op: 'event'; type: EventType; currentIndex: number };

export interface LocalState {
  initialized: boolean;
  started: boolean;
  ended: boolean;
  finalized: boolean;
  /** The modifier's `phase`, as its machine reports it. */
  phase: string;
}

export interface OpResult {
  next: number;
  hooks: readonly ProbeHookCall[];
  /** The thrown error's code (E10…, `probe` for a `raises_in` hook), or null. */
  error: string | null;
}

const opKey = (o: ModifierOp): string => (o.op === 'event' ? `e:${o.type}:${o.currentIndex}` : o.op);

/** The code a thrown error is known by in verify's reports. */
export function errorCode(e: unknown): string {
  if (e && typeof e === 'object' && 'code' in e && typeof (e as { code: unknown }).code === 'string') return (e as { code: string }).code;
  if (e instanceof Error && e.name === 'ProbeHookError') return 'probe';
  return e instanceof Error ? e.name : String(e);
}

function newProbe(spec: ProbeSpec): ProbeModifier {
  return new ProbeModifier({
    start: spec.start,
    end: spec.end,
    update: spec.update,
    initialize_returns: spec.initializeReturns,
    finalize_returns: spec.finalizeReturns,
    raises_in: spec.raisesIn,
  });
}

/** Applies one operation to a live modifier; returns the error code or null. */
function applyOp(m: ProbeModifier, o: ModifierOp, state: State): string | null {
  try {
    if (o.op === 'initialize') m.initialize(state, {});
    else if (o.op === 'finalize') m.finalize(state, {});
    else m.updateEvent(state, new Event({ type: o.type, globalStep: o.currentIndex }), {});
    return null;
  } catch (e) {
    return errorCode(e);
  }
}

const localOf = (m: ProbeModifier): LocalState => ({
  initialized: m.initialized,
  started: m.started,
  ended: m.ended,
  finalized: m.finalized,
  phase: m.phase,
});

const localKey = (l: LocalState) => `${+l.initialized}${+l.started}${+l.ended}${+l.finalized}${l.phase}`;

export class ModifierTable {
  /** Local states by id; id 0 is a fresh modifier. */
  readonly states: LocalState[] = [];
  readonly #ids = new Map<string, number>();
  readonly #paths: ModifierOp[][] = [];
  readonly #results = new Map<string, OpResult>();
  readonly #state = new State();

  constructor(readonly spec: ProbeSpec) {
    this.#intern(localOf(newProbe(spec)), []);
  }

  /** The result of `o` on a modifier in local state `id`. */
  apply(id: number, o: ModifierOp): OpResult {
    const key = `${id}|${opKey(o)}`;
    let r = this.#results.get(key);
    if (!r) {
      const m = newProbe(this.spec);
      for (const p of this.#paths[id]) applyOp(m, p, this.#state);
      const before = m.hookLog.length;
      const error = applyOp(m, o, this.#state);
      r = { next: this.#intern(localOf(m), [...this.#paths[id], o]), hooks: m.hookLog.slice(before), error };
      this.#results.set(key, r);
    }
    return r;
  }

  #intern(local: LocalState, path: ModifierOp[]): number {
    const key = localKey(local);
    let id = this.#ids.get(key);
    if (id === undefined) {
      id = this.states.length;
      this.states.push(local);
      this.#paths.push(path);
      this.#ids.set(key, id);
    }
    return id;
  }
}
