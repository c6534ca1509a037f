/**
 * The modifier machine is the source of truth (lifecycle.md §3.1–§3.3): its transitions, walked with
 * the pure `transition()`, say what the spec says; the compiled tables are exactly the machine.
 */
import { describe, expect, it } from 'vitest';
import { createActor, transition } from 'xstate';
import { modifierMachine, phaseOf, type EventKind, type ModifierFlags, type ModifierMachineEvent } from '../../machines/modifier.machine.ts';
import {
  EVENT_KINDS,
  afterOnEventIndex,
  afterOnEventTable,
  cachedPlan,
  flagsBits,
  flagsFromBits,
  planFor,
  snapshotWithFlags,
  updatePlan,
  type Step,
} from '../../machines/modifier.plan.ts';

const ALL_BITS = Array.from({ length: 16 }, (_, b) => b);
const ALL_FLAGS: ModifierFlags[] = ALL_BITS.map(flagsFromBits);
const BOOLS = [false, true] as const;
const MARKS = ['markInitialized', 'markStarted', 'markEnded', 'markFinalized'] as const;
const MARK_FLAG = { markInitialized: 'initialized', markStarted: 'started', markEnded: 'ended', markFinalized: 'finalized' } as const;

const label = (f: ModifierFlags) =>
  (['initialized', 'started', 'ended', 'finalized'] as const).filter((k) => f[k]).join('+') || 'none';

/** §3.3 steps 3–5, written from the spec text (flags as they are after onEvent). */
function specAfterOnEvent(f: ModifierFlags, kind: EventKind, shouldStart: boolean, shouldEnd: boolean): Step[] {
  if (kind === 'batchStart' && !f.started && shouldStart) return ['onStart', 'markStarted', 'onUpdate'];
  if (kind === 'batchEnd' && !f.ended && shouldEnd) return ['onEnd', 'markEnded', 'onUpdate'];
  if (f.started && !f.ended) return ['onUpdate'];
  return [];
}

/** §3.2 / §3.3 step 1, from the spec text. */
const specInitialize = (f: ModifierFlags): Step[] =>
  f.initialized ? ['rejectAlreadyInitialized'] : f.finalized ? ['rejectInitializeFinalized'] : ['onInitialize'];
const specFinalize = (f: ModifierFlags): Step[] =>
  f.finalized ? ['rejectFinalizeTwice'] : !f.initialized ? ['rejectFinalizeUninitialized'] : ['onFinalize'];
const specUpdate = (f: ModifierFlags): Step[] =>
  !f.initialized ? ['rejectUpdateUninitialized'] : f.finalized ? ['rejectUpdateFinalized'] : ['onEvent'];

describe('flag bits', () => {
  it('round-trips all 16 flag sets', () => {
    for (const b of ALL_BITS) expect(flagsBits(flagsFromBits(b))).toBe(b);
  });
});

describe('afterOnEvent (§3.3 steps 3–5, Q7, Q8)', () => {
  const cases = ALL_FLAGS.flatMap((f) => EVENT_KINDS.flatMap((kind) => BOOLS.flatMap((s) => BOOLS.map((e) => [f, kind, s, e] as const))));

  it('covers 16 flag sets × 3 kinds × 2 × 2 verdicts', () => {
    expect(cases).toHaveLength(192);
    expect(afterOnEventTable().plans).toHaveLength(192);
  });

  it.each(ALL_FLAGS.map((f) => [label(f), f] as const))('walking the compiled table matches the spec for flags %s', (_l, f) => {
    const table = afterOnEventTable();
    for (const kind of EVENT_KINDS) {
      for (const s of BOOLS) {
        for (const e of BOOLS) {
          // Act
          const planned = table.plans[afterOnEventIndex(flagsBits(f), EVENT_KINDS.indexOf(kind), s, e)];
          // Assert
          expect(planned, `${kind} s=${s} e=${e}`).toEqual(specAfterOnEvent(f, kind, s, e));
        }
      }
    }
  });

  it('the compiled table equals fresh planFor results', () => {
    const table = afterOnEventTable();
    for (const b of ALL_BITS) {
      EVENT_KINDS.forEach((kind, k) => {
        for (const s of BOOLS) {
          for (const e of BOOLS) {
            const fresh = planFor(flagsFromBits(b), { type: 'afterOnEvent', kind, shouldStart: s, shouldEnd: e });
            expect(table.plans[afterOnEventIndex(b, k, s, e)]).toEqual(fresh);
          }
        }
      });
    }
  });

  it('needs marks a verdict exactly when it can change the plan', () => {
    const table = afterOnEventTable();
    for (const b of ALL_BITS) {
      EVENT_KINDS.forEach((kind, k) => {
        const f = flagsFromBits(b);
        const p = (s: boolean, e: boolean) => specAfterOnEvent(f, kind, s, e);
        const startMatters = JSON.stringify(p(false, false)) !== JSON.stringify(p(true, false)) || JSON.stringify(p(false, true)) !== JSON.stringify(p(true, true));
        const endMatters = JSON.stringify(p(false, false)) !== JSON.stringify(p(false, true)) || JSON.stringify(p(true, false)) !== JSON.stringify(p(true, true));
        expect(table.needs[b * 3 + k], `${label(f)} ${kind}`).toBe((startMatters ? 1 : 0) | (endMatters ? 2 : 0));
      });
    }
  });

  it('only BATCH_START consults shouldStart and only BATCH_END consults shouldEnd', () => {
    const { needs } = afterOnEventTable();
    for (const b of ALL_BITS) {
      expect(needs[b * 3 + 0] & 2).toBe(0);
      expect(needs[b * 3 + 1] & 1).toBe(0);
      expect(needs[b * 3 + 2]).toBe(0);
    }
  });
});

describe('decisions (§3.2, §3.3 step 1–2)', () => {
  /** `decision | rule from the spec` */
  const DECISIONS: [string, (f: ModifierFlags) => ModifierMachineEvent, (f: ModifierFlags) => Step[]][] = [
    ['initialize (E10 before E11)', () => ({ type: 'initialize' }), specInitialize],
    ['finalize (E12 before E13)', () => ({ type: 'finalize' }), specFinalize],
    ['update (E14 before E15)', () => ({ type: 'update' }), specUpdate],
    ['initializeReturned true', () => ({ type: 'initializeReturned', succeeded: true }), () => ['markInitialized']],
    ['initializeReturned false', () => ({ type: 'initializeReturned', succeeded: false }), () => []],
    ['finalizeReturned true', () => ({ type: 'finalizeReturned', succeeded: true }), () => ['markFinalized']],
    ['finalizeReturned false', () => ({ type: 'finalizeReturned', succeeded: false }), () => []],
    // Q6: the fake start runs whatever onInitialize returned.
    ['fakeBatchStart shouldStart', () => ({ type: 'fakeBatchStart', shouldStart: true }), () => ['onStart', 'markStarted']],
    ['fakeBatchStart not shouldStart', () => ({ type: 'fakeBatchStart', shouldStart: false }), () => []],
  ];

  it.each(DECISIONS)('%s plans what the spec says for all 16 flag sets', (_name, event, rule) => {
    for (const f of ALL_FLAGS) expect(planFor(f, event(f)), label(f)).toEqual(rule(f));
  });

  it.each(DECISIONS)('%s changes no state', (_name, event) => {
    for (const f of ALL_FLAGS) {
      const snap = snapshotWithFlags(f);
      const [next] = transition(modifierMachine, snap, event(f));
      expect(next.value).toBe(snap.value);
      expect(next.context).toEqual(snap.context);
    }
  });

  it('updatePlan equals planFor(update) for all 16 flag sets', () => {
    for (const b of ALL_BITS) expect(updatePlan(b)).toEqual(planFor(flagsFromBits(b), { type: 'update' }));
  });

  it('cachedPlan equals planFor, and repeats the same answer', () => {
    const events: ModifierMachineEvent[] = [{ type: 'initialize' }, { type: 'finalize' }, { type: 'fakeBatchStart', shouldStart: true }];
    for (const b of ALL_BITS) {
      for (const e of events) {
        expect(cachedPlan(b, e)).toEqual(planFor(flagsFromBits(b), e));
        expect(cachedPlan(b, e)).toBe(cachedPlan(b, e));
      }
    }
  });
});

describe('marks (§3.1, Q27)', () => {
  it('snapshotWithFlags reaches every flag set in its derived phase', () => {
    for (const f of ALL_FLAGS) {
      const snap = snapshotWithFlags(f);
      expect(snap.context).toEqual(f);
      expect(snap.value).toBe(phaseOf(f));
    }
  });

  it.each(MARKS)('%s from each of the 16 flag sets sets one flag and moves to the derived phase', (mark) => {
    for (const f of ALL_FLAGS) {
      // Arrange
      const expected = { ...f, [MARK_FLAG[mark]]: true };
      // Act
      const [next] = transition(modifierMachine, snapshotWithFlags(f), { type: mark });
      // Assert
      expect(next.context, label(f)).toEqual(expected);
      expect(next.value, label(f)).toBe(phaseOf(expected));
    }
  });

  it('a live actor fed the marks of each flag set sits in its derived phase', () => {
    for (const f of ALL_FLAGS) {
      const actor = createActor(modifierMachine).start();
      for (const mark of MARKS) if (f[MARK_FLAG[mark]]) actor.send({ type: mark });
      expect(actor.getSnapshot().value).toBe(phaseOf(f));
      expect(actor.getSnapshot().context).toEqual(f);
      actor.stop();
    }
  });

  it('marks in any order reach the same phase', () => {
    const actor = createActor(modifierMachine).start();
    actor.send({ type: 'markEnded' });
    expect(actor.getSnapshot().value).toBe('ended');
    actor.send({ type: 'markStarted' });
    expect(actor.getSnapshot().value).toBe('ended');
    actor.send({ type: 'markInitialized' });
    expect(actor.getSnapshot().value).toBe('ended');
    actor.send({ type: 'markFinalized' });
    expect(actor.getSnapshot().value).toBe('finalized');
  });

  it('starts uninitialized with all flags false', () => {
    const actor = createActor(modifierMachine).start();
    expect(actor.getSnapshot().value).toBe('uninitialized');
    expect(actor.getSnapshot().context).toEqual({ initialized: false, started: false, ended: false, finalized: false });
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
