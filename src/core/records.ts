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

/** What a modifier reports about itself; the lifecycle adds which modifier it was. */
export type ModifierEffect =
  | { type: 'modifier.hook'; hook: HookName; eventType: EventType | null }
  | { type: 'modifier.transition'; flag: 'initialized' | 'started' | 'ended' | 'finalized'; from: ModifierPhase; to: ModifierPhase }
  | { type: 'modifier.effect'; kind: string; data: unknown }
  | { type: 'modifier.warning'; message: string };

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

/** Record factories: the only place record types are spelled. `seq` is filled by the emitter. */
export const record = {
  initialize: (options: Record<string, unknown>) => ({ type: 'call.initialize', options }) as const,
  event: (eventType: EventType, globalStep: number, options: Record<string, unknown>) =>
    ({ type: 'call.event', eventType, globalStep, options }) as const,
  finalize: (options: Record<string, unknown>) => ({ type: 'call.finalize', options }) as const,
  reset: () => ({ type: 'call.reset' }) as const,
  rejected: (call: CallName, eventType: EventType | null, error: unknown) =>
    ({ type: 'call.rejected', call, eventType, error: errorInfo(error) }) as const,
  error: (call: CallName, error: unknown) => ({ type: 'effect.error', call, error: errorInfo(error) }) as const,
  warning: (code: string | null, message: string, modifier: ModifierRef | null = null) =>
    ({ type: 'effect.warning', code, message, modifier }) as const,
  /** Lifts a modifier's own report into a record naming the modifier. */
  fromModifier(ref: ModifierRef, effect: ModifierEffect) {
    switch (effect.type) {
      case 'modifier.hook':
        return { type: 'effect.hook', ...ref, hook: effect.hook, eventType: effect.eventType } as const;
      case 'modifier.transition':
        return { type: 'effect.transition', ...ref, flag: effect.flag, from: effect.from, to: effect.to } as const;
      case 'modifier.effect':
        return { type: 'effect.modifier', ...ref, kind: effect.kind, data: effect.data } as const;
      case 'modifier.warning':
        return { type: 'effect.warning', code: null, message: effect.message, modifier: ref } as const;
    }
  },
};

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type UnsequencedRecord = DistributiveOmit<LifecycleRecord, 'seq'>;
