/**
 * Plans from the modifier machine, for the hot path.
 *
 * A decision event changes nothing; its answer is the ordered list of steps the machine's chosen
 * transition names. Asking XState for every event of every modifier would dominate a training loop,
 * so `afterOnEvent` — the only decision made per event — is compiled once, by running the pure
 * `transition()` over its whole input space (16 flag sets × 3 event kinds × 2 × 2 verdicts). The
 * table is therefore the machine, not a second copy of its rules. The compiler also records, per
 * (flags, kind), which verdicts can change the answer, so `Modifier` calls `shouldStart`/`shouldEnd`
 * only where the machine would look at them.
 */
import { transition, type SnapshotFrom } from 'xstate';
import {
  modifierMachine,
  type EventKind,
  type ModifierFlags,
  type ModifierMachineEvent,
  type PlanStep,
  type RejectStep,
} from './modifier.machine.ts';

export type Step = PlanStep | RejectStep;
type Snapshot = SnapshotFrom<typeof modifierMachine>;

export const EVENT_KINDS: readonly EventKind[] = ['batchStart', 'batchEnd', 'other'];

export function flagsBits(f: ModifierFlags): number {
  return (f.initialized ? 1 : 0) | (f.started ? 2 : 0) | (f.ended ? 4 : 0) | (f.finalized ? 8 : 0);
}

export function flagsFromBits(bits: number): ModifierFlags {
  return { initialized: (bits & 1) !== 0, started: (bits & 2) !== 0, ended: (bits & 4) !== 0, finalized: (bits & 8) !== 0 };
}

/** A snapshot of the machine holding `flags` (reached by marks, as a live actor would reach it). */
export function snapshotWithFlags(flags: ModifierFlags): Snapshot {
  let snap = modifierMachine.resolveState({ value: 'uninitialized', context: { initialized: false, started: false, ended: false, finalized: false } });
  const marks: ModifierMachineEvent[] = [];
  if (flags.initialized) marks.push({ type: 'markInitialized' });
  if (flags.started) marks.push({ type: 'markStarted' });
  if (flags.ended) marks.push({ type: 'markEnded' });
  if (flags.finalized) marks.push({ type: 'markFinalized' });
  for (const m of marks) snap = transition(modifierMachine, snap, m)[0];
  return snap;
}

/** The steps the machine plans for a decision event, in order. Pure. */
export function planFor(flags: ModifierFlags, event: ModifierMachineEvent): Step[] {
  const [, actions] = transition(modifierMachine, snapshotWithFlags(flags), event);
  return actions.map((a) => a.type as Step).filter((t) => !t.startsWith('xstate.'));
}

export interface AfterOnEventTable {
  /** plans[((bits * 3 + kind) * 2 + shouldStart) * 2 + shouldEnd] */
  readonly plans: readonly (readonly Step[])[];
  /** needs[bits * 3 + kind]: bit 1 = shouldStart matters, bit 2 = shouldEnd matters. */
  readonly needs: Uint8Array;
}

function sameSteps(a: readonly Step[], b: readonly Step[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}

let table: AfterOnEventTable | undefined;

export function afterOnEventTable(): AfterOnEventTable {
  if (table) return table;
  const plans: Step[][] = [];
  const needs = new Uint8Array(16 * 3);
  for (let bits = 0; bits < 16; bits++) {
    const flags = flagsFromBits(bits);
    EVENT_KINDS.forEach((kind, k) => {
      const at = (s: boolean, e: boolean) => planFor(flags, { type: 'afterOnEvent', kind, shouldStart: s, shouldEnd: e });
      const p = [at(false, false), at(false, true), at(true, false), at(true, true)];
      plans.push(...p);
      const startMatters = !sameSteps(p[0], p[2]) || !sameSteps(p[1], p[3]);
      const endMatters = !sameSteps(p[0], p[1]) || !sameSteps(p[2], p[3]);
      needs[bits * 3 + k] = (startMatters ? 1 : 0) | (endMatters ? 2 : 0);
    });
  }
  table = { plans, needs };
  return table;
}

export function afterOnEventIndex(bits: number, kind: number, shouldStart: boolean, shouldEnd: boolean): number {
  return ((bits * 3 + kind) * 2 + (shouldStart ? 1 : 0)) * 2 + (shouldEnd ? 1 : 0);
}

const memo = new Map<string, Step[]>();

/**
 * `planFor`, memoised by (flags, event). Every decision event has a finite input space, so the memo
 * is bounded (at most a few hundred entries) and the hot path asks XState once per distinct input.
 */
export function cachedPlan(bits: number, event: ModifierMachineEvent): readonly Step[] {
  const key = `${bits}|${JSON.stringify(event)}`;
  let steps = memo.get(key);
  if (!steps) {
    steps = planFor(flagsFromBits(bits), event);
    memo.set(key, steps);
  }
  return steps;
}

let updateTable: (readonly Step[])[] | undefined;

/** The `update` decision (E14, E15 or onEvent) for each of the 16 flag sets. */
export function updatePlan(bits: number): readonly Step[] {
  updateTable ??= Array.from({ length: 16 }, (_, b) => planFor(flagsFromBits(b), { type: 'update' }));
  return updateTable[bits];
}
