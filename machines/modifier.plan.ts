/**
 * Plans from the modifier machine, compiled once for the hot path.
 *
 * Asking XState for every event of every modifier would dominate a training loop, so the machine is
 * walked once with the pure `transition()` over its whole input space (every leaf state × every
 * event with every verdict) into one flat table: `plans[state * EVENT_CODES + code]` is the ordered
 * list of steps the chosen transition names, `targets[…]` the state it reaches. The table is the
 * machine, not a second copy of its rules (`test/machines` proves it equal to `transition()`).
 *
 * A call learns some inputs only on the way (what `onInitialize` returned; the flags after `onEvent`,
 * which may have started the modifier itself). Every plan of a call begins with the same step (the
 * call's own hook, or its error), so `Modifier` looks the plan up with the verdicts it does not know
 * yet, runs that first step, then looks it up again with what it learned and goes on from step 2.
 * `needs` says which schedule verdicts can change an `updateEvent` plan, so the schedule is consulted
 * only where the machine would look at it.
 */
import { transition, type SnapshotFrom } from 'xstate';
import {
  modifierMachine,
  STATE_FLAGS,
  type EventKind,
  type ModifierFlags,
  type ModifierMachineEvent,
  type ModifierStateName,
  type PlanStep,
  type RejectStep,
} from './modifier.machine.ts';

export type Step = PlanStep | RejectStep;
type Snapshot = SnapshotFrom<typeof modifierMachine>;

export const EVENT_KINDS: readonly EventKind[] = ['batchStart', 'batchEnd', 'other'];
export const KIND_BATCH_START = 0;
export const KIND_BATCH_END = 1;
export const KIND_OTHER = 2;

/** The states in a fixed order; a modifier's state is an index into this list. */
export const STATE_NAMES = Object.keys(STATE_FLAGS) as ModifierStateName[];

export function flagsBits(f: ModifierFlags): number {
  return (f.initialized ? 1 : 0) | (f.started ? 2 : 0) | (f.ended ? 4 : 0) | (f.finalized ? 8 : 0);
}

export function flagsFromBits(bits: number): ModifierFlags {
  return { initialized: (bits & 1) !== 0, started: (bits & 2) !== 0, ended: (bits & 4) !== 0, finalized: (bits & 8) !== 0 };
}

/** STATE_BITS[state]: the state's flags as bits (initialized 1, started 2, ended 4, finalized 8). */
export const STATE_BITS = Uint8Array.from(STATE_NAMES, (p) => flagsBits(STATE_FLAGS[p]));
/** STATE_AT_BITS[bits]: the state holding those flags, or -1 where no state does. */
export const STATE_AT_BITS = Int8Array.from({ length: 16 }, (_, bits) => STATE_BITS.indexOf(bits));

// ---- event codes: every machine event with every verdict, as a small integer ------------------

export const initializeCode = (succeeded: boolean, shouldStart: boolean): number => (succeeded ? 2 : 0) + (shouldStart ? 1 : 0);
export const finalizeCode = (succeeded: boolean): number => 4 + (succeeded ? 1 : 0);
export const updateEventCode = (kind: number, shouldStart: boolean, shouldEnd: boolean): number => 6 + kind * 4 + (shouldStart ? 2 : 0) + (shouldEnd ? 1 : 0);
export const START_ITSELF = 18;
export const END_ITSELF = 19;
export const EVENT_CODES = 20;

const BOOLS = [false, true] as const;

/** MACHINE_EVENTS[code]: the machine event each code stands for. */
export const MACHINE_EVENTS: readonly ModifierMachineEvent[] = (() => {
  const events: ModifierMachineEvent[] = [];
  for (const succeeded of BOOLS) for (const shouldStart of BOOLS) events[initializeCode(succeeded, shouldStart)] = { type: 'initialize', succeeded, shouldStart };
  for (const succeeded of BOOLS) events[finalizeCode(succeeded)] = { type: 'finalize', succeeded };
  EVENT_KINDS.forEach((kind, k) => {
    for (const shouldStart of BOOLS) for (const shouldEnd of BOOLS) events[updateEventCode(k, shouldStart, shouldEnd)] = { type: 'updateEvent', kind, shouldStart, shouldEnd };
  });
  events[START_ITSELF] = { type: 'startItself' };
  events[END_ITSELF] = { type: 'endItself' };
  return events;
})();

// ---- walking the machine -------------------------------------------------------------------

/** The machine's snapshot in a state. */
export function snapshotAt(name: ModifierStateName): Snapshot {
  return modifierMachine.resolveState({ value: name, context: {} } as never);
}

/** The state name of a snapshot. */
export function stateNameOf(snapshot: Snapshot): ModifierStateName {
  return snapshot.value as ModifierStateName;
}

export interface Plan {
  steps: Step[];
  target: ModifierStateName;
}

/** The steps the machine's transition names for `event` in state `name`, in order, and where it goes. Pure. */
export function planFor(name: ModifierStateName, event: ModifierMachineEvent): Plan {
  const [next, actions] = transition(modifierMachine, snapshotAt(name), event);
  return { steps: actions.map((a) => a.type as Step).filter((t) => !t.startsWith('xstate.')), target: stateNameOf(next) };
}

export interface CompiledPlans {
  /** plans[state * EVENT_CODES + code] */
  readonly plans: readonly (readonly Step[])[];
  /** targets[state * EVENT_CODES + code]: the state index the transition reaches. */
  readonly targets: Uint8Array;
  /** needs[state * 3 + kind] for `updateEvent`: bit 1 = shouldStart matters, bit 2 = shouldEnd matters. */
  readonly needs: Uint8Array;
}

const sameSteps = (a: readonly Step[], b: readonly Step[]) => a.length === b.length && a.every((s, i) => s === b[i]);

let compiled: CompiledPlans | undefined;

export function compiledPlans(): CompiledPlans {
  if (compiled) return compiled;
  const plans: Step[][] = [];
  const targets = new Uint8Array(STATE_NAMES.length * EVENT_CODES);
  const needs = new Uint8Array(STATE_NAMES.length * 3);
  STATE_NAMES.forEach((path, s) => {
    MACHINE_EVENTS.forEach((event, code) => {
      const plan = planFor(path, event);
      plans[s * EVENT_CODES + code] = plan.steps;
      targets[s * EVENT_CODES + code] = STATE_NAMES.indexOf(plan.target);
    });
    EVENT_KINDS.forEach((_kind, k) => {
      const p = (st: boolean, en: boolean) => plans[s * EVENT_CODES + updateEventCode(k, st, en)];
      const startMatters = !sameSteps(p(false, false), p(true, false)) || !sameSteps(p(false, true), p(true, true));
      const endMatters = !sameSteps(p(false, false), p(false, true)) || !sameSteps(p(true, false), p(true, true));
      needs[s * 3 + k] = (startMatters ? 1 : 0) | (endMatters ? 2 : 0);
    });
  });
  compiled = { plans, targets, needs };
  return compiled;
}
