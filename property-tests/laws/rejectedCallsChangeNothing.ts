/**
 * Law: a call the lifecycle rejects before dispatching (E40–E46, lifecycle.md §6.2/§6.3 checks)
 * changes nothing observable in `'default'` fidelity: lifecycle flags, `globalStep`, the order
 * state `lastEventType`, every modifier's flags and phase, and no hook runs.
 *
 * In `'reference'` the one allowed change is Q3: a LOSS_CALCULATED rejected with E46 has already
 * moved the order state.
 */
import { expect } from 'vitest';
import type { Observed, Outcome } from '../harness/subject.ts';

export const LIFECYCLE_REJECTION_CODES: ReadonlySet<string> = new Set(['E40', 'E41', 'E42', 'E43', 'E44', 'E45', 'E46']);

export function isLifecycleRejection(outcome: Outcome): boolean {
  return !outcome.ok && outcome.code !== null && LIFECYCLE_REJECTION_CODES.has(outcome.code);
}

export function rejectedCallChangesNothing(
  fidelity: 'default' | 'reference',
  outcome: Outcome,
  before: { observed: Observed; traceLength: number },
  after: { observed: Observed; traceLength: number },
): void {
  if (!isLifecycleRejection(outcome)) return;
  const expected = { ...before.observed };
  if (fidelity === 'reference' && !outcome.ok && outcome.code === 'E46') expected.lastEventType = 'loss_calculated';
  expect(after.observed, `rejected call (${!outcome.ok && outcome.code}) changed the lifecycle`).toEqual(expected);
  expect(after.traceLength, 'a rejected call ran hooks').toBe(before.traceLength);
}
