/**
 * The Modifier base class (LLM Compressor `modifiers/modifier.py`). The lifecycle rules are not
 * here: they are the transitions of `machines/modifier.machine.ts`. This class asks the machine what
 * to do (a plan of hook calls, flag marks or an error) and does it; the flags and `phase` are the
 * state of the modifier's XState actor.
 */
import { createActor, type Actor } from 'xstate';
import { Event, EventType } from '../core/events.ts';
import type { State } from '../core/state.ts';
import {
  ModifierAlreadyFinalizedError,
  ModifierAlreadyInitializedError,
  ModifierFinalizeTwiceError,
  ModifierFinalizeUninitializedError,
  ModifierUpdateFinalizedError,
  ModifierUpdateUninitializedError,
} from '../core/lifecycleErrors.ts';
import { modifierMachine, type ModifierMachineEvent, type ModifierPhase } from '../../machines/modifier.machine.ts';
import { afterOnEventIndex, afterOnEventTable, cachedPlan, flagsBits, updatePlan, type Step } from '../../machines/modifier.plan.ts';
import { assignFields, BASE_FIELDS, dumpFields, type FieldSpecs } from '../core/fields.ts';
import type { HookName, ModifierEffect } from '../core/records.ts';
import { warn as logWarning } from '../core/logger.ts';
import { ValueError } from '../core/errors.ts';
import { describeValue } from '../core/options.ts';

export type { ModifierPhase } from '../../machines/modifier.machine.ts';
export type Kwargs = Record<string, unknown>;
export type { HookName } from '../core/records.ts';

export interface ModifierArgs {
  index?: number | null;
  group?: string | null;
  start?: number | null;
  end?: number | null;
  update?: number | null;
  [field: string]: unknown;
}

/** A concrete Modifier class, as the factory and recipes see it. */
export type ModifierClass = (new (args?: ModifierArgs) => Modifier) & { readonly fields: FieldSpecs };

const REJECTIONS = {
  rejectAlreadyInitialized: ModifierAlreadyInitializedError,
  rejectInitializeFinalized: ModifierAlreadyFinalizedError,
  rejectFinalizeTwice: ModifierFinalizeTwiceError,
  rejectFinalizeUninitialized: ModifierFinalizeUninitializedError,
  rejectUpdateUninitialized: ModifierUpdateUninitializedError,
  rejectUpdateFinalized: ModifierUpdateFinalizedError,
} as const;

const MARKS = {
  markInitialized: 'initialized',
  markStarted: 'started',
  markEnded: 'ended',
  markFinalized: 'finalized',
} as const;

/** The one-step plans `callOnStart`/`callOnEnd` run, so a self-started hook is reported and called as a planned one. */
const ON_START: readonly Step[] = ['onStart'];
const ON_END: readonly Step[] = ['onEnd'];

const KIND_BATCH_START = 0;
const KIND_BATCH_END = 1;
const KIND_OTHER = 2;

/** Ours: Python would fail by accident (`AttributeError` on `None.type_`). */
function checkEvent(call: string, event: unknown): void {
  if (event === null || typeof event !== 'object') throw new ValueError(`${call}() takes an Event, got ${describeValue(event)}`);
}

/** Where a modifier reports its effects; set by the lifecycle while someone records. @internal */
export const EFFECT_SINK = Symbol('llmc-sim.effectSink');
/** The modifier's position in the lifecycle's recipe; set by the lifecycle. @internal */
export const RECIPE_POSITION = Symbol('llmc-sim.recipePosition');

/**
 * Subclasses declare their own fields with `static fields = [...Modifier.fields, ...]` and their
 * properties with `declare` (a plain class-field declaration would reset the value the base
 * constructor assigned).
 */
export abstract class Modifier {
  static readonly fields: FieldSpecs = BASE_FIELDS;

  declare index: number | null;
  declare group: string | null;
  declare start: number | null;
  declare end: number | null;
  declare update: number | null;

  readonly #actor: Actor<typeof modifierMachine>;
  /** The actor's flags as bits (initialized 1, started 2, ended 4, finalized 8), refreshed on every mark. */
  #bits = 0;
  /** @internal */
  [EFFECT_SINK]: ((effect: ModifierEffect) => void) | null = null;
  /** @internal */
  [RECIPE_POSITION]: number | null = null;

  constructor(args: ModifierArgs = {}) {
    const cls = new.target as unknown as ModifierClass;
    assignFields(this, cls.name, cls.fields ?? BASE_FIELDS, args);
    this.#actor = createActor(modifierMachine).start();
    // The flags are the actor's context (§3.1): keep the cached bits in step with every mark it gets,
    // including marks sent to `actor` directly.
    this.#actor.subscribe((snap) => {
      this.#bits = flagsBits(snap.context);
    });
  }

  // ---- flags: the actor's state -------------------------------------------------------------

  get phase(): ModifierPhase {
    return this.#actor.getSnapshot().value as ModifierPhase;
  }
  get initialized(): boolean {
    return (this.#bits & 1) !== 0;
  }
  get started(): boolean {
    return (this.#bits & 2) !== 0;
  }
  get ended(): boolean {
    return (this.#bits & 4) !== 0;
  }
  get finalized(): boolean {
    return (this.#bits & 8) !== 0;
  }

  /** The live actor, for inspection tools. Send it only mark events. */
  get actor(): Actor<typeof modifierMachine> {
    return this.#actor;
  }

  // ---- lifecycle ----------------------------------------------------------------------------

  initialize(state: State, kwargs: Kwargs = {}): void {
    this.#run(this.#decide({ type: 'initialize' }), state, null, kwargs);
    this.#report('onInitialize', null);
    const result = this.onInitialize(state, kwargs);
    this.#run(this.#decide({ type: 'initializeReturned', succeeded: Boolean(result) }), state, null, kwargs);
    const fake = new Event({ type: EventType.BATCH_START, globalStep: 0 });
    this.#run(this.#decide({ type: 'fakeBatchStart', shouldStart: this.shouldStart(fake) }), state, fake, kwargs);
  }

  finalize(state: State, kwargs: Kwargs = {}): void {
    this.#run(this.#decide({ type: 'finalize' }), state, null, kwargs);
    this.#report('onFinalize', null);
    const result = this.onFinalize(state, kwargs);
    this.#run(this.#decide({ type: 'finalizeReturned', succeeded: Boolean(result) }), state, null, kwargs);
  }

  /** The hot path: two table lookups; the actor is touched only when a flag changes. */
  updateEvent(state: State, event: Event, kwargs: Kwargs = {}): void {
    checkEvent('updateEvent', event);
    const pre = updatePlan(this.#bits);
    if (pre.length !== 1 || pre[0] !== 'onEvent') this.#run(pre, state, event, kwargs);
    if (this[EFFECT_SINK]) this.#report('onEvent', event);
    this.onEvent(state, event, kwargs);
    const bits = this.#bits; // after onEvent, which may have started or ended us
    const kind = event.type === EventType.BATCH_START ? KIND_BATCH_START : event.type === EventType.BATCH_END ? KIND_BATCH_END : KIND_OTHER;
    const table = afterOnEventTable();
    const needs = table.needs[bits * 3 + kind];
    const s = (needs & 1) !== 0 && this.shouldStart(event);
    const e = (needs & 2) !== 0 && this.shouldEnd(event);
    const steps = table.plans[afterOnEventIndex(bits, kind, s, e)];
    if (steps.length) this.#run(steps, state, event, kwargs);
  }

  /** §3.4: `start ≤ c` and (`end` null or `c < end`). */
  shouldStart(event: Event): boolean {
    checkEvent('shouldStart', event);
    if (this.start === null) return false;
    const c = event.currentIndex;
    return this.start <= c && (this.end === null || c < this.end);
  }

  /** §3.4: ignores `start` and `started` (Q8). */
  shouldEnd(event: Event): boolean {
    checkEvent('shouldEnd', event);
    return this.end !== null && event.currentIndex >= this.end;
  }

  // ---- hooks for subclasses -----------------------------------------------------------------

  protected abstract onInitialize(state: State, kwargs: Kwargs): boolean;
  protected onStart(_state: State, _event: Event | null, _kwargs: Kwargs): void {}
  protected onUpdate(_state: State, _event: Event | null, _kwargs: Kwargs): void {}
  protected onEnd(_state: State, _event: Event | null, _kwargs: Kwargs): void {}
  protected onEvent(_state: State, _event: Event, _kwargs: Kwargs): void {}
  protected onFinalize(_state: State, _kwargs: Kwargs): boolean {
    return true;
  }

  /**
   * For subclasses that start themselves (calibration-driven modifiers, §3.3): `started` is true
   * from the moment their `onStart` begins.
   */
  protected markStarted(): void {
    if (!this.started) this.#mark('markStarted');
  }

  protected markEnded(): void {
    if (!this.ended) this.#mark('markEnded');
  }

  /**
   * Calls this modifier's own `onStart` (calibration-driven modifiers start themselves from
   * `onEvent`, §3.3, S13), recorded as a hook call like the ones the machine plans.
   */
  protected callOnStart(state: State, event: Event | null, kwargs: Kwargs): void {
    this.#run(ON_START, state, event, kwargs);
  }

  /** `callOnStart`'s twin for `onEnd`. */
  protected callOnEnd(state: State, event: Event | null, kwargs: Kwargs): void {
    this.#run(ON_END, state, event, kwargs);
  }

  /**
   * Position in the running recipe (`index` if set, as upstream never sets it from recipes), for
   * splitting the run's random stream per modifier (DESIGN.md, Determinism).
   */
  protected get recipePosition(): number {
    return this.index ?? this[RECIPE_POSITION] ?? 0;
  }

  /** Reports a domain effect (e.g. SpinQuant's drift) into the lifecycle's records, if recorded. */
  protected recordEffect(kind: string, data: unknown): void {
    this[EFFECT_SINK]?.({ type: 'modifier.effect', kind, data });
  }

  /** Logs a warning and records it as an effect of this modifier. */
  protected warn(message: string): void {
    logWarning(message);
    this[EFFECT_SINK]?.({ type: 'modifier.warning', message });
  }

  // ---- serialization ------------------------------------------------------------------------

  /** Every field under its Python name (upstream `model_dump`). */
  modelDump(): Record<string, unknown> {
    return dumpFields(this, (this.constructor as ModifierClass).fields);
  }

  // ---- plan execution -----------------------------------------------------------------------

  #decide(event: ModifierMachineEvent): readonly Step[] {
    return cachedPlan(this.#bits, event);
  }

  #run(steps: readonly Step[], state: State, event: Event | null, kwargs: Kwargs): void {
    for (const step of steps) {
      switch (step) {
        case 'onStart':
          this.#report(step, event);
          this.onStart(state, event, kwargs);
          break;
        case 'onUpdate':
          if (this[EFFECT_SINK]) this.#report(step, event);
          this.onUpdate(state, event, kwargs);
          break;
        case 'onEnd':
          this.#report(step, event);
          this.onEnd(state, event, kwargs);
          break;
        case 'markInitialized':
        case 'markStarted':
        case 'markEnded':
        case 'markFinalized':
          this.#mark(step);
          break;
        case 'onInitialize':
        case 'onEvent':
        case 'onFinalize':
          break; // called by the caller, which needs their results or runs them unconditionally
        default:
          throw new REJECTIONS[step]();
      }
    }
  }

  /** Records that a hook is about to be called (only while the lifecycle records). */
  #report(hook: HookName, event: Event | null): void {
    const sink = this[EFFECT_SINK];
    if (sink) sink({ type: 'modifier.hook', hook, eventType: event?.type ?? null });
  }

  #mark(step: keyof typeof MARKS): void {
    const from = this.phase;
    this.#actor.send({ type: step });
    const snap = this.#actor.getSnapshot();
    this.#bits = flagsBits(snap.context);
    const sink = this[EFFECT_SINK];
    if (sink) sink({ type: 'modifier.transition', flag: MARKS[step], from, to: snap.value as ModifierPhase });
  }
}
