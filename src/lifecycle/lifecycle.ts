/**
 * CompressionLifecycle (LLM Compressor `core/lifecycle.py`): initialize, events, finalize, reset,
 * dispatched to the recipe's modifiers. Every accepted call and each effect it causes is published
 * on `records$`, in causal order; nothing is built for records while nobody subscribes, so a long
 * unrecorded run allocates nothing per event beyond the Event itself.
 *
 * Fidelity (lifecycle.md §0): `'reference'` reproduces upstream's quirks Q1–Q3 (events carry no
 * step; a missing step resets it to 0; a LOSS_CALCULATED rejected for its loss is already recorded
 * by the order rule). `'default'` fixes them. What differs is one `FidelityPolicy`.
 *
 * Calls are not reentrant: a call made while another call of the same lifecycle runs (from a
 * `records$` subscriber or a modifier hook) is refused with `ReentrantCallError`. A subscriber that
 * throws is reported once (`RecordsSubscriberError`, to the warning sink) and unsubscribed.
 */
import { showValue } from '../core/show.ts';
import { FIDELITIES, isFidelity, type Fidelity } from '../core/fidelity.ts';
import { Observable, Subject } from 'rxjs';
import { ALL_EVENT_TYPES, EventType } from '../core/events.ts';
import { State, type StateChanges, type StateOverrides } from '../core/state.ts';
import { ValueError } from '../core/errors.ts';
import { isTruthy } from '../core/python.ts';
import { warn } from '../core/logger.ts';
import { optionsObject, requiredOptions } from '../core/options.ts';
import {
  EventAfterFinalizeError,
  EventBeforeInitializeError,
  EventOrderError,
  FinalizeBeforeInitializeError,
  FinalizeTwiceError,
  LossRequiredError,
  ReservedEventTypeError,
  UnknownEventTypeError,
} from '../core/lifecycleErrors.ts';
import { eventTypeCode, eventTypeOfCode, INITIAL_ORDER_STATE, orderCellAt, type OrderCell } from '../core/order.ts';
import { record, type CallName, type EffectSink, type HookName, type LifecycleRecord, type ModifierRef, type RecordingTap } from '../core/records.ts';
import { dispatchEvent, installEffectSink, kindOf, RECIPE_POSITION, type HookContext, type Modifier, type ModifierPhase } from '../modifiers/modifier.ts';
import { Recipe, type RecipeInput } from '../recipe/recipe.ts';
import { FIDELITY_POLICIES, type FidelityPolicy } from './fidelityPolicy.ts';
import { RecordsSubscriberError, ReentrantCallError } from './errors.ts';
import { RecordStream } from './recordStream.ts';

export type { Fidelity };
export { FIDELITIES };

export interface LifecycleOptions {
  fidelity?: Fidelity;
}

export interface InitializeOptions extends StateChanges {
  recipe?: RecipeInput | null;
  recipeStage?: string | null;
  recipeArgs?: Record<string, unknown> | null;
}

export interface EventOptions {
  globalStep?: number | null;
  loss?: unknown;
  batchData?: unknown;
  [key: string]: unknown;
}

/** W1 */
export const exceptionDuringFinalize = (e: unknown) =>
  `Exception during finalizing modifier: ${e instanceof Error ? e.message : String(e)}`;

export { UnknownEventTypeError };

/** Ours: a lifecycle option of the wrong type. */
export class LifecycleOptionError extends ValueError {
  constructor(call: CallName, option: string, expected: string, value: unknown) {
    super(`${call}(): option '${option}' must be ${expected}, got ${showValue(value)}`);
  }
}

/** The lifecycle's own fields, as a snapshot saves them (`_snapshotFields`). */
export interface LifecycleFields {
  initialized: boolean;
  finalized: boolean;
  globalStep: number;
  orderState: EventType;
  stepsPerEpoch: number | null;
  batchesPerStep: number | null;
  /** The next record's `seq`. */
  seq: number;
}

export class CompressionLifecycle {
  readonly fidelity: Fidelity;
  readonly #policy: FidelityPolicy;
  /** The call now running, if any: calls are not reentrant. */
  #running: CallName | null = null;
  #state = new State();
  #recipe = new Recipe();
  #initialized = false;
  #finalized = false;
  #globalStep = 0;
  /** The order state as an event type code (`eventTypeCode`): one array read per event. */
  #lastCode = eventTypeCode(INITIAL_ORDER_STATE);
  #stepsPerEpoch: number | null = null;
  #batchesPerStep: number | null = null;

  readonly #records = new Subject<LifecycleRecord>();
  #seq = 0;
  /** Someone records: a `records$` subscriber or a tap. */
  #recording = false;
  #observed = false;
  #tap: RecordingTap | null = null;
  /** Numbers the accepted event calls: what modifiers stamp on their routine path (RoutineStamps). */
  #serial = 0;

  /**
   * Every accepted call and each effect it caused, in order (see `records.ts`). A subscriber that
   * throws is reported once as a `RecordsSubscriberError` to the warning sink and unsubscribed.
   */
  readonly records$: Observable<LifecycleRecord> = new RecordStream<LifecycleRecord>(
    (subscriber) => {
      const inner = this.#records.subscribe(subscriber);
      this.#syncRecording();
      return () => {
        inner.unsubscribe();
        this.#syncRecording();
      };
    },
    (e) => {
      const error = new RecordsSubscriberError(e);
      warn(`${error.name}: ${error.message}`);
    },
  );

  constructor(options: LifecycleOptions = {}) {
    options = optionsObject('CompressionLifecycle', options, ['fidelity']);
    const fidelity = options.fidelity ?? 'default';
    if (!isFidelity(fidelity)) {
      throw new ValueError(`fidelity must be one of ${FIDELITIES.map((f) => `'${f}'`).join(', ')}, got ${JSON.stringify(fidelity)}`);
    }
    this.fidelity = fidelity;
    this.#policy = FIDELITY_POLICIES[fidelity];
  }

  get state(): State {
    return this.#state;
  }
  get recipe(): Recipe {
    return this.#recipe;
  }
  get initialized(): boolean {
    return this.#initialized;
  }
  get finalized(): boolean {
    return this.#finalized;
  }
  get globalStep(): number {
    return this.#globalStep;
  }
  /** The order state: the last ordered event type accepted (BATCH_END initially). */
  get lastEventType(): EventType {
    return eventTypeOfCode(this.#lastCode);
  }

  // ---- calls ----------------------------------------------------------------------------------

  /** §6.1. Returns the modifiers' non-null results, or `undefined` when already initialized (Q4). */
  initialize(options: InitializeOptions = {}): unknown[] | undefined {
    this.#enter('initialize', null);
    try {
      return this.#initialize(options);
    } finally {
      this.#running = null;
    }
  }

  /** §6.3. Returns the modifiers' non-null results. */
  event(type: EventType, options: EventOptions = {}): unknown[] {
    const code = eventTypeCode(type);
    this.#enter('event', code >= 0 ? type : null);
    try {
      if (code < 0) throw new UnknownEventTypeError(type);
      return this.#event(type, code, options);
    } finally {
      this.#running = null;
    }
  }

  /** §6.2. Returns the modifiers' non-null results. */
  finalize(options: Record<string, unknown> = {}): unknown[] {
    this.#enter('finalize', null);
    try {
      return this.#finalize(options);
    } finally {
      this.#running = null;
    }
  }

  /** §6.5: finalizes active modifiers (errors become warning W1), then every field returns to its default. */
  reset(): void {
    this.#enter('reset', null);
    try {
      this.#reset();
    } finally {
      this.#running = null;
    }
  }

  #reset(): void {
    this.#emit(record.reset());
    const kwargs = this.#context({});
    for (const m of this.#recipe.modifiers) {
      if (!m.initialized || m.finalized) continue;
      try {
        m.finalize(this.#state, kwargs);
      } catch (e) {
        const message = exceptionDuringFinalize(e);
        warn(message);
        this.#emit(record.warning('W1', message, null));
      }
    }
    for (const m of this.#recipe.modifiers) installEffectSink(m, null);
    this.#state = new State();
    this.#recipe = new Recipe();
    this.#initialized = false;
    this.#finalized = false;
    this.#globalStep = 0;
    this.#lastCode = eventTypeCode(INITIAL_ORDER_STATE);
    this.#stepsPerEpoch = null;
    this.#batchesPerStep = null;
  }

  /**
   * Attaches a recording tap (the journal's, see `RecordingTap`): from now on it sees every record,
   * whether or not anyone subscribes to `records$`. One tap at a time. Returns the detach function.
   */
  attachTap(tap: RecordingTap): () => void {
    if (this.#tap !== null) throw new ValueError('attachTap(): a recording tap is already attached to this lifecycle');
    this.#tap = tap;
    this.#syncRecording();
    return () => {
      if (this.#tap !== tap) return;
      this.#tap = null;
      this.#syncRecording();
    };
  }

  /**
   * Logs a warning that concerns this lifecycle (e.g. a driver's W3) and records it as an
   * `effect.warning`, so a replay sees it where it happened.
   */
  recordWarning(code: string | null, message: string): void {
    warn(message);
    this.#emit(record.warning(code, message, null));
  }

  /**
   * Sets State fields a driver owns (upstream assigns `session.state.current_batch_idx` from its
   * pipelines): a new immutable State replaces the current one. Returns it.
   */
  updateState(overrides: StateOverrides): State {
    this.#state = this.#state.with(overrides);
    return this.#state;
  }

  /**
   * Session support (`resetStage`, Q22): forget initialized/finalized, keep recipe, state, step and
   * order. @internal
   */
  _resetStage(): void {
    this.#initialized = false;
    this.#finalized = false;
  }

  // ---- snapshots (src/log/snapshot.ts) --------------------------------------------------------

  /** @internal The lifecycle's own fields for a snapshot (its recipe, State and modifiers are restored by re-running their initialize call). */
  _snapshotFields(): LifecycleFields {
    return {
      initialized: this.#initialized,
      finalized: this.#finalized,
      globalStep: this.#globalStep,
      orderState: eventTypeOfCode(this.#lastCode),
      stepsPerEpoch: this.#stepsPerEpoch,
      batchesPerStep: this.#batchesPerStep,
      seq: this.#seq,
    };
  }

  /** @internal Puts back what `_snapshotFields` returned, after the snapshot's initialize call re-ran and its modifiers were restored. */
  _restoreFields(f: LifecycleFields): void {
    this.#initialized = f.initialized;
    this.#finalized = f.finalized;
    this.#globalStep = f.globalStep;
    this.#lastCode = eventTypeCode(f.orderState);
    this.#stepsPerEpoch = f.stepsPerEpoch;
    this.#batchesPerStep = f.batchesPerStep;
    this.#seq = f.seq;
  }

  // ---- internals ------------------------------------------------------------------------------

  /** Refuses a call made while another call of this lifecycle runs; else marks this one as running. */
  #enter(call: CallName, type: EventType | null): void {
    if (this.#running !== null) this.#reject(call, type, new ReentrantCallError(call, this.#running));
    this.#running = call;
  }

  #initialize(options: InitializeOptions): unknown[] | undefined {
    const { recipe, recipeStage, recipeArgs, ...rest } = requiredOptions('initialize', options);
    // A refused call changes nothing: check the options and build the next State before any change.
    let state: State;
    let stepsPerEpoch: number | null = null;
    let batchesPerStep: number | null = null;
    try {
      if (this.#policy.remembersEpochLength) {
        if (rest.stepsPerEpoch != null) stepsPerEpoch = this.#positiveNumber('stepsPerEpoch', rest.stepsPerEpoch);
        if (rest.batchesPerStep != null) batchesPerStep = this.#positiveNumber('batchesPerStep', rest.batchesPerStep);
      }
      state = this.#state.update(rest).state;
    } catch (e) {
      return this.#reject('initialize', null, e as Error);
    }
    this.#emit(record.initialize(options));
    this.#state = state;
    if (stepsPerEpoch !== null) this.#stepsPerEpoch = stepsPerEpoch;
    if (batchesPerStep !== null) this.#batchesPerStep = batchesPerStep;
    if (this.#initialized) return undefined;

    return this.#guard('initialize', () => {
      let next: Recipe;
      if (!isTruthy(recipe)) {
        next = new Recipe();
      } else {
        next = Recipe.createInstance(recipe as RecipeInput, { targetStage: recipeStage ?? undefined, fidelity: this.fidelity });
        if (isTruthy(recipeArgs)) next.args = { ...(recipeArgs as Record<string, unknown>) };
      }
      this.#recipe = next;
      next.modifiers.forEach((m, i) => (m[RECIPE_POSITION] = i));
      this.#syncRecording();
      const ctx = this.#context(rest);
      const results: unknown[] = [];
      for (const m of next.modifiers) collect(results, m.initialize(this.#state, ctx));
      this.#initialized = true;
      return results;
    });
  }

  #event(type: EventType, code: number, options: EventOptions): unknown[] {
    requiredOptions('event', options);
    if (!this.#initialized) return this.#reject('event', type, new EventBeforeInitializeError());
    if (this.#finalized) return this.#reject('event', type, new EventAfterFinalizeError());
    if (type === EventType.INITIALIZE || type === EventType.FINALIZE) return this.#reject('event', type, new ReservedEventTypeError(type));

    const step = options.globalStep;
    if (step != null && (typeof step !== 'number' || !Number.isFinite(step))) {
      return this.#reject('event', type, new LifecycleOptionError('event', 'globalStep', 'a finite number or null', step));
    }

    const policy = this.#policy;
    const order = orderCellAt(this.#lastCode, code) as OrderCell; // #lastCode is always an ordered type
    if (!order.accepted) return this.#reject('event', type, new EventOrderError(eventTypeOfCode(this.#lastCode), type));
    if (policy.recordsOrderBeforeLossCheck) this.#lastCode = order.lastCode;
    if (type === EventType.LOSS_CALCULATED && options.loss == null) {
      return this.#reject('event', type, new LossRequiredError()); // Q3: in 'reference' the order already moved
    }
    this.#lastCode = order.lastCode;
    this.#globalStep = policy.nextGlobalStep(this.#globalStep, step);

    if (this.#recording) {
      if (this.#observed === true) this.#emit(record.event(type, this.#globalStep, options)); // `=== true`: see CallTap.event
      else {
        this.#seq++;
        this.#tap!.event(type, code, this.#globalStep, options, this.#serial);
      }
    }
    const event = policy.buildEvent(type, this.#globalStep, this.#stepsPerEpoch, this.#batchesPerStep);
    const ctx = this.#eventContext(options);
    const modifiers = this.#recipe.modifiers;
    const kind = KIND_OF_CODE[code];
    const results: unknown[] = [];
    try {
      const serial = this.#serial++;
      for (let i = 0; i < modifiers.length; i++) collect(results, dispatchEvent(modifiers[i], this.#state, event, ctx, type, kind, serial));
    } catch (e) {
      this.#emit(record.error('event', e));
      throw e;
    }
    return results;
  }

  #finalize(options: Record<string, unknown>): unknown[] {
    requiredOptions('finalize', options);
    if (!this.#initialized) return this.#reject('finalize', null, new FinalizeBeforeInitializeError());
    if (this.#finalized) return this.#reject('finalize', null, new FinalizeTwiceError());
    this.#emit(record.finalize(options));
    return this.#guard('finalize', () => {
      const ctx = this.#context(options);
      const results: unknown[] = [];
      for (const m of this.#recipe.modifiers) collect(results, m.finalize(this.#state, ctx));
      this.#finalized = true;
      return results;
    });
  }

  /** The hook context of an event: its options minus `globalStep` (§6.3 step 8), built without spreads: this runs per event. */
  #eventContext(options: EventOptions): HookContext {
    let ctx: Record<string, unknown> | null = null;
    for (const key in options) {
      if (key === 'globalStep') continue;
      ctx ??= {};
      ctx[key] = options[key];
    }
    // Most events carry only a step: their context is one literal, with no keyed stores.
    if (ctx === null) return { fidelity: this.fidelity };
    ctx.fidelity = this.fidelity;
    return ctx as HookContext;
  }

  /** What every modifier hook receives: the call's options and the lifecycle's fidelity. */
  #context(options: Record<string, unknown>): HookContext {
    return { ...options, fidelity: this.fidelity };
  }

  #positiveNumber(option: string, v: unknown): number {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new LifecycleOptionError('initialize', option, 'a non-negative number', v);
    return v;
  }

  #reject(call: CallName, type: EventType | null, error: Error): never {
    this.#emit(record.rejected(call, type, error));
    throw error;
  }

  #guard<T>(call: CallName, body: () => T): T {
    try {
      return body();
    } catch (e) {
      this.#emit(record.error(call, e));
      throw e;
    }
  }

  /** Publishes a record built by `record.*` to the tap and `records$`, numbering it in place. */
  #emit(r: LifecycleRecord): void {
    if (!this.#recording) return;
    r.seq = this.#seq++;
    if (this.#tap !== null) this.#tap.record(r);
    if (this.#observed) this.#records.next(r);
  }

  /** Publishes a modifier's record to `records$` only: the tap saw it through its own sink. */
  #publish(r: LifecycleRecord): void {
    r.seq = this.#seq++;
    this.#records.next(r);
  }

  /**
   * Installs effect sinks on the modifiers while someone records (the tap's, forwarding to the
   * `records$` one while someone subscribes), removes them otherwise.
   */
  #syncRecording(): void {
    this.#observed = this.#records.observed;
    this.#recording = this.#observed || this.#tap !== null;
    const modifiers = this.#recipe.modifiers;
    const publish = (r: LifecycleRecord) => this.#publish(r);
    const tap = this.#tap;
    const refs: ModifierRef[] = modifiers.map((m: Modifier, position: number) => ({ position, modifierType: m.constructor.name }));
    const records = refs.map((ref) => (this.#observed ? new ModifierSink(ref, publish) : null));
    const sinks = tap !== null ? tap.sinks(refs, records, modifiers) : records;
    modifiers.forEach((m: Modifier, i: number) => installEffectSink(m, sinks[i]));
  }
}

/** A modifier's reports as records naming it (installed while someone records). */
class ModifierSink implements EffectSink {
  reportRoutineHooks(): void {}
  constructor(
    readonly ref: ModifierRef,
    readonly emit: (r: LifecycleRecord) => void,
  ) {}
  hook(hook: HookName, eventType: EventType | null): void {
    this.emit(record.hook(this.ref, hook, eventType));
  }
  transition(flag: 'initialized' | 'started' | 'ended' | 'finalized', from: ModifierPhase, to: ModifierPhase): void {
    this.emit(record.transition(this.ref, flag, from, to));
  }
  effect(kind: string, data: unknown): void {
    this.emit(record.modifierEffect(this.ref, kind, data));
  }
  warning(message: string): void {
    this.emit(record.warning(null, message, this.ref));
  }
}

/** KIND_OF_CODE[eventTypeCode(type)]: the modifier machine's kind of each event type. */
const KIND_OF_CODE = Uint8Array.from(ALL_EVENT_TYPES, kindOf);

/** §6.1–§6.3: "collect non-null results". */
function collect(results: unknown[], result: unknown): void {
  if (result != null) results.push(result);
}
