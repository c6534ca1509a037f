/**
 * Lifecycle records: one per accepted call and one per effect, in causal order. The journal,
 * verifier and timeline need nothing else. Every record type is built by one factory below, so no
 * type string is spelled twice; types are namespaced (`call.*`, `effect.*`).
 */
import type { EventType } from './events.ts';
import type { ModifierPhase } from '../../machines/modifier.machine.ts';

/** The modifier hooks a record can name (LLM Compressor's `on_*` methods in camelCase). */
export type HookName = 'onInitialize' | 'onStart' | 'onUpdate' | 'onEnd' | 'onEvent' | 'onFinalize';

export type CallName = 'initialize' | 'event' | 'finalize' | 'reset';

/**
 * Where a modifier reports while the lifecycle records: one method per kind of report (a hook about to
 * be called, a flag set, a domain effect, a warning); the lifecycle adds which modifier it was.
 */
export interface EffectSink {
  /** Reports what the routine stamps say so far and has routine hooks reported one by one for the rest of the call (a path stamps cannot describe). */
  reportRoutineHooks(): void;
  hook(hook: HookName, eventType: EventType | null): void;
  transition(flag: 'initialized' | 'started' | 'ended' | 'finalized', from: ModifierPhase, to: ModifierPhase): void;
  effect(kind: string, data: unknown): void;
  warning(message: string): void;
}

/** Where a modifier reports its routine hooks (`onEvent`, then maybe `onUpdate`: what most events cause): its effect sink, or null while they are stamped. */
export const ROUTINE_SINK = Symbol('llmc-sim.routineSink');
/** The serial of the last event call in which the modifier entered `onEvent` on its routine path while it had no routine sink. */
export const ON_EVENT_AT = Symbol('llmc-sim.onEventAt');
/** The same for `onUpdate`. */
export const ON_UPDATE_AT = Symbol('llmc-sim.onUpdateAt');

/**
 * What a modifier leaves for the journal's tap on its routine path: while its `ROUTINE_SINK` is null, each
 * routine hook stores the event call's serial instead of calling a sink (one store, no call), and the tap reads
 * the stamps when the call ends or anything else is reported (src/log/tap.ts).
 */
export interface RoutineStamps {
  [ROUTINE_SINK]: EffectSink | null;
  [ON_EVENT_AT]: number;
  [ON_UPDATE_AT]: number;
}

/**
 * A low-level recording tap (the journal's): sees every record the lifecycle publishes, in order, at
 * a fraction of `records$`'s cost. Calls, warnings, errors and refusals arrive as record objects
 * through `record`; what modifiers report (hooks, transitions, domain effects, their warnings)
 * arrives through the sink `sinks` returns for each modifier, so no object is built for the records
 * every event causes. `records` is the sink that publishes to `records$` while someone subscribes
 * (the tap's sink forwards to it), else null.
 */
export interface RecordingTap {
  record(r: LifecycleRecord): void;
  /**
   * An accepted event's call record, without building it (the common call: `record` gets it only while
   * `records$` is observed too); `typeCode` is `eventTypeCode(eventType)` (src/core/order.ts), `serial` what
   * the modifiers stamp during this call.
   */
  event(eventType: EventType, typeCode: number, globalStep: number, options: Record<string, unknown>, serial: number): void;
  /**
   * The sinks for the recipe's modifiers, in recipe order; `records[i]` publishes to `records$` while someone
   * subscribes, else null. `modifiers[i]` is the modifier itself, whose routine sink the tap may clear to read stamps.
   */
  sinks(refs: readonly ModifierRef[], records: readonly (EffectSink | null)[], modifiers: readonly RoutineStamps[]): EffectSink[];
}

export interface ModifierRef {
  /** Position in `recipe.modifiers`. */
  position: number;
  /** Class name, as a recipe names it. */
  modifierType: string;
}

interface Base {
  /** Position in the lifecycle's record stream since construction; survives `reset`. */
  seq: number;
}

export type CallRecord =
  | (Base & { type: 'call.initialize'; options: Record<string, unknown> })
  | (Base & { type: 'call.event'; eventType: EventType; globalStep: number; options: Record<string, unknown> })
  | (Base & { type: 'call.finalize'; options: Record<string, unknown> })
  | (Base & { type: 'call.reset' });

export interface ErrorInfo {
  name: string;
  code: string | null;
  message: string;
}

export type EffectRecord =
  | (Base & ModifierRef & { type: 'effect.hook'; hook: HookName; eventType: EventType | null })
  | (Base & ModifierRef & { type: 'effect.transition'; flag: 'initialized' | 'started' | 'ended' | 'finalized'; from: ModifierPhase; to: ModifierPhase })
  | (Base & ModifierRef & { type: 'effect.modifier'; kind: string; data: unknown })
  | (Base & { type: 'effect.warning'; code: string | null; message: string; modifier: ModifierRef | null })
  /** A call's checks passed but something it dispatched threw: the error propagates to the caller. */
  | (Base & { type: 'effect.error'; call: CallName; error: ErrorInfo });

/** A call the lifecycle refused before dispatching anything (E40–E46). Changes nothing (but Q3). */
export type RejectionRecord = Base & { type: 'call.rejected'; call: CallName; eventType: EventType | null; error: ErrorInfo };

export type LifecycleRecord = CallRecord | EffectRecord | RejectionRecord;
type LifecycleRecordType = LifecycleRecord['type'];

export function errorInfo(e: unknown): ErrorInfo {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    return { name: e.name, code: typeof code === 'string' ? code : null, message: e.message };
  }
  return { name: 'Error', code: null, message: String(e) };
}

/**
 * Record factories: the only place record types are spelled. Each builds its record whole, `seq`
 * last with a placeholder the emitter overwrites (no spread on the recorded path, one shape per type).
 */
export const record = {
  initialize: (options: Record<string, unknown>): LifecycleRecord => ({ type: 'call.initialize', options, seq: 0 }),
  event: (eventType: EventType, globalStep: number, options: Record<string, unknown>): LifecycleRecord => ({
    type: 'call.event',
    eventType,
    globalStep,
    options,
    seq: 0,
  }),
  finalize: (options: Record<string, unknown>): LifecycleRecord => ({ type: 'call.finalize', options, seq: 0 }),
  reset: (): LifecycleRecord => ({ type: 'call.reset', seq: 0 }),
  rejected: (call: CallName, eventType: EventType | null, error: unknown): LifecycleRecord => ({
    type: 'call.rejected',
    call,
    eventType,
    error: errorInfo(error),
    seq: 0,
  }),
  error: (call: CallName, error: unknown): LifecycleRecord => ({ type: 'effect.error', call, error: errorInfo(error), seq: 0 }),
  warning: (code: string | null, message: string, modifier: ModifierRef | null = null): LifecycleRecord => ({
    type: 'effect.warning',
    code,
    message,
    modifier,
    seq: 0,
  }),
  hook: (ref: ModifierRef, hook: HookName, eventType: EventType | null): LifecycleRecord => ({
    type: 'effect.hook',
    position: ref.position,
    modifierType: ref.modifierType,
    hook,
    eventType,
    seq: 0,
  }),
  transition: (ref: ModifierRef, flag: 'initialized' | 'started' | 'ended' | 'finalized', from: ModifierPhase, to: ModifierPhase): LifecycleRecord => ({
    type: 'effect.transition',
    position: ref.position,
    modifierType: ref.modifierType,
    flag,
    from,
    to,
    seq: 0,
  }),
  modifierEffect: (ref: ModifierRef, kind: string, data: unknown): LifecycleRecord => ({
    type: 'effect.modifier',
    position: ref.position,
    modifierType: ref.modifierType,
    kind,
    data,
    seq: 0,
  }),
};

