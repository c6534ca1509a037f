/**
 * The modifier lifecycle (lifecycle.md §3) as an XState v5 machine: pure data plus guards, no I/O.
 *
 * Two kinds of events:
 * - **Decisions** (`initialize`, `fakeBatchStart`, `initializeReturned`, `finalize`, `finalizeReturned`,
 *   `update`, `afterOnEvent`) never change state. Their transitions name, as actions, the hooks to call
 *   and the flags to set, in order; `reject*` actions name the error to throw. `Modifier` asks the
 *   machine (through the pure `transition()`, compiled once into a table for the hot path) and
 *   executes the plan.
 * - **Marks** (`markInitialized`, `markStarted`, `markEnded`, `markFinalized`) set one flag and move
 *   the actor to the derived phase. Only marks reach the live actor, so the actor's state is the
 *   source of truth for `phase` while events that change nothing never touch it.
 *
 * The four flags are independent (Q27: ended without started, started while uninitialized), so they
 * live in context; the state value is the phase derived from them.
 */
import { assign, not, setup } from 'xstate';

export type ModifierPhase = 'uninitialized' | 'initialized' | 'started' | 'ended' | 'finalized';

export interface ModifierFlags {
  initialized: boolean;
  started: boolean;
  ended: boolean;
  finalized: boolean;
}

/** What `afterOnEvent` needs to know about the incoming event: its kind and the schedule's verdicts. */
export type EventKind = 'batchStart' | 'batchEnd' | 'other';

export type ModifierMachineEvent =
  | { type: 'initialize' }
  | { type: 'initializeReturned'; succeeded: boolean }
  | { type: 'fakeBatchStart'; shouldStart: boolean }
  | { type: 'finalize' }
  | { type: 'finalizeReturned'; succeeded: boolean }
  | { type: 'update' }
  | { type: 'afterOnEvent'; kind: EventKind; shouldStart: boolean; shouldEnd: boolean }
  | { type: 'markInitialized' }
  | { type: 'markStarted' }
  | { type: 'markEnded' }
  | { type: 'markFinalized' };

/** The hook and mark steps a decision can plan, in the order the spec calls them. */
export type PlanStep =
  | 'onInitialize'
  | 'onStart'
  | 'onUpdate'
  | 'onEnd'
  | 'onEvent'
  | 'onFinalize'
  | 'markInitialized'
  | 'markStarted'
  | 'markEnded'
  | 'markFinalized';

/** The errors a decision can plan instead (lifecycle.md §10 IDs). */
export type RejectStep =
  | 'rejectAlreadyInitialized' // E10
  | 'rejectInitializeFinalized' // E11
  | 'rejectFinalizeTwice' // E12
  | 'rejectFinalizeUninitialized' // E13
  | 'rejectUpdateUninitialized' // E14
  | 'rejectUpdateFinalized'; // E15

const noop = () => {};

export const modifierMachine = setup({
  types: {
    context: {} as ModifierFlags,
    events: {} as ModifierMachineEvent,
  },
  guards: {
    isInitialized: ({ context }) => context.initialized,
    isFinalized: ({ context }) => context.finalized,
    isStarted: ({ context }) => context.started,
    isEnded: ({ context }) => context.ended,
    /** §3.2 step 2: a falsy `onInitialize` leaves the modifier uninitialized. */
    onInitializeSucceeded: ({ event }) => event.type === 'initializeReturned' && event.succeeded,
    onFinalizeSucceeded: ({ event }) => event.type === 'finalizeReturned' && event.succeeded,
    /** §3.4, evaluated by the modifier on the event (or the fake event at initialize). */
    shouldStart: ({ event }) => (event.type === 'afterOnEvent' || event.type === 'fakeBatchStart') && event.shouldStart,
    shouldEnd: ({ event }) => event.type === 'afterOnEvent' && event.shouldEnd,
    isBatchStart: ({ event }) => event.type === 'afterOnEvent' && event.kind === 'batchStart',
    isBatchEnd: ({ event }) => event.type === 'afterOnEvent' && event.kind === 'batchEnd',
    /** §3.3 step 3: BATCH_START starts a not-started modifier whose schedule says so. */
    startsNow: ({ context, event }) =>
      event.type === 'afterOnEvent' && event.kind === 'batchStart' && !context.started && event.shouldStart,
    /** §3.3 step 4 (Q8): BATCH_END ends a not-ended modifier on schedule, started or not. */
    endsNow: ({ context, event }) =>
      event.type === 'afterOnEvent' && event.kind === 'batchEnd' && !context.ended && event.shouldEnd,
    /** §3.3 step 5 (Q7): anything else updates a started, not-ended modifier, calibration events included. */
    isActive: ({ context }) => context.started && !context.ended,
  },
  actions: {
    // Hooks: planned here, called by `Modifier`.
    onInitialize: noop,
    onStart: noop,
    onUpdate: noop,
    onEnd: noop,
    onEvent: noop,
    onFinalize: noop,
    // Flag changes: planned by decisions, applied to the actor as mark events.
    markInitialized: noop,
    markStarted: noop,
    markEnded: noop,
    markFinalized: noop,
    // Errors: planned here, thrown by `Modifier` with the spec's text.
    rejectAlreadyInitialized: noop,
    rejectInitializeFinalized: noop,
    rejectFinalizeTwice: noop,
    rejectFinalizeUninitialized: noop,
    rejectUpdateUninitialized: noop,
    rejectUpdateFinalized: noop,
  },
}).createMachine({
  id: 'modifier',
  context: { initialized: false, started: false, ended: false, finalized: false },
  initial: 'uninitialized',
  on: {
    // §3.2 initialize: "twice" before "after finalize".
    initialize: [
      { guard: 'isInitialized', actions: 'rejectAlreadyInitialized' },
      { guard: 'isFinalized', actions: 'rejectInitializeFinalized' },
      { actions: 'onInitialize' },
    ],
    initializeReturned: [{ guard: 'onInitializeSucceeded', actions: 'markInitialized' }],
    // §3.2 step 3 (Q6): the fake BATCH_START at step 0 runs whatever onInitialize returned.
    fakeBatchStart: [{ guard: 'shouldStart', actions: ['onStart', 'markStarted'] }],
    // §3.2 finalize: "twice" comes first.
    finalize: [
      { guard: 'isFinalized', actions: 'rejectFinalizeTwice' },
      { guard: 'isInitialized', actions: 'onFinalize' },
      { actions: 'rejectFinalizeUninitialized' },
    ],
    finalizeReturned: [{ guard: 'onFinalizeSucceeded', actions: 'markFinalized' }],
    // §3.3 steps 1–2.
    update: [
      { guard: not('isInitialized'), actions: 'rejectUpdateUninitialized' },
      { guard: 'isFinalized', actions: 'rejectUpdateFinalized' },
      { actions: 'onEvent' },
    ],
    // §3.3 steps 3–5, with the flags as they are after onEvent.
    afterOnEvent: [
      { guard: 'startsNow', actions: ['onStart', 'markStarted', 'onUpdate'] },
      { guard: 'endsNow', actions: ['onEnd', 'markEnded', 'onUpdate'] },
      { guard: 'isActive', actions: 'onUpdate' },
    ],
    markInitialized: { actions: assign({ initialized: true }), target: '.route' },
    markStarted: { actions: assign({ started: true }), target: '.route' },
    markEnded: { actions: assign({ ended: true }), target: '.route' },
    markFinalized: { actions: assign({ finalized: true }), target: '.route' },
  },
  states: {
    /** Transient: picks the phase the flags imply (§3.1), most advanced first. */
    route: {
      always: [
        { guard: 'isFinalized', target: 'finalized' },
        { guard: 'isEnded', target: 'ended' },
        { guard: 'isStarted', target: 'started' },
        { guard: 'isInitialized', target: 'initialized' },
        { target: 'uninitialized' },
      ],
    },
    uninitialized: {},
    initialized: {},
    started: {},
    ended: {},
    finalized: {},
  },
});

export type ModifierMachine = typeof modifierMachine;

/** The phase implied by a set of flags (§3.1): the same rule as the `route` state. */
export function phaseOf(flags: ModifierFlags): ModifierPhase {
  if (flags.finalized) return 'finalized';
  if (flags.ended) return 'ended';
  if (flags.started) return 'started';
  if (flags.initialized) return 'initialized';
  return 'uninitialized';
}
