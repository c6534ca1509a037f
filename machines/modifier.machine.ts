/**
 * The modifier lifecycle (lifecycle.md §3) as an XState v5 machine: pure data plus guards, no I/O.
 *
 * Each reachable combination of the four flags (§3.1, Q27) is a state, named by its phase and, where a
 * phase holds more than one combination, by how it got there: started before `initialize` succeeded
 * (Q6), ended without ever starting (Q8), finalized from each of the phases before it. Flag sets no
 * sequence of calls can reach (finalized but never initialized, ended but uninitialized…) have no
 * state. The states are flat, so any renderer draws the lifecycle as it is; `PHASE_OF` names each
 * state's phase.
 *
 * Events are the modifier's calls, carrying what the call learns on the way: `initialize` the
 * value `onInitialize` returned and `shouldStart` of the fake BATCH_START; `updateEvent` the event's
 * kind and the schedule's verdicts; `finalize` what `onFinalize` returned; `startItself` /
 * `endItself` a calibration-driven modifier starting or ending itself from one of its hooks (§3.3).
 * A transition's actions are the hooks it calls and the flags it sets, in the spec's order; a
 * `reject*` action names the error to throw. `Modifier` runs them (see `modifier.plan.ts` for how
 * the hook results reach the guards without asking the machine twice per step).
 */
import { and, setup } from 'xstate';

export type ModifierPhase = 'uninitialized' | 'initialized' | 'started' | 'ended' | 'finalized';

export interface ModifierFlags {
  initialized: boolean;
  started: boolean;
  ended: boolean;
  finalized: boolean;
}

/** What the machine needs to know about an incoming event: BATCH_START, BATCH_END or anything else. */
export type EventKind = 'batchStart' | 'batchEnd' | 'other';

export type ModifierMachineEvent =
  | { type: 'initialize'; succeeded: boolean; shouldStart: boolean }
  | { type: 'updateEvent'; kind: EventKind; shouldStart: boolean; shouldEnd: boolean }
  | { type: 'finalize'; succeeded: boolean }
  | { type: 'startItself' }
  | { type: 'endItself' };

/** The hooks and flag changes a transition can name, in the order the spec calls them. */
export type PlanStep =
  | 'onInitialize'
  | 'onEvent'
  | 'onFinalize'
  | 'onStart'
  | 'onUpdate'
  | 'onEnd'
  | 'markInitialized'
  | 'markStarted'
  | 'markEnded'
  | 'markFinalized';

/** The errors a transition can name instead (lifecycle.md §10 IDs). */
export type RejectStep =
  | 'rejectAlreadyInitialized' // E10
  | 'rejectFinalizeTwice' // E12
  | 'rejectFinalizeUninitialized' // E13
  | 'rejectUpdateUninitialized' // E14
  | 'rejectUpdateFinalized'; // E15
// E11 ("already finalized") has no transition: finalizing needs `initialized`, and E10 is checked first.

/** The states with the flags each one holds. */
export const STATE_FLAGS = {
  uninitialized: { initialized: false, started: false, ended: false, finalized: false },
  initialized: { initialized: true, started: false, ended: false, finalized: false },
  startedBeforeInitialize: { initialized: false, started: true, ended: false, finalized: false },
  started: { initialized: true, started: true, ended: false, finalized: false },
  endedWithoutStart: { initialized: true, started: false, ended: true, finalized: false },
  ended: { initialized: true, started: true, ended: true, finalized: false },
  finalized: { initialized: true, started: false, ended: false, finalized: true },
  finalizedStarted: { initialized: true, started: true, ended: false, finalized: true },
  finalizedEndedWithoutStart: { initialized: true, started: false, ended: true, finalized: true },
  finalizedEnded: { initialized: true, started: true, ended: true, finalized: true },
} as const satisfies Record<string, ModifierFlags>;

export type ModifierStateName = keyof typeof STATE_FLAGS;

/** Each state's phase (§3.1: the most advanced flag wins). */
export const PHASE_OF: Readonly<Record<ModifierStateName, ModifierPhase>> = {
  uninitialized: 'uninitialized',
  initialized: 'initialized',
  startedBeforeInitialize: 'started',
  started: 'started',
  endedWithoutStart: 'ended',
  ended: 'ended',
  finalized: 'finalized',
  finalizedStarted: 'finalized',
  finalizedEndedWithoutStart: 'finalized',
  finalizedEnded: 'finalized',
};

const noop = () => {};

/** §3.2 / §3.3 step 1: the errors, one transition each. */
const alreadyInitialized = { actions: 'rejectAlreadyInitialized' } as const;
const finalizeUninitialized = { actions: 'rejectFinalizeUninitialized' } as const;
const updateUninitialized = { actions: 'rejectUpdateUninitialized' } as const;
/** A finalized modifier refuses every call (§3.2, §3.3 step 1). */
const finalizedRefusals = {
  initialize: alreadyInitialized,
  finalize: { actions: 'rejectFinalizeTwice' },
  updateEvent: { actions: 'rejectUpdateFinalized' },
} as const;

/** §3.2 finalize of an initialized modifier: `finalized` follows what onFinalize returned. */
const finalizeTo = (target: ModifierStateName) => [
  { guard: 'onFinalizeSucceeded', target, actions: ['onFinalize', 'markFinalized'] },
  { actions: 'onFinalize' },
] as const;

const startsAtBatchStart = and(['isBatchStart', 'shouldStart']);
const endsAtBatchEnd = and(['isBatchEnd', 'shouldEnd']);

export const modifierMachine = setup({
  types: {
    events: {} as ModifierMachineEvent,
  },
  guards: {
    /** §3.2 step 2: a falsy `onInitialize` leaves the modifier uninitialized. */
    onInitializeSucceeded: ({ event }) => event.type === 'initialize' && event.succeeded,
    /** §3.2 step 2 of finalize: a falsy `onFinalize` leaves the modifier unfinalized. */
    onFinalizeSucceeded: ({ event }) => event.type === 'finalize' && event.succeeded,
    /** §3.4, on the fake BATCH_START at initialize or on the incoming event. */
    shouldStart: ({ event }) => (event.type === 'initialize' || event.type === 'updateEvent') && event.shouldStart,
    /** §3.4: ignores `start` and `started` (Q8). */
    shouldEnd: ({ event }) => event.type === 'updateEvent' && event.shouldEnd,
    isBatchStart: ({ event }) => event.type === 'updateEvent' && event.kind === 'batchStart',
    isBatchEnd: ({ event }) => event.type === 'updateEvent' && event.kind === 'batchEnd',
  },
  actions: {
    // Hooks: named here, called by `Modifier`.
    onInitialize: noop,
    onEvent: noop,
    onFinalize: noop,
    onStart: noop,
    onUpdate: noop,
    onEnd: noop,
    // Flag changes: the moment within the transition at which its flag becomes true.
    markInitialized: noop,
    markStarted: noop,
    markEnded: noop,
    markFinalized: noop,
    // Errors: thrown by `Modifier` with the spec's text.
    rejectAlreadyInitialized: noop,
    rejectFinalizeTwice: noop,
    rejectFinalizeUninitialized: noop,
    rejectUpdateUninitialized: noop,
    rejectUpdateFinalized: noop,
  },
}).createMachine({
  id: 'modifier',
  initial: 'uninitialized',
  states: {
    uninitialized: {
      on: {
        // §3.2: onInitialize, then the fake BATCH_START at step 0, which runs whatever onInitialize returned (Q6).
        initialize: [
          { guard: and(['onInitializeSucceeded', 'shouldStart']), target: 'started', actions: ['onInitialize', 'markInitialized', 'onStart', 'markStarted'] },
          { guard: 'onInitializeSucceeded', target: 'initialized', actions: ['onInitialize', 'markInitialized'] },
          { guard: 'shouldStart', target: 'startedBeforeInitialize', actions: ['onInitialize', 'onStart', 'markStarted'] },
          { actions: 'onInitialize' },
        ],
        finalize: finalizeUninitialized,
        updateEvent: updateUninitialized,
      },
    },
    initialized: {
      on: {
        initialize: alreadyInitialized,
        finalize: finalizeTo('finalized'),
        // §3.3: onEvent first; BATCH_START on schedule starts (step 3), BATCH_END on schedule ends even
        // a modifier that never started (step 4, Q8); nothing else touches a modifier that is not running.
        updateEvent: [
          { guard: startsAtBatchStart, target: 'started', actions: ['onEvent', 'onStart', 'markStarted', 'onUpdate'] },
          { guard: endsAtBatchEnd, target: 'endedWithoutStart', actions: ['onEvent', 'onEnd', 'markEnded', 'onUpdate'] },
          { actions: 'onEvent' },
        ],
        // §3.1: a self-started modifier is started from the moment its onStart begins.
        startItself: { target: 'started', actions: ['markStarted', 'onStart'] },
        endItself: { target: 'endedWithoutStart', actions: ['markEnded', 'onEnd'] },
      },
    },
    /** Q6: onInitialize returned false, but the fake BATCH_START was on schedule. */
    startedBeforeInitialize: {
      on: {
        initialize: [
          { guard: and(['onInitializeSucceeded', 'shouldStart']), target: 'started', actions: ['onInitialize', 'markInitialized', 'onStart', 'markStarted'] },
          { guard: 'onInitializeSucceeded', target: 'started', actions: ['onInitialize', 'markInitialized'] },
          { guard: 'shouldStart', actions: ['onInitialize', 'onStart', 'markStarted'] },
          { actions: 'onInitialize' },
        ],
        finalize: finalizeUninitialized,
        updateEvent: updateUninitialized,
      },
    },
    started: {
      on: {
        initialize: alreadyInitialized,
        finalize: finalizeTo('finalizedStarted'),
        // §3.3 step 4, then step 5 (Q7: calibration events update a running modifier too).
        updateEvent: [
          { guard: endsAtBatchEnd, target: 'ended', actions: ['onEvent', 'onEnd', 'markEnded', 'onUpdate'] },
          { actions: ['onEvent', 'onUpdate'] },
        ],
        endItself: { target: 'ended', actions: ['markEnded', 'onEnd'] },
      },
    },
    /** Q8: BATCH_END on schedule ended a modifier that never started. */
    endedWithoutStart: {
      on: {
        initialize: alreadyInitialized,
        finalize: finalizeTo('finalizedEndedWithoutStart'),
        // §3.3 step 3 still applies: a later BATCH_START on schedule starts it (and updates it once).
        updateEvent: [
          { guard: startsAtBatchStart, target: 'ended', actions: ['onEvent', 'onStart', 'markStarted', 'onUpdate'] },
          { actions: 'onEvent' },
        ],
        startItself: { target: 'ended', actions: ['markStarted', 'onStart'] },
      },
    },
    ended: {
      on: {
        initialize: alreadyInitialized,
        finalize: finalizeTo('finalizedEnded'),
        updateEvent: { actions: 'onEvent' },
      },
    },
    // §3.2, Q9: finalize never ends a modifier; each finalized state keeps the flags it had.
    finalized: { on: finalizedRefusals },
    finalizedStarted: { on: finalizedRefusals },
    finalizedEndedWithoutStart: { on: finalizedRefusals },
    finalizedEnded: { on: finalizedRefusals },
  },
});

type ModifierMachine = typeof modifierMachine;

/** The phase implied by a set of flags (§3.1): the most advanced flag wins. */
export function phaseOf(flags: ModifierFlags): ModifierPhase {
  if (flags.finalized) return 'finalized';
  if (flags.ended) return 'ended';
  if (flags.started) return 'started';
  if (flags.initialized) return 'initialized';
  return 'uninitialized';
}
