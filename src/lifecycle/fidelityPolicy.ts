/**
 * What the lifecycle does differently per fidelity (lifecycle.md §0, §6.1, §6.3; quirks Q1–Q3), as
 * one small policy per fidelity instead of `if (reference)` threads through the calls.
 */
import { Event, EventType } from '../core/events.ts';
import type { Fidelity } from '../core/fidelity.ts';

export interface FidelityPolicy {
  readonly fidelity: Fidelity;
  /** §6.1: `initialize` remembers `stepsPerEpoch` / `batchesPerStep` so events can carry epochs. */
  readonly remembersEpochLength: boolean;
  /** §6.3 steps 4–5 (Q3): an accepted ordered type is recorded before the loss check, so a refused loss still moves the order. */
  readonly recordsOrderBeforeLossCheck: boolean;
  /** §6.3 step 6 (Q2): the global step after an event given `option` as its `globalStep`. */
  nextGlobalStep(previous: number, option: number | null | undefined): number;
  /** §6.3 step 7 (Q1): the event the modifiers see, from the lifecycle's clock (passed as scalars: this runs per event). */
  buildEvent(type: EventType, globalStep: number, stepsPerEpoch: number | null, batchesPerStep: number | null): Event;
}

/** LLM Compressor exactly: events carry no step, a missing step resets it to 0, Q3's early record. */
const reference: FidelityPolicy = {
  fidelity: 'reference',
  remembersEpochLength: false,
  recordsOrderBeforeLossCheck: true,
  nextGlobalStep: (previous, option) => (option === null ? previous : (option ?? 0)),
  buildEvent: (type) => new Event({ type }),
};

/** Q1–Q3 fixed: the step is kept when omitted; events carry the step, the epoch length and the global batch. */
const fixed: FidelityPolicy = {
  fidelity: 'default',
  remembersEpochLength: true,
  recordsOrderBeforeLossCheck: false,
  nextGlobalStep: (previous, option) => option ?? previous,
  buildEvent: (type, g, stepsPerEpoch, b) =>
    new Event({ type, globalStep: g, stepsPerEpoch, batchesPerStep: b, globalBatch: b !== null && b >= 2 ? g * b : g }),
};

export const FIDELITY_POLICIES: Readonly<Record<Fidelity, FidelityPolicy>> = { default: fixed, reference };
