/**
 * An independent reference model of CompressionLifecycle and the Modifier base class, transcribed
 * straight from shared/spec/lifecycle.md §2 (Event), §3 (modifier rules), §6 (lifecycle) and §11.
 *
 * It deliberately imports nothing from src/ or machines/: event types are plain strings, messages
 * are spelled out from §10, and the order rule is the prose of §6.4 (positions), not a table. The
 * model-based test compares the implementation to this file call by call.
 *
 * Hooks are not run: the model appends to `trace` the same line the test modifier writes, so the
 * two traces can be compared entry by entry.
 */
import type { EventTypeValue } from '../arbitraries/eventTypeValue.ts';
import type { LifecycleCall } from '../arbitraries/lifecycleCall.ts';
import type { ModifierSpec } from '../arbitraries/modifierSpec.ts';
import { traceLine, type TraceEvent } from '../harness/trace.ts';

export type Fidelity = 'default' | 'reference';
export type Phase = 'uninitialized' | 'initialized' | 'started' | 'ended' | 'finalized';

/** A thrown error, as the comparison sees it: the class name and the exact text. */
export class ModelError extends Error {
  constructor(readonly errorName: string, message: string) {
    super(message);
  }
}
const valueError = (m: string) => new ModelError('ValueError', m);
const runtimeError = (m: string) => new ModelError('RuntimeError', m);

// §1, §6.4: the ordered list and Python renderings.
const ORDERED: readonly EventTypeValue[] = ['batch_start', 'loss_calculated', 'optim_pre_step', 'optim_post_step', 'batch_end'];
const pyStr = (t: EventTypeValue) => `EventType.${t.toUpperCase()}`;
const pyRepr = (t: EventTypeValue) => `<${pyStr(t)}: '${t}'>`;

/** §10 texts. */
export const MESSAGES = {
  E3: 'Event stepsPerEpoch is 0: cannot divide by zero',
  E10: 'Cannot initialize a modifier that has already been initialized',
  E11: 'Cannot initialize a modifier that has already been finalized',
  E12: 'cannot finalize a modifier twice',
  E13: 'cannot finalize an uninitialized modifier',
  E14: 'Cannot update an uninitialized modifier',
  E15: 'Cannot update a finalized modifier',
  E40: 'Cannot finalize before initializing',
  E41: 'Cannot finalize more than once',
  E42: 'Cannot invoke event before initializing',
  E43: 'Cannot invoke event after finalizing',
  E44: (t: EventTypeValue) => `Cannot invoke ${pyStr(t)} event. Use the corresponding method instead.`,
  E45: (last: EventTypeValue, t: EventTypeValue) =>
    `Lifecycle events must appear following order: [${ORDERED.map(pyRepr).join(', ')}]. Instead, ${pyStr(last)} was called before ${pyStr(t)}`,
  E46: 'Loss must be provided for loss calculated event',
  W1: (e: string) => `Exception during finalizing modifier: ${e}`,
};

/** The message a test modifier's throwing `onFinalize` uses. */
export const finalizeFailure = (id: number) => `onFinalize of m${id} failed`;

// ---- §2 Event --------------------------------------------------------------------------------

export interface ModelEvent extends TraceEvent {}

/** §2 `currentIndex` (get); S = 0 is E3 (ours). */
function currentIndex(e: ModelEvent): number {
  if (e.stepsPerEpoch === null) return e.globalStep;
  if (e.stepsPerEpoch === 0) throw valueError(MESSAGES.E3);
  return e.globalStep / e.stepsPerEpoch;
}

// ---- §3 Modifier -----------------------------------------------------------------------------

export class ModelModifier {
  initialized = false;
  started = false;
  ended = false;
  finalized = false;

  constructor(readonly id: number, readonly spec: ModifierSpec, private readonly trace: string[]) {}

  /** §3.1 */
  get phase(): Phase {
    if (this.finalized) return 'finalized';
    if (this.ended) return 'ended';
    if (this.started) return 'started';
    if (this.initialized) return 'initialized';
    return 'uninitialized';
  }

  private hook(name: string, event: ModelEvent | null, kwargs?: Record<string, unknown>): void {
    this.trace.push(traceLine(this.id, name, this.phase, event, kwargs));
  }

  /** §3.4 */
  shouldStart(e: ModelEvent): boolean {
    if (this.spec.start === null) return false;
    const c = currentIndex(e);
    return this.spec.start <= c && (this.spec.end === null || c < this.spec.end);
  }

  shouldEnd(e: ModelEvent): boolean {
    return this.spec.end !== null && currentIndex(e) >= this.spec.end;
  }

  /** §3.2 */
  initialize(): void {
    if (this.initialized) throw runtimeError(MESSAGES.E10);
    if (this.finalized) throw runtimeError(MESSAGES.E11);
    this.hook('onInitialize', null);
    this.initialized = this.spec.initResult;
    const fake: ModelEvent = { type: 'batch_start', globalStep: 0, globalBatch: 0, stepsPerEpoch: null, batchesPerStep: null };
    if (this.shouldStart(fake)) {
      this.hook('onStart', fake);
      this.started = true;
    }
  }

  finalize(): void {
    if (this.finalized) throw runtimeError(MESSAGES.E12);
    if (!this.initialized) throw runtimeError(MESSAGES.E13);
    this.hook('onFinalize', null);
    const r = this.spec.finalizeResult;
    if (r === 'throw') throw new ModelError('Error', finalizeFailure(this.id));
    this.finalized = r;
  }

  /** §3.3 (≤ 0.12 rules) */
  updateEvent(e: ModelEvent, kwargs: Record<string, unknown>): void {
    if (!this.initialized) throw runtimeError(MESSAGES.E14);
    if (this.finalized) throw runtimeError(MESSAGES.E15);
    this.hook('onEvent', e, kwargs);
    if (e.type === 'batch_start' && !this.started && this.shouldStart(e)) {
      this.hook('onStart', e);
      this.started = true;
      this.hook('onUpdate', e);
      return;
    }
    if (e.type === 'batch_end' && !this.ended && this.shouldEnd(e)) {
      this.hook('onEnd', e);
      this.ended = true;
      this.hook('onUpdate', e);
      return;
    }
    if (this.started && !this.ended) this.hook('onUpdate', e);
  }
}

// ---- §6 CompressionLifecycle -------------------------------------------------------------------

/** §6.4 in prose form: positions, BATCH_START after anything but itself. */
function orderAccepts(last: EventTypeValue, t: EventTypeValue): boolean {
  const pos = ORDERED.indexOf(t);
  if (pos < 0) return true;
  if (t === 'batch_start') return last !== 'batch_start';
  return ORDERED.indexOf(last) <= pos;
}

export class ReferenceLifecycle {
  initialized = false;
  finalized = false;
  globalStep = 0;
  last: EventTypeValue = 'batch_end';
  stepsPerEpoch: number | null = null;
  batchesPerStep: number | null = null;
  recipe: ModelModifier[] = [];
  readonly warnings: string[] = [];

  constructor(readonly fidelity: Fidelity, private readonly modifiers: ModelModifier[]) {}

  /** Applies one call; returns its result or throws a ModelError. */
  apply(call: LifecycleCall): unknown {
    switch (call.kind) {
      case 'initialize':
        return this.initialize(call);
      case 'event':
        return this.event(call);
      case 'finalize':
        return this.finalize();
      case 'reset':
        return this.reset();
    }
  }

  /** §6.1 */
  private initialize(call: Extract<LifecycleCall, { kind: 'initialize' }>): unknown[] | undefined {
    if (this.fidelity === 'default') {
      if (call.stepsPerEpoch != null) this.stepsPerEpoch = call.stepsPerEpoch;
      if (call.batchesPerStep != null) this.batchesPerStep = call.batchesPerStep;
    }
    if (this.initialized) return undefined; // Q4
    this.recipe = call.recipe ? [...this.modifiers] : [];
    for (const m of this.recipe) m.initialize();
    this.initialized = true;
    return [];
  }

  /** §6.3 */
  private event(call: Extract<LifecycleCall, { kind: 'event' }>): unknown[] {
    const t = call.type;
    if (!this.initialized) throw valueError(MESSAGES.E42);
    if (this.finalized) throw valueError(MESSAGES.E43);
    if (t === 'initialize' || t === 'finalize') throw valueError(MESSAGES.E44(t));
    if (!orderAccepts(this.last, t)) throw valueError(MESSAGES.E45(this.last, t));
    const ordered = ORDERED.includes(t);
    const reference = this.fidelity === 'reference';
    if (reference && ordered) this.last = t; // recorded now (Q3)
    if (t === 'loss_calculated' && (!('loss' in call) || call.loss === null || call.loss === undefined)) {
      throw valueError(MESSAGES.E46);
    }
    if (!reference && ordered) this.last = t;

    if (reference) {
      const v = 'globalStep' in call ? call.globalStep : 0; // Q2
      if (v !== null && v !== undefined) this.globalStep = v;
    } else if (call.globalStep !== null && call.globalStep !== undefined) {
      this.globalStep = call.globalStep;
    }

    let event: ModelEvent;
    if (reference) {
      event = { type: t, globalStep: 0, globalBatch: 0, stepsPerEpoch: null, batchesPerStep: null }; // Q1
    } else {
      const g = this.globalStep;
      const b = this.batchesPerStep;
      event = { type: t, globalStep: g, globalBatch: b !== null && b >= 2 ? g * b : g, stepsPerEpoch: this.stepsPerEpoch, batchesPerStep: b };
    }
    const kwargs: Record<string, unknown> = {};
    if ('loss' in call) kwargs.loss = call.loss;
    kwargs.fidelity = this.fidelity;
    for (const m of this.recipe) m.updateEvent(event, kwargs);
    return [];
  }

  /** §6.2 */
  private finalize(): unknown[] {
    if (!this.initialized) throw valueError(MESSAGES.E40);
    if (this.finalized) throw valueError(MESSAGES.E41);
    for (const m of this.recipe) m.finalize();
    this.finalized = true;
    return [];
  }

  /** §6.5 */
  private reset(): undefined {
    for (const m of this.recipe) {
      if (!m.initialized || m.finalized) continue;
      try {
        m.finalize();
      } catch (e) {
        this.warnings.push(MESSAGES.W1((e as Error).message));
      }
    }
    this.initialized = false;
    this.finalized = false;
    this.globalStep = 0;
    this.last = 'batch_end';
    this.stepsPerEpoch = null;
    this.batchesPerStep = null;
    this.recipe = [];
    return undefined;
  }
}
