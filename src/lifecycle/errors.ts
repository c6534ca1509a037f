/**
 * Errors of the lifecycle's own making (not in LLM Compressor, which has no records and never
 * guards against reentry): see docs/lifecycle.md, "Reentrancy and subscribers".
 */
import { RuntimeError } from '../core/errors.ts';
import type { CallName } from '../core/records.ts';

/**
 * Ours: a lifecycle call made while another call of the same lifecycle is running (from a
 * `records$` subscriber or a modifier hook). Modifiers would see events out of order and the outer
 * call's work would be silently undone, so it is refused (and recorded as `call.rejected`).
 */
export class ReentrantCallError extends RuntimeError {
  readonly call: CallName;
  readonly running: CallName;
  constructor(call: CallName, running: CallName) {
    super(`${call}() was called while ${running}() of the same lifecycle is still running (from a records$ subscriber or a modifier hook); lifecycle calls cannot be nested: make the call after ${running}() returns`);
    this.call = call;
    this.running = running;
  }
}

/**
 * Ours: a `records$` subscriber threw. Reported once to the warning sink and the subscriber is
 * unsubscribed; the lifecycle call goes on, and nothing reaches RxJS's unhandled-error path.
 */
export class RecordsSubscriberError extends RuntimeError {
  override readonly cause: unknown;
  constructor(cause: unknown) {
    super(`a records$ subscriber threw (${cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause)}); it has been unsubscribed and will receive no more records`);
    this.cause = cause;
  }
}
