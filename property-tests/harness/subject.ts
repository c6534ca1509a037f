/**
 * The real system under test for lifecycle properties: a CompressionLifecycle, its test modifiers,
 * their shared hook trace and the warnings logged. `applyCall` turns call data into a real call
 * and reports the outcome the same way the reference model's outcome is reported.
 */
import { CompressionLifecycle } from '../../src/lifecycle/lifecycle.ts';
import type { EventType } from '../../src/core/events.ts';
import { setWarningSink } from '../../src/core/logger.ts';
import type { LifecycleCall } from '../arbitraries/lifecycleCall.ts';
import type { LifecycleSetup } from '../arbitraries/lifecycleSetup.ts';
import { ModelError } from '../model/referenceLifecycle.ts';
import { RuntimeError, ValueError } from '../../src/core/errors.ts';
import { TraceModifier } from './traceModifier.ts';

export interface Subject {
  lifecycle: CompressionLifecycle;
  modifiers: TraceModifier[];
  trace: string[];
  warnings: string[];
  /** Every record, serialized as it was emitted (only when the setup records). */
  records: string[];
  dispose(): void;
}

/**
 * `name` is the Python-level class the spec names (ValueError / RuntimeError; subclasses such as
 * EventOrderError count as their base), `className` the actual constructor name.
 */
export type Outcome =
  | { ok: true; value: unknown }
  | { ok: false; name: string; className: string; message: string; code: string | null };

export function createSubject(setup: LifecycleSetup): Subject {
  const trace: string[] = [];
  const warnings: string[] = [];
  const records: string[] = [];
  const lifecycle = new CompressionLifecycle({ fidelity: setup.fidelity });
  const modifiers = setup.modifiers.map((spec, i) => TraceModifier.create(i, spec, trace));
  const sub = setup.recording ? lifecycle.records$.subscribe((r) => records.push(JSON.stringify(r))) : null;
  return {
    lifecycle,
    modifiers,
    trace,
    warnings,
    records,
    dispose: () => sub?.unsubscribe(),
  };
}

/** Runs `fn` with warnings captured into `into` (the logger's sink is global; restored after). */
export function withWarnings<T>(into: string[], fn: () => T): T {
  const prev = setWarningSink((m) => into.push(m));
  try {
    return fn();
  } finally {
    setWarningSink(prev);
  }
}

/** The options object a call passes, keys present exactly as the call data says. */
export function callOptions(call: LifecycleCall, modifiers: readonly unknown[]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  if (call.kind === 'initialize') {
    if (call.recipe) o.recipe = modifiers;
    if ('stepsPerEpoch' in call) o.stepsPerEpoch = call.stepsPerEpoch;
    if ('batchesPerStep' in call) o.batchesPerStep = call.batchesPerStep;
  } else if (call.kind === 'event') {
    if ('loss' in call) o.loss = call.loss;
    if ('globalStep' in call) o.globalStep = call.globalStep;
  }
  return o;
}

export function applyCall(s: Subject, call: LifecycleCall): Outcome {
  return withWarnings(s.warnings, () => {
    try {
      const o = callOptions(call, s.modifiers);
      switch (call.kind) {
        case 'initialize':
          return { ok: true, value: s.lifecycle.initialize(o) };
        case 'event':
          return { ok: true, value: s.lifecycle.event(call.type as EventType, o) };
        case 'finalize':
          return { ok: true, value: s.lifecycle.finalize() };
        case 'reset':
          return { ok: true, value: s.lifecycle.reset() };
      }
    } catch (e) {
      return errorOutcome(e);
    }
  });
}

export function errorOutcome(e: unknown): Outcome {
  if (e instanceof ModelError) return { ok: false, name: e.errorName, className: e.errorName, message: e.message, code: null };
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    const name = e instanceof ValueError ? 'ValueError' : e instanceof RuntimeError ? 'RuntimeError' : e.name;
    return { ok: false, name, className: e.constructor.name, message: e.message, code: typeof code === 'string' ? code : null };
  }
  return { ok: false, name: typeof e, className: typeof e, message: String(e), code: null };
}

/** What a call may observably change: lifecycle fields and every modifier's flags and phase. */
export interface Observed {
  initialized: boolean;
  finalized: boolean;
  globalStep: number;
  lastEventType: string;
  modifiers: { initialized: boolean; started: boolean; ended: boolean; finalized: boolean; phase: string }[];
}

export function observe(s: Subject): Observed {
  return {
    initialized: s.lifecycle.initialized,
    finalized: s.lifecycle.finalized,
    globalStep: s.lifecycle.globalStep,
    lastEventType: s.lifecycle.lastEventType,
    modifiers: s.modifiers.map((m) => ({ initialized: m.initialized, started: m.started, ended: m.ended, finalized: m.finalized, phase: m.phase })),
  };
}

export function describeCall(call: LifecycleCall): string {
  const { kind, ...rest } = call;
  return `${kind}(${JSON.stringify(rest)})`;
}
