/**
 * The executor asks a schedule for a verdict (shouldStart / shouldEnd) exactly when the machine's transition
 * depends on it: `needs` is checked against the machine itself, walked with xstate's `transition()` for every
 * state, event kind and pair of verdicts. Asking too little would run the wrong plan; asking too much costs every event.
 */
import { describe, expect, it, vi } from 'vitest';
import { transition } from 'xstate';
import { modifierMachine, type ModifierStateName } from '../../machines/modifier.machine.ts';
import { EVENT_KINDS, STATE_NAMES } from '../../machines/modifier.plan.ts';

/** The plan module loaded afresh, so its load-time tables are built in this test (a mutation tool switches code per test). */
async function freshNeeds(): Promise<Uint8Array> {
  vi.resetModules();
  const { compiledPlans } = await import('../../machines/modifier.plan.ts');
  return compiledPlans().needs;
}

/** What the machine does on `updateEvent` in `state`: its actions and where it goes, as one comparable string. */
function outcome(state: ModifierStateName, kind: (typeof EVENT_KINDS)[number], shouldStart: boolean, shouldEnd: boolean): string {
  const snapshot = modifierMachine.resolveState({ value: state, context: {} } as never);
  const [next, actions] = transition(modifierMachine, snapshot, { type: 'updateEvent', kind, shouldStart, shouldEnd });
  return `${actions.map((a) => a.type).join(',')} -> ${String(next.value)}`;
}

describe('compiledPlans().needs', () => {
  const cases = STATE_NAMES.flatMap((state, s) => EVENT_KINDS.map((kind, k) => [state, kind, s, k] as const));
  it.each(cases)('%s on %s: the verdicts asked are the ones the transition depends on', async (state, kind, s, k) => {
    const needs = await freshNeeds();
    const o = (st: boolean, en: boolean) => outcome(state, kind, st, en);
    const startMatters = [false, true].some((en) => o(false, en) !== o(true, en));
    const endMatters = [false, true].some((st) => o(st, false) !== o(st, true));
    expect(needs[s * 3 + k]).toBe((startMatters ? 1 : 0) | (endMatters ? 2 : 0));
  });

  it('some transition depends on each verdict (the check above is not vacuous)', async () => {
    const needs = Array.from(await freshNeeds());
    expect(needs.some((n) => (n & 1) !== 0)).toBe(true);
    expect(needs.some((n) => (n & 2) !== 0)).toBe(true);
    expect(needs.some((n) => n === 0)).toBe(true);
  });
});
