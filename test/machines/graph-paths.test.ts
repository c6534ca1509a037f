/**
 * Model-based tests generated from the machines' graphs (issue 9 item 5): `@xstate/graph` gives the
 * shortest path to every state; each path followed by each event reaches every transition of every
 * machine (checked below against the machines' own transition lists). Each generated path is then
 * replayed against the real thing — a `Modifier`, a `CompressionLifecycle` — step by step: the hooks
 * called, the errors thrown and the state reached must be the ones the machine's transition names.
 */
import { describe, expect, it } from 'vitest';
import { getShortestPaths } from '@xstate/graph';
import { transition, type AnyStateMachine, type AnyStateNode } from 'xstate';
import { modifierMachine, type ModifierMachineEvent } from '../../machines/modifier.machine.ts';
import { MACHINE_EVENTS, stateNameOf, type Step } from '../../machines/modifier.plan.ts';
import { lifecycleOrderMachine, ORDERED } from '../../machines/lifecycle.machine.ts';
import { Event, EventType } from '../../src/core/events.ts';
import { State } from '../../src/core/state.ts';
import { EventOrderError } from '../../src/core/lifecycleErrors.ts';
import {
  ModifierAlreadyInitializedError,
  ModifierFinalizeTwiceError,
  ModifierFinalizeUninitializedError,
  ModifierUpdateFinalizedError,
  ModifierUpdateUninitializedError,
} from '../../src/core/lifecycleErrors.ts';
import { CompressionLifecycle } from '../../src/lifecycle/lifecycle.ts';
import { TestModifier } from '../helpers/testModifier.ts';

/** Every transition definition a machine declares, on every state node (root included). */
function declaredTransitions(machine: AnyStateMachine): Set<unknown> {
  const all = new Set<unknown>();
  const walk = (node: AnyStateNode) => {
    for (const defs of node.transitions.values()) for (const d of defs) all.add(d);
    for (const child of Object.values(node.states)) walk(child);
  };
  walk(machine.root);
  return all;
}

/** Shortest path to each state, then one more step with each event: every edge of the graph. */
function pathsWithEveryEvent<E extends { type: string }>(machine: AnyStateMachine, events: readonly E[]) {
  const paths = getShortestPaths(machine, { events: events as never });
  return paths.flatMap((p) => {
    const steps = p.steps.map((s) => s.event as E).filter((e) => !e.type.startsWith('xstate.'));
    return events.map((last) => [...steps, last]);
  });
}

function coverage(machine: AnyStateMachine, paths: readonly (readonly { type: string }[])[]): { taken: Set<unknown>; declared: Set<unknown> } {
  const taken = new Set<unknown>();
  for (const path of paths) {
    let snap = machine.getInitialSnapshot(undefined as never, undefined);
    for (const e of path) {
      for (const d of machine.getTransitionData(snap as never, e as never)) taken.add(d);
      snap = transition(machine, snap, e as never)[0];
    }
  }
  return { taken, declared: declaredTransitions(machine) };
}

const label = (path: readonly { type: string }[]) => path.map((e) => JSON.stringify(e)).join(' → ');

// ---- the modifier machine against Modifier ------------------------------------------------------

const MODIFIER_PATHS = pathsWithEveryEvent(modifierMachine, MACHINE_EVENTS);

const EVENT_TYPE = { batchStart: EventType.BATCH_START, batchEnd: EventType.BATCH_END, other: EventType.OPTIM_PRE_STEP } as const;

const REJECTIONS: Partial<Record<Step, new () => Error>> = {
  rejectAlreadyInitialized: ModifierAlreadyInitializedError,
  rejectFinalizeTwice: ModifierFinalizeTwiceError,
  rejectFinalizeUninitialized: ModifierFinalizeUninitializedError,
  rejectUpdateUninitialized: ModifierUpdateUninitializedError,
  rejectUpdateFinalized: ModifierUpdateFinalizedError,
};

/**
 * Makes the real modifier's call carry the event's verdicts (schedule fields chosen so that
 * `shouldStart` / `shouldEnd` at step 0 say what the event says), and returns the event the
 * modifier will actually see: verdicts it never consults are false.
 */
function perform(m: TestModifier, e: ModifierMachineEvent): ModifierMachineEvent {
  const state = new State();
  switch (e.type) {
    case 'initialize':
      m.initResult = e.succeeded;
      m.start = e.shouldStart ? 0 : null;
      m.end = null;
      m.initialize(state);
      return e;
    case 'finalize':
      m.finalizeResult = e.succeeded;
      m.finalize(state);
      return e;
    case 'updateEvent': {
      const shouldStart = e.kind === 'batchStart' && e.shouldStart;
      const shouldEnd = e.kind === 'batchEnd' && e.shouldEnd;
      m.start = shouldStart ? 0 : null;
      m.end = shouldEnd ? 0 : null;
      m.updateEvent(state, new Event({ type: EVENT_TYPE[e.kind], globalStep: 0 }));
      return { ...e, shouldStart, shouldEnd };
    }
    case 'startItself':
      m.selfStart();
      return e;
    case 'endItself':
      m.selfEnd();
      return e;
  }
}

describe('modifier machine: graph paths', () => {
  it('the paths reach every transition the machine declares', () => {
    const { taken, declared } = coverage(modifierMachine, MODIFIER_PATHS);
    expect(declared.size).toBeGreaterThan(30);
    expect([...declared].filter((d) => !taken.has(d))).toEqual([]);
  });

  it.each(MODIFIER_PATHS.map((p) => [label(p), p] as const))('a Modifier follows %s', (_label, path) => {
    const m = new TestModifier();
    let snap = modifierMachine.getInitialSnapshot(undefined as never, undefined);
    for (const e of path) {
      // Arrange
      m.calls = [];
      const [asGiven] = transition(modifierMachine, snap, e);
      let error: unknown;
      // Act
      let seen: ModifierMachineEvent = e;
      try {
        seen = perform(m, e);
      } catch (err) {
        error = err;
      }
      // Assert: the hooks and the error the machine names, and the state it reaches.
      const [next, actions] = transition(modifierMachine, snap, seen);
      const steps = actions.map((a) => a.type as Step);
      const reject = steps.find((s) => s.startsWith('reject'));
      if (reject) expect(error, JSON.stringify(e)).toBeInstanceOf(REJECTIONS[reject]);
      else expect(error, JSON.stringify(e)).toBeUndefined();
      expect(m.hooks, JSON.stringify(e)).toEqual(steps.filter((s) => s.startsWith('on')));
      expect(m.stateName, JSON.stringify(e)).toBe(stateNameOf(next));
      expect(stateNameOf(asGiven), 'verdicts the modifier never consults change nothing').toBe(stateNameOf(next));
      snap = next;
    }
  });
});

// ---- the order machine against CompressionLifecycle ---------------------------------------------

const ORDER_EVENTS = [...ORDERED, 'calibration_epoch_start', 'sequential_epoch_end', 'calibration_epoch_end'].map((type) => ({ type }));
const ORDER_PATHS = pathsWithEveryEvent(lifecycleOrderMachine, ORDER_EVENTS);

describe('order machine: graph paths', () => {
  it('the paths reach every transition the machine declares', () => {
    const { taken, declared } = coverage(lifecycleOrderMachine, ORDER_PATHS);
    expect(declared.size).toBe(ORDERED.length * ORDERED.length + 1);
    expect([...declared].filter((d) => !taken.has(d))).toEqual([]);
  });

  it.each(ORDER_PATHS.map((p) => [label(p), p] as const))('a CompressionLifecycle follows %s', (_label, path) => {
    const lc = new CompressionLifecycle();
    lc.initialize({});
    let snap = lifecycleOrderMachine.getInitialSnapshot(undefined as never, undefined);
    for (const e of path) {
      const [next, actions] = transition(lifecycleOrderMachine, snap, e);
      const accepted = actions.some((a) => a.type === 'accept');
      const call = () => lc.event(e.type as EventType, { loss: 1 });
      if (accepted) expect(call, e.type).not.toThrow();
      else expect(call, e.type).toThrow(EventOrderError);
      expect(lc.lastEventType, e.type).toBe(next.value);
      snap = next;
    }
  });
});
