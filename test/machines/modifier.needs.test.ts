/**
 * The executor asks a schedule for a verdict (shouldStart / shouldEnd) exactly when the machine's transition
 * depends on it: `needs` is checked against the machine itself, walked with xstate's `transition()` for every
 * state, event kind and pair of verdicts. Asking too little would run the wrong plan; asking too much costs every event.
 */
import { describe, expect, it } from 'vitest';
import { transition } from 'xstate';
import { modifierMachine, type ModifierStateName } from '../../machines/modifier.machine.ts';
import { compiledPlans, EVENT_KINDS, STATE_NAMES } from '../../machines/modifier.plan.ts';

/** What the machine does on `updateEvent` in `state`: its actions and where it goes, as one comparable string. */
function outcome(state: ModifierStateName, kind: (typeof EVENT_KINDS)[number], shouldStart: boolean, shouldEnd: boolean): string {
  const snapshot = modifierMachine.resolveState({ value: state, context: {} } as never);
  const [next, actions] = transition(modifierMachine, snapshot, { type: 'updateEvent', kind, shouldStart, shouldEnd });
  return `${actions.map((a) => a.type).join(',')} -> ${String(next.value)}`;
}

describe('compiledPlans().needs', () => {
  const cases = STATE_NAMES.flatMap((state, s) => EVENT_KINDS.map((kind, k) => [state, kind, s, k] as const));
  it.each(cases)('%s on %s: the verdicts asked are the ones the transition depends on', (state, kind, s, k) => {
    const o = (st: boolean, en: boolean) => outcome(state, kind, st, en);
    const startMatters = [false, true].some((en) => o(false, en) !== o(true, en));
    const endMatters = [false, true].some((st) => o(st, false) !== o(st, true));
    expect(compiledPlans().needs[s * 3 + k]).toBe((startMatters ? 1 : 0) | (endMatters ? 2 : 0));
  });

  it('some transition depends on each verdict (the check above is not vacuous)', () => {
    const needs = Array.from(compiledPlans().needs);
    expect(needs.some((n) => (n & 1) !== 0)).toBe(true);
    expect(needs.some((n) => (n & 2) !== 0)).toBe(true);
    expect(needs.some((n) => n === 0)).toBe(true);
  });
});
