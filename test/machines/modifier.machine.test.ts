/**
 * The modifier machine is the source of truth (lifecycle.md §3.1–§3.3): its transitions, walked with
 * the pure `transition()`, say what the spec says; the compiled table is exactly the machine.
 */
import { describe, expect, it } from 'vitest';
import { transition } from 'xstate';
import { modifierMachine, PHASE_OF, phaseOf, STATE_FLAGS, type EventKind, type ModifierFlags, type ModifierMachineEvent, type ModifierStateName } from '../../machines/modifier.machine.ts';
import {
  compiledPlans,
  EVENT_CODES,
  EVENT_KINDS,
  flagsBits,
  flagsFromBits,
  MACHINE_EVENTS,
  planFor,
  snapshotAt,
  STATE_AT_BITS,
  STATE_BITS,
  STATE_NAMES,
  stateNameOf,
  updateEventCode,
  type Step,
} from '../../machines/modifier.plan.ts';

const BOOLS = [false, true] as const;
const MARK_BIT: Partial<Record<Step, number>> = { markInitialized: 1, markStarted: 2, markEnded: 4, markFinalized: 8 };

/** §3.3 steps 3–5, written from the spec text (flags as they are after onEvent). */
function specAfterOnEvent(f: ModifierFlags, kind: EventKind, shouldStart: boolean, shouldEnd: boolean): Step[] {
  if (kind === 'batchStart' && !f.started && shouldStart) return ['onStart', 'markStarted', 'onUpdate'];
  if (kind === 'batchEnd' && !f.ended && shouldEnd) return ['onEnd', 'markEnded', 'onUpdate'];
  if (f.started && !f.ended) return ['onUpdate'];
  return [];
}

/** Every call, from the spec text (§3.1–§3.3), for any flag set. */
function specPlan(f: ModifierFlags, e: ModifierMachineEvent): Step[] {
  switch (e.type) {
    case 'initialize':
      if (f.initialized) return ['rejectAlreadyInitialized'];
      return ['onInitialize', ...(e.succeeded ? (['markInitialized'] as Step[]) : []), ...(e.shouldStart ? (['onStart', 'markStarted'] as Step[]) : [])];
    case 'finalize':
      if (f.finalized) return ['rejectFinalizeTwice'];
      if (!f.initialized) return ['rejectFinalizeUninitialized'];
      return ['onFinalize', ...(e.succeeded ? (['markFinalized'] as Step[]) : [])];
    case 'updateEvent':
      if (!f.initialized) return ['rejectUpdateUninitialized'];
      if (f.finalized) return ['rejectUpdateFinalized'];
      return ['onEvent', ...specAfterOnEvent(f, e.kind, e.shouldStart, e.shouldEnd)];
    case 'startItself':
      return f.initialized && !f.finalized && !f.started ? ['markStarted', 'onStart'] : [];
    case 'endItself':
      return f.initialized && !f.finalized && !f.ended ? ['markEnded', 'onEnd'] : [];
  }
}

const CASES = STATE_NAMES.flatMap((path) => MACHINE_EVENTS.map((event, code) => [path, code, event] as const));

describe('states (§3.1, Q27)', () => {
  it("is the machine 'modifier' starting uninitialized: diagrams and @xstate/graph paths name its states by it", () => {
    expect(modifierMachine.id).toBe('modifier');
    expect(modifierMachine.config.initial).toBe('uninitialized');
  });

  it.each(STATE_NAMES)('%s: its phase is the one its flags imply', (name) => {
    const snap = snapshotAt(name);
    expect(stateNameOf(snap)).toBe(name);
    expect(PHASE_OF[name]).toBe(phaseOf(STATE_FLAGS[name]));
  });

  it('the states are flat: no state nests another', () => {
    for (const node of Object.values(modifierMachine.root.states)) expect(Object.keys(node.states)).toEqual([]);
    expect(Object.keys(modifierMachine.root.states).sort()).toEqual([...STATE_NAMES].sort());
  });

  it('each state holds a distinct flag set', () => {
    expect(new Set(STATE_BITS).size).toBe(STATE_NAMES.length);
    for (let s = 0; s < STATE_NAMES.length; s++) expect(STATE_AT_BITS[STATE_BITS[s]]).toBe(s);
  });

  it('the reachable states are exactly the machine states (breadth-first over every event)', () => {
    const seen = new Set<ModifierStateName>(['uninitialized']);
    const queue: ModifierStateName[] = ['uninitialized'];
    while (queue.length) {
      const at = queue.shift()!;
      for (const e of MACHINE_EVENTS) {
        const to = planFor(at, e).target;
        if (!seen.has(to)) {
          seen.add(to);
          queue.push(to);
        }
      }
    }
    expect([...seen].sort()).toEqual([...STATE_NAMES].sort());
  });

  it('E11 is unreachable: no state is finalized without being initialized', () => {
    for (const path of STATE_NAMES) expect(STATE_FLAGS[path].finalized && !STATE_FLAGS[path].initialized).toBe(false);
  });

  it('flag bits round-trip', () => {
    for (let b = 0; b < 16; b++) expect(flagsBits(flagsFromBits(b))).toBe(b);
  });
});

describe('transitions say what the spec says (§3.2, §3.3, Q6–Q8)', () => {
  it.each(STATE_NAMES)('from %s, every event with every verdict', (path) => {
    for (const e of MACHINE_EVENTS) expect(planFor(path, e).steps, JSON.stringify(e)).toEqual(specPlan(STATE_FLAGS[path], e));
  });

  it.each(STATE_NAMES)('from %s, the target holds the flags the marks set (and an error changes nothing)', (path) => {
    for (const e of MACHINE_EVENTS) {
      const { steps, target } = planFor(path, e);
      const bits = steps.reduce((b, s) => b | (MARK_BIT[s] ?? 0), flagsBits(STATE_FLAGS[path]));
      expect(flagsBits(STATE_FLAGS[target]), JSON.stringify(e)).toBe(bits);
      if (steps.some((s) => s.startsWith('reject'))) expect(target).toBe(path);
    }
  });

  it('every plan of a call starts with the same step: the call\'s own hook or its error', () => {
    for (const path of STATE_NAMES) {
      for (const type of ['initialize', 'finalize', 'updateEvent'] as const) {
        for (const kind of EVENT_KINDS) {
          const firsts = new Set(MACHINE_EVENTS.filter((e) => e.type === type && (e.type !== 'updateEvent' || e.kind === kind)).map((e) => planFor(path, e).steps[0]));
          expect(firsts.size, `${path} ${type} ${kind}`).toBe(1);
        }
      }
    }
  });
});

describe('the compiled table is the machine', () => {
  const table = compiledPlans();

  it('covers every state × every event code', () => {
    expect(MACHINE_EVENTS).toHaveLength(EVENT_CODES);
    expect(table.plans).toHaveLength(STATE_NAMES.length * EVENT_CODES);
  });

  it.each(CASES.map(([p, c, e]) => [p, JSON.stringify(e), c] as const))('%s %s: table entry equals transition()', (path, _label, code) => {
    const s = STATE_NAMES.indexOf(path);
    const [next, actions] = transition(modifierMachine, snapshotAt(path), MACHINE_EVENTS[code]);
    expect(table.plans[s * EVENT_CODES + code]).toEqual(actions.map((a) => a.type));
    expect(STATE_NAMES[table.targets[s * EVENT_CODES + code]]).toBe(stateNameOf(next));
  });

  it('needs marks a verdict exactly when it can change the plan', () => {
    STATE_NAMES.forEach((path, s) => {
      EVENT_KINDS.forEach((kind, k) => {
        const p = (st: boolean, en: boolean) => JSON.stringify(specPlan(STATE_FLAGS[path], { type: 'updateEvent', kind, shouldStart: st, shouldEnd: en }));
        const startMatters = p(false, false) !== p(true, false) || p(false, true) !== p(true, true);
        const endMatters = p(false, false) !== p(false, true) || p(true, false) !== p(true, true);
        expect(table.needs[s * 3 + k], `${path} ${kind}`).toBe((startMatters ? 1 : 0) | (endMatters ? 2 : 0));
      });
    });
  });

  it('only BATCH_START consults shouldStart and only BATCH_END consults shouldEnd', () => {
    for (let s = 0; s < STATE_NAMES.length; s++) {
      expect(table.needs[s * 3 + 0] & 2).toBe(0);
      expect(table.needs[s * 3 + 1] & 1).toBe(0);
      expect(table.needs[s * 3 + 2]).toBe(0);
    }
  });

  it('event codes are distinct and dense', () => {
    const codes = EVENT_KINDS.flatMap((_k, k) => BOOLS.flatMap((s) => BOOLS.map((e) => updateEventCode(k, s, e))));
    expect(new Set(codes).size).toBe(12);
  });
});

describe('phaseOf (§3.1)', () => {
  /** `flags | phase`: the most advanced flag wins. */
  const ROWS: [Partial<ModifierFlags>, string][] = [
    [{}, 'uninitialized'],
    [{ initialized: true }, 'initialized'],
    [{ started: true }, 'started'],
    [{ initialized: true, started: true }, 'started'],
    [{ ended: true }, 'ended'],
    [{ started: true, ended: true }, 'ended'],
    [{ finalized: true }, 'finalized'],
    [{ initialized: true, started: true, ended: true, finalized: true }, 'finalized'],
  ];
  it.each(ROWS)('%j → %s', (partial, phase) => {
    expect(phaseOf({ initialized: false, started: false, ended: false, finalized: false, ...partial })).toBe(phase);
  });
});
