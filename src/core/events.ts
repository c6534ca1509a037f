/**
 * EventType and Event (LLM Compressor `core/events/event.py`). An Event is a mutable value object
 * that validates nothing (Q25): schedules read `currentIndex`, which is the global step, or the
 * fractional epoch when `stepsPerEpoch` is known.
 */
import { pyFloorDiv, pyInt, pyMod, isTruthy } from './python.ts';
import { ValueError, specError } from './errors.ts';
import { optionsObject } from './options.ts';

export enum EventType {
  INITIALIZE = 'initialize',
  FINALIZE = 'finalize',
  BATCH_START = 'batch_start',
  LOSS_CALCULATED = 'loss_calculated',
  BATCH_END = 'batch_end',
  CALIBRATION_EPOCH_START = 'calibration_epoch_start',
  SEQUENTIAL_EPOCH_END = 'sequential_epoch_end',
  CALIBRATION_EPOCH_END = 'calibration_epoch_end',
  OPTIM_PRE_STEP = 'optim_pre_step',
  OPTIM_POST_STEP = 'optim_post_step',
}

const MEMBER_BY_VALUE: ReadonlyMap<string, string> = new Map(Object.entries(EventType).map(([k, v]) => [v, k]));

/** Python `str(EventType.X)`: `EventType.BATCH_END`. */
export function pyStr(type: EventType): string {
  return `EventType.${MEMBER_BY_VALUE.get(type) ?? String(type)}`;
}

/** Python `repr(EventType.X)`: `<EventType.BATCH_END: 'batch_end'>`. */
export function pyRepr(type: EventType): string {
  return `<${pyStr(type)}: '${type}'>`;
}

/** Whether `v` is an EventType value (`'batch_end'`). */
export function isEventType(v: unknown): v is EventType {
  return typeof v === 'string' && MEMBER_BY_VALUE.has(v);
}

/** Parses an event type from its value (`batch_end`) or member name (`BATCH_END`). */
export function parseEventType(text: string): EventType | undefined {
  if (MEMBER_BY_VALUE.has(text)) return text as EventType;
  const byName = (EventType as Record<string, string>)[text.toUpperCase()];
  return byName as EventType | undefined;
}

export const ALL_EVENT_TYPES: readonly EventType[] = Object.freeze(Object.values(EventType));

export interface EventInit {
  type?: EventType | null;
  stepsPerEpoch?: number | null;
  batchesPerStep?: number | null;
  invocationsPerStep?: number;
  globalStep?: number;
  globalBatch?: number;
}

export class Event {
  type: EventType | null;
  stepsPerEpoch: number | null;
  batchesPerStep: number | null;
  /** Stored only; nothing reads it (as upstream). */
  invocationsPerStep: number;
  globalStep: number;
  globalBatch: number;
  [extra: string]: unknown;

  constructor(init: EventInit = {}) {
    init = optionsObject('Event', init);
    this.type = init.type ?? null;
    this.stepsPerEpoch = init.stepsPerEpoch ?? null;
    this.batchesPerStep = init.batchesPerStep ?? null;
    this.invocationsPerStep = init.invocationsPerStep ?? 1;
    this.globalStep = init.globalStep ?? 0;
    this.globalBatch = init.globalBatch ?? 0;
  }

  get epochBased(): boolean {
    return this.stepsPerEpoch !== null;
  }

  /** S, checked: E1 when not epoch based, E3 when zero. */
  private epochSteps(): number {
    const s = this.stepsPerEpoch;
    if (s === null) throw new EventNotEpochBasedError();
    if (s === 0) throw new ZeroStepsPerEpochError();
    return s;
  }

  get epoch(): number {
    return pyFloorDiv(this.globalStep, this.epochSteps());
  }

  get epochFull(): number {
    return this.globalStep / this.epochSteps();
  }

  get epochStep(): number {
    return pyMod(this.globalStep, this.epochSteps());
  }

  get epochBatch(): number {
    const s = this.epochSteps();
    const perEpoch = isTruthy(this.batchesPerStep) ? s * (this.batchesPerStep as number) : s;
    return pyMod(this.globalBatch, perEpoch);
  }

  get currentIndex(): number {
    if (this.stepsPerEpoch === null) return this.globalStep;
    const full = this.epochFull;
    if (full - this.epoch > 1) throw new ValueError('Too many steps per epoch for epoch based event');
    return full;
  }

  set currentIndex(value: number) {
    this.globalStep = this.stepsPerEpoch === null ? pyInt(value) : pyInt(value * this.epochSteps());
    const b = this.batchesPerStep;
    this.globalBatch = b === null || b < 2 ? this.globalStep : this.globalStep * b;
  }

  /** A deep copy with `overrides` assigned as given (unknown keys included); the original is unchanged. */
  newInstance(overrides: Partial<EventInit> & Record<string, unknown> = {}): Event {
    overrides = optionsObject('Event.newInstance', overrides);
    const copy = new Event();
    for (const [k, v] of Object.entries(this)) copy[k] = structuredClone(v);
    for (const [k, v] of Object.entries(overrides)) copy[k] = v;
    return copy;
  }

  /** Whether a schedule `(start, end, update)` fires at this event; `end` is inclusive. */
  shouldUpdate(start: number | null = null, end: number | null = null, update: number | null = null): boolean {
    const c = this.currentIndex;
    if (start !== null && c < start) return false;
    if (end !== null && c > end) return false;
    if (update === null || update <= 0) return true;
    return pyMod(c, update) < 1e-10;
  }
}

/** E1 */
export class EventNotEpochBasedError extends specError(ValueError, null, () => 'Event is not epoch based') {}

/** E3 (ours): Python would raise ZeroDivisionError. */
export class ZeroStepsPerEpochError extends specError(ValueError, null, () => 'Event stepsPerEpoch is 0: cannot divide by zero') {}

/** Value equality: all fields equal (upstream's dataclass `__eq__`). */
export function eventsEqual(a: Event, b: Event): boolean {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.is(a[k], b[k]));
}
