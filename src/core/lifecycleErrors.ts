/**
 * The spec's errors as classes (lifecycle.md §10). Each builds its contract text from data so no
 * message is spelled out at a throw site; `code` is the spec's ID, for tools (verifier, journal).
 */
import { RuntimeError, ValueError, specError } from './errors.ts';
import { ALL_EVENT_TYPES, EventType, pyRepr, pyStr } from './events.ts';
import { showValue } from './show.ts';

export type ErrorCode = `E${number}` | `T${number}`;

const ORDERED_FOR_MESSAGE = [
  EventType.BATCH_START,
  EventType.LOSS_CALCULATED,
  EventType.OPTIM_PRE_STEP,
  EventType.OPTIM_POST_STEP,
  EventType.BATCH_END,
];

/** An error class with a fixed spec text and code. */
const coded = <B extends typeof ValueError | typeof RuntimeError, C extends ErrorCode>(Base: B, code: C, text: string) => specError(Base, code, () => text);

// Modifier (RuntimeError; E12/E13 start lower-case as upstream, Q10).
export class ModifierAlreadyInitializedError extends coded(RuntimeError, 'E10', 'Cannot initialize a modifier that has already been initialized') {}
export class ModifierAlreadyFinalizedError extends coded(RuntimeError, 'E11', 'Cannot initialize a modifier that has already been finalized') {}
export class ModifierFinalizeTwiceError extends coded(RuntimeError, 'E12', 'cannot finalize a modifier twice') {}
export class ModifierFinalizeUninitializedError extends coded(RuntimeError, 'E13', 'cannot finalize an uninitialized modifier') {}
export class ModifierUpdateUninitializedError extends coded(RuntimeError, 'E14', 'Cannot update an uninitialized modifier') {}
export class ModifierUpdateFinalizedError extends coded(RuntimeError, 'E15', 'Cannot update a finalized modifier') {}

// Lifecycle (ValueError).
export class FinalizeBeforeInitializeError extends coded(ValueError, 'E40', 'Cannot finalize before initializing') {}
export class FinalizeTwiceError extends coded(ValueError, 'E41', 'Cannot finalize more than once') {}
export class EventBeforeInitializeError extends coded(ValueError, 'E42', 'Cannot invoke event before initializing') {}
export class EventAfterFinalizeError extends coded(ValueError, 'E43', 'Cannot invoke event after finalizing') {}
export class LossRequiredError extends coded(ValueError, 'E46', 'Loss must be provided for loss calculated event') {}

/** E44 */
export class ReservedEventTypeError extends specError(
  ValueError,
  'E44',
  (eventType: EventType) => `Cannot invoke ${pyStr(eventType)} event. Use the corresponding method instead.`,
  'eventType',
) {}

/** E45: the order rule (§6.4) rejected `eventType` after `last`. */
export class EventOrderError extends specError(
  ValueError,
  'E45',
  (last: EventType, eventType: EventType) =>
    `Lifecycle events must appear following order: [${ORDERED_FOR_MESSAGE.map(pyRepr).join(', ')}]. ` +
    `Instead, ${pyStr(last)} was called before ${pyStr(eventType)}`,
  'last',
  'eventType',
) {}

/** Ours: an event type that is not an EventType value (Python would fail by accident). */
export class UnknownEventTypeError extends specError(
  ValueError,
  null,
  (value: unknown) => `Unknown event type ${showValue(value)}; expected one of: ${ALL_EVENT_TYPES.join(', ')}`,
) {}
