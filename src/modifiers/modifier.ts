/**
 * The Modifier base class (LLM Compressor `modifiers/modifier.py`). The lifecycle rules are not
 * here: they are the transitions of `machines/modifier.machine.ts`. This class asks the machine what
 * to do (a plan of hook calls, flag marks or an error) and does it; the flags and `phase` are the
 * state of the modifier's XState actor.
 */
import { Event, EventType } from '../core/events.ts';
import type { State } from '../core/state.ts';
import {
  ModifierAlreadyInitializedError,
  ModifierFinalizeTwiceError,
  ModifierFinalizeUninitializedError,
  ModifierUpdateFinalizedError,
  ModifierUpdateUninitializedError,
} from '../core/lifecycleErrors.ts';
import { PHASE_OF, type ModifierPhase, type ModifierStateName } from '../../machines/modifier.machine.ts';
import {
  compiledPlans,
  END_ITSELF,
  EVENT_CODES,
  finalizeCode,
  initializeCode,
  KIND_BATCH_END,
  KIND_BATCH_START,
  KIND_OTHER,
  snapshotAt,
  START_ITSELF,
  STATE_AT_BITS,
  STATE_BITS,
  STATE_NAMES,
  updateEventCode,
  type Step,
} from '../../machines/modifier.plan.ts';
import { assignFields, BASE_FIELDS, dumpFields, type FieldSpecs } from '../core/fields.ts';
import { ON_EVENT_AT, ON_UPDATE_AT, ROUTINE_SINK, type EffectSink, type HookName, type RoutineStamps } from '../core/records.ts';
import { warn as logWarning } from '../core/logger.ts';
import { ValueError } from '../core/errors.ts';
import { describeValue } from '../core/options.ts';
import { hookContext, type HookContext } from './hookContext.ts';
import { isFidelity } from '../core/fidelity.ts';

export type { ModifierPhase } from '../../machines/modifier.machine.ts';
export type { HookContext } from './hookContext.ts';
/** The hook context under its upstream name (`**kwargs`). */
export type Kwargs = HookContext;
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

/**
 * The steps as small integers for the executor's switch: hooks, then the four marks (whose flag bit
 * is `1 << (op - OP_MARK)`), then the errors.
 */
const OP_ON_INITIALIZE = 0;
const OP_ON_EVENT = 1;
const OP_ON_FINALIZE = 2;
const OP_ON_START = 3;
const OP_ON_UPDATE = 4;
const OP_ON_END = 5;
const OP_MARK = 6; // 6..9: markInitialized, markStarted, markEnded, markFinalized
const OP_REJECT = 10; // 10..: REJECTIONS in order
const HOOK_OPS: Record<string, number> = { onInitialize: 0, onEvent: 1, onFinalize: 2, onStart: 3, onUpdate: 4, onEnd: 5 };
const HOOK_NAMES: readonly HookName[] = ['onInitialize', 'onEvent', 'onFinalize', 'onStart', 'onUpdate', 'onEnd'];
const MARK_STEPS = ['markInitialized', 'markStarted', 'markEnded', 'markFinalized'] as const;
const MARK_FLAGS = ['initialized', 'started', 'ended', 'finalized'] as const;
const REJECTIONS = [
  ['rejectAlreadyInitialized', ModifierAlreadyInitializedError],
  ['rejectFinalizeTwice', ModifierFinalizeTwiceError],
  ['rejectFinalizeUninitialized', ModifierFinalizeUninitializedError],
  ['rejectUpdateUninitialized', ModifierUpdateUninitializedError],
  ['rejectUpdateFinalized', ModifierUpdateFinalizedError],
] as const;

function opOf(step: Step): number {
  if (step in HOOK_OPS) return HOOK_OPS[step];
  const mark = (MARK_STEPS as readonly string[]).indexOf(step);
  if (mark >= 0) return OP_MARK + mark;
  const reject = REJECTIONS.findIndex(([name]) => name === step);
  if (reject >= 0) return OP_REJECT + reject;
  throw new Error(`internal: the modifier machine names a step the executor does not know: ${step}`);
}

/**
 * The plans, compiled once from the machine, as opcodes; one lookup:
 * `PLANS[state * EVENT_CODES + code]`.
 */
const compiled = compiledPlans();
const PLANS: readonly (readonly number[])[] = compiled.plans.map((steps) => steps.map(opOf));
const NEEDS = compiled.needs;
/**
 * How `updateEvent` runs without the executor's loop (recorded or not: hooks are reported as the executor reports them), read off PLANS and NEEDS (so it is
 * the machine too). Every such plan begins with `onEvent`; REST[state * EVENT_CODES + code] says what
 * follows it: nothing (ON_EVENT_ONLY), `onUpdate` (ON_EVENT_THEN_UPDATE), or something else (EXECUTE: the
 * executor runs the plan from its second step). ROUTINE[state * 3 + kind] is the same before the schedule
 * is asked, or ASK_SCHEDULE where a verdict can change the plan; EXECUTE where the plan is an error.
 */
const EXECUTE = 0;
const ON_EVENT_ONLY = 1;
const ON_EVENT_THEN_UPDATE = 2;
const ASK_SCHEDULE = 3;
const REST = Uint8Array.from(PLANS, (plan) => {
  if (plan[0] !== OP_ON_EVENT) return EXECUTE;
  if (plan.length === 1) return ON_EVENT_ONLY;
  return plan.length === 2 && plan[1] === OP_ON_UPDATE ? ON_EVENT_THEN_UPDATE : EXECUTE;
});
const ROUTINE = Uint8Array.from({ length: STATE_NAMES.length * 3 }, (_, i) => {
  const rest = REST[Math.floor(i / 3) * EVENT_CODES + updateEventCode(i % 3, false, false)];
  return rest !== EXECUTE && NEEDS[i] !== 0 ? ASK_SCHEDULE : rest;
});
/** PHASES[state]: each state's phase. */
const PHASES = STATE_NAMES.map((name) => PHASE_OF[name]);

/** The calls a modifier's executor runs; each names the machine event its plan starts from. */
const CALL_INITIALIZE = 0;
const CALL_UPDATE_EVENT = 1;
const CALL_FINALIZE = 2;
const CALL_START_ITSELF = 3;
const CALL_END_ITSELF = 4;
type Call = typeof CALL_INITIALIZE | typeof CALL_UPDATE_EVENT | typeof CALL_FINALIZE | typeof CALL_START_ITSELF | typeof CALL_END_ITSELF;

/** The machine's kind of an event type: BATCH_START, BATCH_END or other. */
export function kindOf(type: EventType | null): number {
  return type === EventType.BATCH_START ? KIND_BATCH_START : type === EventType.BATCH_END ? KIND_BATCH_END : KIND_OTHER;
}

/** The code a call's plan is first looked up with: the verdicts learnt on the way are not known yet. */
function firstCode(call: Call, kind: number): number {
  switch (call) {
    case CALL_INITIALIZE:
      return initializeCode(false, false);
    case CALL_UPDATE_EVENT:
      return updateEventCode(kind, false, false);
    case CALL_FINALIZE:
      return finalizeCode(false);
    case CALL_START_ITSELF:
      return START_ITSELF;
    case CALL_END_ITSELF:
      return END_ITSELF;
  }
}

/** Ours: Python would fail by accident (`AttributeError` on `None.type_`). */
function checkEvent(call: string, event: unknown): void {
  if (event === null || typeof event !== 'object') throw new ValueError(`${call}() takes an Event, got ${describeValue(event)}`);
}

/** `updateEvent` past its argument checks. @internal */
const UPDATE_EVENT = Symbol('llmc-sim.updateEvent');

/**
 * §6.3's call of `updateEvent` on one modifier, for the lifecycle, which built `event` (so it is an
 * Event) with `type`, of the machine's `kind`, in its event call numbered `serial`: while the event still
 * has that type and the context a fidelity (a hook may change either), `updateEvent`'s checks are skipped.
 * A subclass that overrides `updateEvent` gets the call itself, and its result is returned.
 */
export function dispatchEvent(m: Modifier, state: State, event: Event, ctx: HookContext, type: EventType, kind: number, serial: number): unknown {
  if (m.updateEvent === BASE_UPDATE_EVENT && event.type === type && isFidelity(ctx.fidelity)) return m[UPDATE_EVENT](state, event, ctx, kind, type, serial);
  // A stamp stands for a hook of the call's event type on the base class's path: anything else is reported hook by hook.
  m[EFFECT_SINK]?.reportRoutineHooks();
  return m.updateEvent(state, event, ctx);
}

/**
 * Installs where a modifier reports while the lifecycle records (null: nowhere); its routine hooks are reported
 * there too until the journal's tap clears its `ROUTINE_SINK` to read stamps instead. @internal
 */
export function installEffectSink(m: Modifier, sink: EffectSink | null): void {
  m[EFFECT_SINK] = sink;
  m[ROUTINE_SINK] = sink;
  m[ON_EVENT_AT] = -1;
  m[ON_UPDATE_AT] = -1;
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
export abstract class Modifier implements RoutineStamps {
  static readonly fields: FieldSpecs = BASE_FIELDS;

  declare index: number | null;
  declare group: string | null;
  declare start: number | null;
  declare end: number | null;
  declare update: number | null;

  /** The modifier's state: an index into the machine's states (`STATE_NAMES`). */
  #at = 0;
  /** @internal */
  [EFFECT_SINK]: EffectSink | null = null;
  /** @internal */
  [RECIPE_POSITION]: number | null = null;
  /** @internal */
  [ROUTINE_SINK]: EffectSink | null = null;
  /** @internal */
  [ON_EVENT_AT] = -1;
  /** @internal */
  [ON_UPDATE_AT] = -1;

  constructor(args: ModifierArgs = {}) {
    const cls = new.target as unknown as ModifierClass;
    assignFields(this, cls.name, cls.fields ?? BASE_FIELDS, args);
  }

  // ---- flags: the machine's state ----------------------------------------------------------

  get phase(): ModifierPhase {
    return PHASES[this.#at];
  }
  get initialized(): boolean {
    return (STATE_BITS[this.#at] & 1) !== 0;
  }
  get started(): boolean {
    return (STATE_BITS[this.#at] & 2) !== 0;
  }
  get ended(): boolean {
    return (STATE_BITS[this.#at] & 4) !== 0;
  }
  get finalized(): boolean {
    return (STATE_BITS[this.#at] & 8) !== 0;
  }

  /** The machine's state (e.g. `'endedWithoutStart'`, Q8); `phase` is its phase. */
  get stateName(): ModifierStateName {
    return STATE_NAMES[this.#at];
  }

  /** @internal Puts the machine in state `name` (a journal snapshot's restore; the modifier's own state is its `Restorable` part). */
  _restoreStateName(name: ModifierStateName): void {
    const at = STATE_NAMES.indexOf(name);
    if (at < 0) throw new ValueError(`${this.constructor.name}: no machine state named ${JSON.stringify(name)}`);
    this.#at = at;
  }

  /** The machine snapshot of this modifier's state, for inspection tools (built on each read). */
  get snapshot(): ReturnType<typeof snapshotAt> {
    return snapshotAt(STATE_NAMES[this.#at]);
  }

  // ---- lifecycle ----------------------------------------------------------------------------

  /**
   * §3.2. Returns what the modifier has to report to `lifecycle.initialize` (§6.1 collects the
   * non-null ones): nothing for the base class; a subclass may override and return data.
   */
  initialize(state: State, kwargs: Readonly<Record<string, unknown>> = {}): unknown {
    const fake = new Event({ type: EventType.BATCH_START, globalStep: 0 });
    this.#execute(CALL_INITIALIZE, state, fake, hookContext(kwargs), KIND_BATCH_START);
    return undefined;
  }

  /** §3.2. Returns what `lifecycle.finalize` collects (§6.2); nothing for the base class. */
  finalize(state: State, kwargs: Readonly<Record<string, unknown>> = {}): unknown {
    this.#execute(CALL_FINALIZE, state, null, hookContext(kwargs), KIND_OTHER);
    return undefined;
  }

  /** §3.3, the hot path. Returns what `lifecycle.event` collects (§6.3); nothing for the base class. */
  updateEvent(state: State, event: Event, kwargs: Readonly<Record<string, unknown>> = {}): unknown {
    checkEvent('updateEvent', event);
    // Not the lifecycle's call (or a subclass's override): no stamps, every hook reported.
    this[EFFECT_SINK]?.reportRoutineHooks();
    this[UPDATE_EVENT](state, event, hookContext(kwargs), kindOf(event.type), event.type, -1);
    return undefined;
  }

  /**
   * `updateEvent` once its arguments are checked and the event's kind known; the lifecycle calls it
   * directly (see `dispatchEvent`). @internal
   */
  [UPDATE_EVENT](state: State, event: Event, ctx: HookContext, kind: number, type: EventType | null, serial: number): void {
    const at = this.#at;
    const routine = ROUTINE[at * 3 + kind];
    if (routine === EXECUTE) {
      this.#execute(CALL_UPDATE_EVENT, state, event, ctx, kind);
      return;
    }
    // onEvent, then the rest of the plan, looked up again only if onEvent moved us or a verdict matters; each hook
    // reported just before it runs, as the executor reports it, or stamped (see RoutineStamps).
    const sink = this[ROUTINE_SINK];
    if (sink !== null) sink.hook('onEvent', type);
    else this[ON_EVENT_AT] = serial;
    this.onEvent(state, event, ctx);
    let rest = routine;
    if (this.#at !== at || routine === ASK_SCHEDULE) {
      const row = this.#at * EVENT_CODES + this.#codeAfterOnEvent(event, kind);
      rest = REST[row];
      if (rest === EXECUTE) {
        this.#run(PLANS[row], 1, state, event, ctx, kind);
        return;
      }
    }
    if (rest === ON_EVENT_THEN_UPDATE) {
      const sink = this[ROUTINE_SINK];
      if (sink !== null) sink.hook('onUpdate', event.type);
      else if (event.type === type) this[ON_UPDATE_AT] = serial;
      else this[EFFECT_SINK]?.hook('onUpdate', event.type); // onEvent retyped the event: a stamp stands for the call's type
      this.onUpdate(state, event, ctx);
    }
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

  protected abstract onInitialize(state: State, ctx: HookContext): boolean;
  protected onStart(_state: State, _event: Event | null, _ctx: HookContext): void {}
  protected onUpdate(_state: State, _event: Event | null, _ctx: HookContext): void {}
  protected onEnd(_state: State, _event: Event | null, _ctx: HookContext): void {}
  protected onEvent(_state: State, _event: Event, _ctx: HookContext): void {}
  protected onFinalize(_state: State, _ctx: HookContext): boolean {
    return true;
  }

  /**
   * For calibration-driven modifiers (§3.3), from their `onEvent` or `onFinalize`: starts this
   * modifier unless it has started (`started` is true from the moment `onStart` begins). The machine
   * decides (`startItself`); outside `initialized` and not finalized it does nothing.
   */
  protected startItself(state: State, kwargs: HookContext): void {
    this.#execute(CALL_START_ITSELF, state, null, kwargs, KIND_OTHER);
  }

  /** `startItself`'s twin: ends this modifier unless it has ended (`endItself` in the machine). */
  protected endItself(state: State, kwargs: HookContext): void {
    this.#execute(CALL_END_ITSELF, state, null, kwargs, KIND_OTHER);
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
    this[EFFECT_SINK]?.effect(kind, data);
  }

  /** Logs a warning and records it as an effect of this modifier. */
  protected warn(message: string): void {
    logWarning(message);
    this[EFFECT_SINK]?.warning(message);
  }

  // ---- serialization ------------------------------------------------------------------------

  /** Every field under its Python name (upstream `model_dump`). */
  modelDump(): Record<string, unknown> {
    return dumpFields(this, (this.constructor as ModifierClass).fields);
  }

  // ---- plan execution -----------------------------------------------------------------------

  /**
   * The one executor: looks the call's plan up in the machine's table and runs every step in order.
   * The call's own hook (`onInitialize`, `onEvent`, `onFinalize`) is the first step of every plan of
   * that call; what it returns, and the flags after it, pick the rest of the plan (one more lookup).
   * The steps of every event (`onEvent`, `onUpdate`) are run here; the others in `#step`, which keeps
   * this loop small enough for the JIT to inline into `updateEvent`.
   */
  #execute(call: Call, state: State, event: Event | null, ctx: HookContext, kind: number): void {
    this.#run(PLANS[this.#at * EVENT_CODES + firstCode(call, kind)], 0, state, event, ctx, kind);
  }

  /** Runs `plan` from step `from` on (see `#execute`). */
  #run(plan: readonly number[], from: number, state: State, event: Event | null, ctx: HookContext, kind: number): void {
    for (let i = from; i < plan.length; i++) {
      const op = plan[i];
      if (op === OP_ON_UPDATE) {
        if (this[EFFECT_SINK]) this.#report(op, event);
        this.onUpdate(state, event, ctx);
      } else if (op === OP_ON_EVENT) {
        if (this[EFFECT_SINK]) this.#report(op, event);
        const before = this.#at;
        this.onEvent(state, event as Event, ctx);
        const at = this.#at; // after onEvent, which may have started or ended us
        // The plan looked up first (no verdicts) stands unless a verdict matters or onEvent moved us.
        if (NEEDS[at * 3 + kind] !== 0 || at !== before) plan = this.#planAfterOnEvent(event as Event, kind);
      } else {
        const next = this.#step(op, state, event, ctx);
        if (next !== null) plan = next;
      }
    }
  }

  /** The plan of an `updateEvent` after `onEvent`, with the schedule verdicts the machine looks at. */
  #planAfterOnEvent(event: Event, kind: number): readonly number[] {
    return PLANS[this.#at * EVENT_CODES + this.#codeAfterOnEvent(event, kind)];
  }

  /** The `updateEvent` code after `onEvent`: the schedule is asked only for the verdicts that can change the plan. */
  #codeAfterOnEvent(event: Event, kind: number): number {
    const needs = NEEDS[this.#at * 3 + kind];
    const s = (needs & 1) !== 0 && this.shouldStart(event);
    const e = (needs & 2) !== 0 && this.shouldEnd(event);
    return updateEventCode(kind, s, e);
  }

  /** Runs one step other than `onEvent`/`onUpdate`; returns the rest of the plan when the step picks it, else null. */
  #step(op: number, state: State, event: Event | null, ctx: HookContext): readonly number[] | null {
    switch (op) {
      case OP_ON_INITIALIZE: {
        this.#report(op, null);
        const succeeded = Boolean(this.onInitialize(state, ctx));
        return PLANS[this.#at * EVENT_CODES + initializeCode(succeeded, this.shouldStart(event as Event))];
      }
      case OP_ON_FINALIZE: {
        this.#report(op, null);
        const succeeded = Boolean(this.onFinalize(state, ctx));
        return PLANS[this.#at * EVENT_CODES + finalizeCode(succeeded)];
      }
      case OP_ON_START:
        this.#report(op, event);
        this.onStart(state, event, ctx);
        return null;
      case OP_ON_END:
        this.#report(op, event);
        this.onEnd(state, event, ctx);
        return null;
      default:
        if (op >= OP_MARK && op < OP_REJECT) {
          this.#mark(op - OP_MARK);
          return null;
        }
        throw new REJECTIONS[op - OP_REJECT][1]();
    }
  }

  /** Records that a hook is about to be called (only while the lifecycle records). */
  #report(op: number, event: Event | null): void {
    const sink = this[EFFECT_SINK];
    if (sink) sink.hook(HOOK_NAMES[op], event === null ? null : event.type);
  }

  /** The one place a flag changes: the modifier moves to the state holding its flags plus this one. */
  #mark(flagIndex: number): void {
    const from = this.#at;
    const to = STATE_AT_BITS[STATE_BITS[from] | (1 << flagIndex)];
    if (to < 0) throw new Error(`internal: ${MARK_STEPS[flagIndex]} from ${STATE_NAMES[from]} reaches no state of the modifier machine`);
    this.#at = to;
    const sink = this[EFFECT_SINK];
    if (sink) sink.transition(MARK_FLAGS[flagIndex], PHASES[from], PHASES[to]);
  }
}

const BASE_UPDATE_EVENT = Modifier.prototype.updateEvent;
