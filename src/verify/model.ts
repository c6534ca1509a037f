/**
 * The lifecycle as a pure transition function over a small state vector, for exhaustive search.
 * The lifecycle-level rules (lifecycle.md §6: initialized/finalized checks, the order rule through
 * `nextOrderState`, the step, reset) are written here; each modifier's reaction is looked up in its
 * `ModifierTable`, read off the real ProbeModifier. `test/verify/model.test.ts` replays explored paths
 * on the real `CompressionLifecycle` and checks both agree state for state.
 *
 * State vector: [initialized, finalized, hasRecipe, order index, step index] then per modifier
 * [local state id, completed onStart calls, completed onEnd calls] (call counts saturate at 2).
 * In 'reference' the step never reaches a modifier (Q1), so it is not part of the state (index 0).
 */
import { EventType } from '../core/events.ts';
import type { HookName } from '../core/records.ts';
import { INITIAL_ORDER_STATE, nextOrderState } from '../core/order.ts';
import { ORDERED } from '../../machines/lifecycle.machine.ts';
import type { LifecycleCall } from '../lifecycle/calls.ts';
import { recipeText, type VerifyConfig } from './config.ts';
import { ModifierTable, type ModifierOp, type OpResult } from './modifierTable.ts';

export type StateVector = readonly number[];

const LC = { initialized: 0, finalized: 1, hasRecipe: 2, order: 3, step: 4 } as const;
const HEADER = 5;
const PER_MODIFIER = 3;

export interface HookCallView {
  modifier: number;
  hook: HookName;
  raised: boolean;
}

export interface ModifierView {
  initialized: boolean;
  started: boolean;
  ended: boolean;
  finalized: boolean;
  phase: string;
  /** Completed `onStart` / `onEnd` calls of this modifier instance (2 means two or more). */
  starts: number;
  ends: number;
  start: number | null;
  end: number | null;
}

/** What properties see of a state: the same shape from the model and from a real lifecycle. */
export interface LifecycleView {
  initialized: boolean;
  finalized: boolean;
  /** The order state (last ordered event type accepted). */
  last: EventType;
  /** The lifecycle's step (always 0 in 'reference', where no event carries it). */
  globalStep: number;
  /** The current recipe's modifiers; empty before `initialize` and after `reset`. */
  modifiers: readonly ModifierView[];
}

/** A call from a state, as transition properties see it. During a search one object is rewritten for each call: read it while the predicate runs, copy what you keep. */
export interface TransitionView {
  before: LifecycleView;
  call: LifecycleCall;
  /** Code of the error the call threw (E40…, E10…, `probe`), or null. */
  error: string | null;
  /** Hook calls the call caused, in order. */
  hooks: readonly HookCallView[];
  /** The lifecycle's step right after the call (in 'reference' too). */
  globalStepAfter: number;
  after: LifecycleView;
}

export interface StepResult {
  next: number[];
  error: string | null;
  hooks: HookCallView[];
  globalStepAfter: number;
}

const sat = (n: number) => (n > 2 ? 2 : n);

/** A table entry as the search uses it: the result, its hooks as this modifier's views, and the completed onStart/onEnd calls. */
interface FastEntry {
  result: OpResult;
  hooks: readonly HookCallView[];
  starts: number;
  ends: number;
}

function fastEntry(modifier: number, result: OpResult): FastEntry {
  const hooks = result.hooks.map((h): HookCallView => ({ modifier, hook: h.hook, raised: h.raised }));
  const completed = (hook: HookName) => result.hooks.filter((h) => h.hook === hook && !h.raised).length;
  return { result, hooks, starts: completed('onStart'), ends: completed('onEnd') };
}
const RESERVED = new Set<EventType>([EventType.INITIALIZE, EventType.FINALIZE]);
const EVENT_TYPES = Object.values(EventType);
/** Indices of initialize and finalize in `operations()`. */
const OP_INITIALIZE = 0;
const OP_FINALIZE = 1;
const INITIAL_ORDER = ORDERED.indexOf(INITIAL_ORDER_STATE as (typeof ORDERED)[number]);

export class LifecycleModel {
  readonly tables: ModifierTable[];
  /** Step values a state can hold: 0 (the initial step) then the configured ones. */
  readonly stepValues: number[];
  readonly recipe: string;
  readonly calls: LifecycleCall[];
  readonly #ops: ModifierOp[];
  /** Per modifier, the table's results by `localId * ops + op` (filled on demand), with their hook views. */
  readonly #fast: Array<Array<FastEntry | undefined>>;
  /** Per modifier, 1 at each `localId * ops + op` the search has used (its coverage). */
  #used: Uint8Array[];
  readonly #typeIndex: ReadonlyMap<EventType, number>;
  readonly #stepIndex: ReadonlyMap<number, number>;
  /** The order index after an event, by `order index * event types + type index`; -1 where the order rule refuses it. */
  readonly #orderAfter: Int8Array;

  constructor(readonly config: VerifyConfig) {
    this.tables = config.probes.map((p) => new ModifierTable(p));
    this.stepValues = [0, ...config.steps.filter((s) => s !== 0)];
    this.recipe = recipeText(config.probes);
    this.calls = alphabet(config, this.recipe);
    this.#ops = this.operations();
    this.#fast = this.tables.map(() => []);
    this.#used = this.tables.map(() => new Uint8Array(0));
    this.#typeIndex = new Map(EVENT_TYPES.map((t, i) => [t, i]));
    this.#stepIndex = new Map(this.stepValues.map((g, i) => [g, i]));
    this.#orderAfter = Int8Array.from({ length: ORDERED.length * EVENT_TYPES.length }, (_, k) => {
      const order = nextOrderState(ORDERED[Math.floor(k / EVENT_TYPES.length)] as EventType, EVENT_TYPES[k % EVENT_TYPES.length]);
      return order.accepted ? ORDERED.indexOf(order.last as (typeof ORDERED)[number]) : -1;
    });
  }

  /** Modifier i's table entry for operation index `op` from local state `id`. */
  #apply(i: number, id: number, op: number): FastEntry {
    const k = id * this.#ops.length + op;
    const fast = this.#fast[i];
    let r = fast[k];
    if (r === undefined) fast[k] = r = fastEntry(i, this.tables[i].apply(id, this.#ops[op]));
    let used = this.#used[i];
    if (k >= used.length) {
      used = new Uint8Array(Math.max(k + 1, 2 * used.length));
      used.set(this.#used[i]);
      this.#used[i] = used;
    }
    used[k] = 1;
    return r;
  }

  /** The (local state, operation) → result entries `step` has used for modifier i (its coverage), by key. */
  usedEntries(i: number): Array<{ from: number; op: ModifierOp; result: OpResult }> {
    const nOps = this.#ops.length;
    const out: Array<{ from: number; op: ModifierOp; result: OpResult }> = [];
    this.#used[i].forEach((u, k) => {
      if (u) out.push({ from: Math.floor(k / nOps), op: this.#ops[k % nOps], result: this.#fast[i][k]!.result });
    });
    return out;
  }

  /** The operations a modifier can receive in this configuration. */
  operations(): ModifierOp[] {
    const ops: ModifierOp[] = [{ op: 'initialize' }, { op: 'finalize' }];
    const indices = this.config.fidelity === 'reference' ? [0] : this.stepValues;
    for (const type of EVENT_TYPES) for (const currentIndex of indices) ops.push({ op: 'event', type, currentIndex });
    return ops;
  }

  /**
   * Fills every modifier table (every reachable local state × every operation) so the search only
   * looks entries up; like compiling SPIN's pan, its time is reported apart.
   */
  prepare(): void {
    const ops = this.operations();
    this.tables.forEach((t, i) => {
      for (let id = 0; id < t.states.length; id++) for (const o of ops) t.apply(id, o);
      // Dense, in key order: the search then reads packed arrays.
      this.#fast[i] = Array.from({ length: t.states.length * ops.length }, (_, k) => fastEntry(i, t.apply(Math.floor(k / ops.length), ops[k % ops.length])));
      this.#used[i] = new Uint8Array(t.states.length * ops.length);
    });
  }

  get modifierCount(): number {
    return this.tables.length;
  }

  initial(): number[] {
    const v = new Array<number>(HEADER + PER_MODIFIER * this.tables.length).fill(0);
    v[LC.order] = INITIAL_ORDER;
    return v;
  }

  /** Runs operation `op` on modifier i of `v` in place, appending its hooks; returns its error. */
  #run(v: number[], hooks: HookCallView[], i: number, op: number): string | null {
    const at = HEADER + PER_MODIFIER * i;
    const r = this.#apply(i, v[at], op);
    v[at] = r.result.next;
    for (let j = 0; j < r.hooks.length; j++) hooks.push(r.hooks[j]);
    if (r.starts) v[at + 1] = sat(v[at + 1] + r.starts);
    if (r.ends) v[at + 2] = sat(v[at + 2] + r.ends);
    return r.result.error;
  }

  /** Runs operation `o` on every modifier in order, stopping at the first error, which it returns. */
  #runAll(v: number[], hooks: HookCallView[], o: number): string | null {
    for (let i = 0; i < this.tables.length; i++) {
      const e = this.#run(v, hooks, i, o);
      if (e) return e;
    }
    return null;
  }

  step(s: StateVector, c: LifecycleCall): StepResult {
    const next = [...s];
    const hooks: HookCallView[] = [];
    const error = this.stepInto(s, c, next, hooks);
    return { next, error, hooks, globalStepAfter: this.globalStepAfter };
  }

  /** The lifecycle's step after the last `stepInto` (in 'reference' too). */
  globalStepAfter = 0;
  /** Whether the last `stepInto` was refused before changing anything: its successor is its source, and `v` was not written. */
  unchanged = false;

  /**
   * `step` without allocating, for the search: writes the next vector into `v` (as long as `s`) and
   * the call's hook calls into `hooks` (emptied first), sets `globalStepAfter`, returns the error code.
   * A call refused before it changes anything leaves `v` as it was and sets `unchanged`.
   */
  stepInto(s: StateVector, c: LifecycleCall, v: number[], hooks: HookCallView[]): string | null {
    hooks.length = 0;
    const g = this.stepValues[s[LC.step]];
    this.globalStepAfter = g;
    this.unchanged = true;
    switch (c.call) {
      case 'initialize':
        if (s[LC.initialized]) return null; // Q4
        break;
      case 'finalize':
        if (!s[LC.initialized]) return 'E40';
        if (s[LC.finalized]) return 'E41';
        break;
      case 'event': {
        if (!s[LC.initialized]) return 'E42';
        if (s[LC.finalized]) return 'E43';
        if (RESERVED.has(c.type)) return 'E44';
        if (this.#orderAfter[s[LC.order] * EVENT_TYPES.length + this.#typeIndex.get(c.type)!] < 0) return 'E45';
        if (c.type === EventType.LOSS_CALCULATED && c.options.loss == null && this.config.fidelity !== 'reference') return 'E46';
        break;
      }
    }
    this.unchanged = false;
    for (let i = 0; i < s.length; i++) v[i] = s[i];
    switch (c.call) {
      case 'initialize': {
        v[LC.hasRecipe] = 1;
        v.fill(0, HEADER);
        const error = this.#runAll(v, hooks, OP_INITIALIZE);
        if (!error) v[LC.initialized] = 1;
        return error;
      }
      case 'finalize': {
        const error = this.#runAll(v, hooks, OP_FINALIZE);
        if (!error) v[LC.finalized] = 1;
        return error;
      }
      case 'reset': {
        if (v[LC.hasRecipe]) {
          for (let i = 0; i < this.tables.length; i++) {
            const l = this.tables[i].states[v[HEADER + PER_MODIFIER * i]];
            if (l.initialized && !l.finalized) this.#run(v, hooks, i, OP_FINALIZE); // errors become W1
          }
        }
        v.fill(0);
        v[LC.order] = INITIAL_ORDER;
        this.globalStepAfter = 0;
        return null;
      }
      case 'event':
        return this.#event(v, hooks, c.type, c.options, g);
    }
  }

  /** An event that passed §6.3's checks 1–4 (and, in 'default', 5): moves the order and the step, then reaches every modifier. */
  #event(v: number[], hooks: HookCallView[], type: EventType, options: { globalStep?: number | null; loss?: unknown }, g: number): string | null {
    const reference = this.config.fidelity === 'reference';
    const typeIndex = this.#typeIndex.get(type)!;
    v[LC.order] = this.#orderAfter[v[LC.order] * EVENT_TYPES.length + typeIndex];
    if (type === EventType.LOSS_CALCULATED && options.loss == null) return 'E46'; // 'reference' only: Q3, the order has moved
    const stepOption = options.globalStep;
    if (reference) g = stepOption ?? 0;
    else if (stepOption != null) {
      g = stepOption;
      v[LC.step] = this.#stepIndex.get(g)!;
    }
    this.globalStepAfter = g;
    return this.#runAll(v, hooks, reference ? 2 + typeIndex : 2 + typeIndex * this.stepValues.length + this.#stepIndex.get(g)!);
  }

  view(s: StateVector): LifecycleView {
    const modifiers: ModifierView[] = [];
    if (s[LC.hasRecipe]) {
      for (let i = 0; i < this.tables.length; i++) {
        const at = HEADER + PER_MODIFIER * i;
        const l = this.tables[i].states[s[at]];
        const p = this.config.probes[i];
        modifiers.push({ initialized: l.initialized, started: l.started, ended: l.ended, finalized: l.finalized, phase: l.phase, starts: s[at + 1], ends: s[at + 2], start: p.start, end: p.end });
      }
    }
    return {
      initialized: s[LC.initialized] === 1,
      finalized: s[LC.finalized] === 1,
      last: ORDERED[s[LC.order]] as EventType,
      globalStep: this.stepValues[s[LC.step]],
      modifiers,
    };
  }
}

/**
 * Every call the explorer tries from each state: initialize (with the probes' recipe), each event
 * type without and with each configured step (LOSS_CALCULATED also with a loss), finalize, reset.
 */
export function alphabet(config: VerifyConfig, recipe: string): LifecycleCall[] {
  const calls: LifecycleCall[] = [{ call: 'initialize', options: { recipe } }];
  const steps: Array<number | undefined> = [undefined, ...config.steps];
  for (const type of Object.values(EventType)) {
    const losses = type === EventType.LOSS_CALCULATED ? [undefined, 1] : [undefined];
    for (const loss of losses) {
      for (const globalStep of steps) {
        const options: Record<string, unknown> = {};
        if (globalStep !== undefined) options.globalStep = globalStep;
        if (loss !== undefined) options.loss = loss;
        calls.push({ call: 'event', type, options });
      }
    }
  }
  calls.push({ call: 'finalize', options: {} }, { call: 'reset' });
  return calls;
}
