/**
 * The Modifier base class (lifecycle.md §3.1–§3.5; Q6, Q7, Q8, Q9, Q10, Q27; E10–E15, E30).
 * Modifiers are called directly here (no lifecycle), so they behave as in 'default' fidelity.
 */
import { describe, expect, it } from 'vitest';
import { Event, EventType } from '../../src/core/events.ts';
import { State } from '../../src/core/state.ts';
import { RuntimeError, ValueError } from '../../src/core/errors.ts';
import { Modifier, type HookName, type ModifierArgs } from '../../src/modifiers/modifier.ts';
import { PHASE_OF, phaseOf, STATE_FLAGS, type ModifierPhase, type ModifierStateName } from '../../machines/modifier.machine.ts';
import { CalibrationTestModifier, TestModifier } from '../helpers/testModifier.ts';

type Flag = 'initialized' | 'started' | 'ended' | 'finalized';
type Call = { kind: 'initialize' } | { kind: 'finalize' } | { kind: 'event'; type: EventType; globalStep?: number };

const init: Call = { kind: 'initialize' };
const fin: Call = { kind: 'finalize' };
const ev = (type: EventType, globalStep = 0): Call => ({ kind: 'event', type, globalStep });

function perform(m: Modifier, call: Call, state = new State()): void {
  if (call.kind === 'initialize') m.initialize(state, {});
  else if (call.kind === 'finalize') m.finalize(state, {});
  else m.updateEvent(state, new Event({ type: call.type, globalStep: call.globalStep ?? 0 }), {});
}

function flagsOf(m: Modifier): Flag[] {
  return (['initialized', 'started', 'ended', 'finalized'] as const).filter((f) => m[f]);
}

interface TraceRow {
  name: string;
  setup: ModifierArgs;
  calibration?: boolean;
  /** Calls made before the one under test (their hooks are not part of the trace). */
  before: Call[];
  call: Call;
  hooks: HookName[];
  flagsAfter: Flag[];
}

/** The §3.3 hook-call trace table (test modifier, onInitialize true), one row per line. */
const TRACES: TraceRow[] = [
  { name: 'start null: initialize', setup: { start: null }, before: [], call: init, hooks: ['onInitialize'], flagsAfter: ['initialized'] },
  { name: 'start null: BATCH_START never starts by schedule', setup: { start: null }, before: [init], call: ev(EventType.BATCH_START), hooks: ['onEvent'], flagsAfter: ['initialized'] },
  { name: 'start 0: initialize starts on the fake event', setup: { start: 0 }, before: [], call: init, hooks: ['onInitialize', 'onStart'], flagsAfter: ['initialized', 'started'] },
  { name: 'start 0: BATCH_START updates', setup: { start: 0 }, before: [init], call: ev(EventType.BATCH_START), hooks: ['onEvent', 'onUpdate'], flagsAfter: ['initialized', 'started'] },
  { name: 'start 0, end 0: initialize (0 < 0 fails)', setup: { start: 0, end: 0 }, before: [], call: init, hooks: ['onInitialize'], flagsAfter: ['initialized'] },
  { name: 'start 0, end 0: BATCH_END ends a never-started modifier (Q8)', setup: { start: 0, end: 0 }, before: [init], call: ev(EventType.BATCH_END), hooks: ['onEvent', 'onEnd', 'onUpdate'], flagsAfter: ['initialized', 'ended'] },
  { name: 'start 1: BATCH_START at step 1', setup: { start: 1 }, before: [init], call: ev(EventType.BATCH_START, 1), hooks: ['onEvent', 'onStart', 'onUpdate'], flagsAfter: ['initialized', 'started'] },
  { name: 'started calibration modifier: SEQUENTIAL_EPOCH_END (Q7)', setup: {}, calibration: true, before: [init, ev(EventType.CALIBRATION_EPOCH_START)], call: ev(EventType.SEQUENTIAL_EPOCH_END), hooks: ['onEvent', 'onUpdate'], flagsAfter: ['initialized', 'started'] },
];

describe('hook-call traces (§3.3 table)', () => {
  it.each(TRACES)('$name', (row) => {
    // Arrange
    const m = row.calibration ? new CalibrationTestModifier(row.setup) : new TestModifier(row.setup);
    for (const c of row.before) perform(m, c);
    m.calls = [];
    // Act
    perform(m, row.call);
    // Assert
    expect(m.hooks).toEqual(row.hooks);
    expect(flagsOf(m)).toEqual(row.flagsAfter);
  });

  it('onStart at initialize receives the fake BATCH_START event at step 0', () => {
    const m = new TestModifier({ start: 0 });
    m.initialize(new State(), {});
    const start = m.calls.find((c) => c.hook === 'onStart')!;
    expect(start.event).toBeInstanceOf(Event);
    expect(start.event!.type).toBe(EventType.BATCH_START);
    expect(start.event!.globalStep).toBe(0);
    expect(start.event!.currentIndex).toBe(0);
  });

  it('hooks receive the event and the kwargs given to updateEvent', () => {
    const m = new TestModifier({ start: 0 });
    m.initialize(new State(), {});
    m.calls = [];
    const e = new Event({ type: EventType.BATCH_START, globalStep: 2 });
    m.updateEvent(new State(), e, { loss: 3 });
    for (const c of m.calls) {
      expect(c.event).toBe(e);
      expect(c.kwargs.loss).toBe(3);
    }
  });

  it('initialize passes kwargs to onInitialize and onStart', () => {
    const m = new TestModifier({ start: 0 });
    m.initialize(new State(), { model: 'M', foo: 1 });
    expect(m.calls.map((c) => c.kwargs.foo)).toEqual([1, 1]);
  });
});

describe('initialize (§3.2)', () => {
  it('sets initialized from what onInitialize returns', () => {
    const yes = new TestModifier({}, { init: true });
    const no = new TestModifier({}, { init: false });
    yes.initialize(new State());
    no.initialize(new State());
    expect(yes.initialized).toBe(true);
    expect(no.initialized).toBe(false);
  });

  it('Q6: the start check runs even when onInitialize returned false', () => {
    // Arrange
    const m = new TestModifier({ start: 0 }, { init: false });
    // Act
    m.initialize(new State(), {});
    // Assert
    expect(m.hooks).toEqual(['onInitialize', 'onStart']);
    expect(m.initialized).toBe(false);
    expect(m.started).toBe(true);
    expect(m.phase).toBe('started'); // started while uninitialized (Q27)
  });

  it('sets started only after onStart returns (schedule-driven start)', () => {
    const m = new TestModifier({ start: 0 });
    m.initialize(new State());
    const start = m.calls.find((c) => c.hook === 'onStart')!;
    expect(start.flags.started).toBe(false);
    expect(m.started).toBe(true);
  });

  it('a false onInitialize can be retried', () => {
    let result = false;
    const m = new TestModifier({}, { init: () => result });
    m.initialize(new State());
    result = true;
    m.initialize(new State());
    expect(m.hooks).toEqual(['onInitialize', 'onInitialize']);
    expect(m.initialized).toBe(true);
  });

  it('a throwing onInitialize propagates and leaves the flags as they were', () => {
    const m = new TestModifier({ start: 0 }, { init: () => { throw new Error('boom'); } });
    expect(() => m.initialize(new State())).toThrow('boom');
    expect(flagsOf(m)).toEqual([]);
    expect(m.hooks).toEqual(['onInitialize']);
  });
});

describe('finalize (§3.2, Q9)', () => {
  it('sets finalized from what onFinalize returns', () => {
    const yes = new TestModifier({}, { finalize: true });
    const no = new TestModifier({}, { finalize: false });
    for (const m of [yes, no]) {
      m.initialize(new State());
      m.finalize(new State());
    }
    expect(yes.finalized).toBe(true);
    expect(no.finalized).toBe(false);
  });

  it('Q9: never calls onEnd, even for a started modifier', () => {
    // Arrange
    const m = new TestModifier({ start: 0 });
    m.initialize(new State());
    m.calls = [];
    // Act
    m.finalize(new State(), { x: 1 });
    // Assert
    expect(m.hooks).toEqual(['onFinalize']);
    expect(m.calls[0].kwargs.x).toBe(1);
    expect(flagsOf(m)).toEqual(['initialized', 'started', 'finalized']);
    expect(m.ended).toBe(false);
  });

  it('a modifier whose onFinalize returned false may be finalized again', () => {
    let result = false;
    const m = new TestModifier({}, { finalize: () => result });
    m.initialize(new State());
    m.finalize(new State());
    result = true;
    m.finalize(new State());
    expect(m.hooks).toEqual(['onInitialize', 'onFinalize', 'onFinalize']);
    expect(m.finalized).toBe(true);
  });
});

interface ErrorRow {
  id: string;
  text: string;
  setup: (m: TestModifier) => void;
  call: Call;
}

/**
 * E10–E15 (§10): what reaches each, and its exact text. E12/E13 start lower-case (Q10). E11 and the
 * "checked first" orders between E12/E13 and E14/E15 need a modifier finalized but never initialized,
 * which no sequence of calls reaches (the machine has no such state; see test/machines).
 */
const ERRORS: ErrorRow[] = [
  { id: 'E10', text: 'Cannot initialize a modifier that has already been initialized', setup: (m) => perform(m, init), call: init },
  { id: 'E10 (initialized beats finalized)', text: 'Cannot initialize a modifier that has already been initialized', setup: (m) => { perform(m, init); perform(m, fin); }, call: init },
  { id: 'E12', text: 'cannot finalize a modifier twice', setup: (m) => { perform(m, init); perform(m, fin); }, call: fin },
  { id: 'E13', text: 'cannot finalize an uninitialized modifier', setup: () => {}, call: fin },
  { id: 'E13 (onInitialize returned false)', text: 'cannot finalize an uninitialized modifier', setup: (m) => { m.initResult = false; perform(m, init); }, call: fin },
  { id: 'E14', text: 'Cannot update an uninitialized modifier', setup: () => {}, call: ev(EventType.BATCH_START) },
  { id: 'E14 (started while uninitialized, Q6)', text: 'Cannot update an uninitialized modifier', setup: (m) => { m.initResult = false; perform(m, init); }, call: ev(EventType.BATCH_END) },
  { id: 'E15', text: 'Cannot update a finalized modifier', setup: (m) => { perform(m, init); perform(m, fin); }, call: ev(EventType.CALIBRATION_EPOCH_START) },
];

describe('modifier errors E10–E15 (§3.2, §3.3, Q10)', () => {
  it.each(ERRORS)('$id: $text', (row) => {
    // Arrange
    const m = new TestModifier({ start: 0 });
    row.setup(m);
    const before = flagsOf(m);
    m.calls = [];
    // Act
    let caught: unknown;
    try {
      perform(m, row.call);
    } catch (e) {
      caught = e;
    }
    // Assert
    expect(caught).toBeInstanceOf(RuntimeError);
    expect(caught).not.toBeInstanceOf(ValueError);
    expect((caught as Error).message).toBe(row.text);
    expect(m.hooks).toEqual([]); // rejected before any hook
    expect(flagsOf(m)).toEqual(before);
  });
});

describe('updateEvent (§3.3)', () => {
  it('calls onEvent first for every event type', () => {
    const types = Object.values(EventType);
    for (const type of types) {
      const m = new TestModifier({ start: 0 });
      m.initialize(new State());
      m.calls = [];
      m.updateEvent(new State(), new Event({ type }), {});
      expect(m.hooks[0]).toBe('onEvent');
    }
  });

  it('reads the flags after onEvent: a modifier that ends itself in onEvent gets no onUpdate', () => {
    // Arrange
    const m = new TestModifier({ start: 0 });
    m.initialize(new State());
    m.onEventBody = (self) => self.selfEnd();
    m.calls = [];
    // Act
    m.updateEvent(new State(), new Event({ type: EventType.OPTIM_PRE_STEP }), {});
    // Assert
    expect(m.hooks).toEqual(['onEvent', 'onEnd']);
    expect(m.ended).toBe(true);
  });

  it('reads the flags after onEvent: a modifier started in onEvent is not started again on BATCH_START', () => {
    const m = new TestModifier({ start: 0, end: 5 });
    m.initResult = true;
    m.start = null; // not by schedule at initialize
    m.initialize(new State());
    m.start = 0;
    m.onEventBody = (self) => self.selfStart();
    m.calls = [];
    m.updateEvent(new State(), new Event({ type: EventType.BATCH_START }), {});
    expect(m.hooks).toEqual(['onEvent', 'onStart', 'onUpdate']);
  });

  /** `setup | events (after initialize) | hooks of the last event` — steps 3–5 in order. */
  const STEPS: [string, ModifierArgs, Call[], HookName[]][] = [
    ['BATCH_START starts when scheduled', { start: 2 }, [ev(EventType.BATCH_START, 2)], ['onEvent', 'onStart', 'onUpdate']],
    ['BATCH_START before the start does nothing', { start: 2 }, [ev(EventType.BATCH_START, 1)], ['onEvent']],
    ['BATCH_START at the end does not start (c < end)', { start: 2, end: 4 }, [ev(EventType.BATCH_START, 4)], ['onEvent']],
    ['BATCH_END ends a started modifier', { start: 0, end: 3 }, [ev(EventType.BATCH_END, 3)], ['onEvent', 'onEnd', 'onUpdate']],
    ['BATCH_END before end only updates', { start: 0, end: 3 }, [ev(EventType.BATCH_END, 2)], ['onEvent', 'onUpdate']],
    ['a second BATCH_END does not end again', { start: 0, end: 3 }, [ev(EventType.BATCH_END, 3), ev(EventType.BATCH_END, 4)], ['onEvent']],
    ['other ordered types update a started modifier', { start: 0 }, [ev(EventType.LOSS_CALCULATED, 5)], ['onEvent', 'onUpdate']],
    ['BATCH_START of a started modifier updates', { start: 0, end: 3 }, [ev(EventType.BATCH_START, 1)], ['onEvent', 'onUpdate']],
    ['nothing updates after ended', { start: 0, end: 1 }, [ev(EventType.BATCH_END, 1), ev(EventType.OPTIM_POST_STEP, 2)], ['onEvent']],
    ['Q8: BATCH_END with end ≤ c ends a never-started modifier', { end: 1 }, [ev(EventType.BATCH_END, 1)], ['onEvent', 'onEnd', 'onUpdate']],
    ['Q7: calibration events update a started, not-ended modifier', { start: 0 }, [ev(EventType.CALIBRATION_EPOCH_START)], ['onEvent', 'onUpdate']],
  ];
  it.each(STEPS)('%s', (_name, setup, events, hooks) => {
    // Arrange
    const m = new TestModifier(setup);
    m.initialize(new State());
    for (const e of events.slice(0, -1)) perform(m, e);
    m.calls = [];
    // Act
    perform(m, events[events.length - 1]);
    // Assert
    expect(m.hooks).toEqual(hooks);
  });
});

describe('calibration-driven modifiers (§3.3, Q7)', () => {
  /** `event | hooks | started | ended` in a calibration run. */
  const RUN: [EventType, HookName[], boolean, boolean][] = [
    [EventType.CALIBRATION_EPOCH_START, ['onEvent', 'onStart', 'onUpdate'], true, false],
    [EventType.SEQUENTIAL_EPOCH_END, ['onEvent', 'onUpdate'], true, false],
    [EventType.SEQUENTIAL_EPOCH_END, ['onEvent', 'onUpdate'], true, false],
    [EventType.CALIBRATION_EPOCH_END, ['onEvent', 'onEnd'], true, true],
    [EventType.SEQUENTIAL_EPOCH_END, ['onEvent'], true, true],
  ];

  it('start themselves in onEvent, get onUpdate while active, and none after ending', () => {
    // Arrange
    const m = new CalibrationTestModifier();
    m.initialize(new State());
    for (const [type, hooks, started, ended] of RUN) {
      m.calls = [];
      // Act
      m.updateEvent(new State(), new Event({ type }), {});
      // Assert
      expect(m.hooks, type).toEqual(hooks);
      expect([m.started, m.ended], type).toEqual([started, ended]);
    }
  });

  it('started is true from the moment onStart begins; ended from the moment onEnd begins', () => {
    const m = new CalibrationTestModifier();
    m.initialize(new State());
    m.updateEvent(new State(), new Event({ type: EventType.CALIBRATION_EPOCH_START }), {});
    m.updateEvent(new State(), new Event({ type: EventType.CALIBRATION_EPOCH_END }), {});
    expect(m.calls.find((c) => c.hook === 'onStart')!.flags.started).toBe(true);
    expect(m.calls.find((c) => c.hook === 'onEnd')!.flags.ended).toBe(true);
  });
});

describe('startItself / endItself (§3.1, §3.3)', () => {
  it('startItself calls onStart with started already true and moves to started', () => {
    const m = new TestModifier();
    m.initialize(new State());
    m.calls = [];
    m.selfStart();
    expect(m.hooks).toEqual(['onStart']);
    expect(m.calls[0].flags.started).toBe(true);
    expect(m.started).toBe(true);
    expect(m.stateName).toBe('started');
  });

  it('endItself ends a started modifier', () => {
    const m = new TestModifier();
    m.initialize(new State());
    m.selfStart();
    m.selfEnd();
    expect(m.ended).toBe(true);
    expect(m.phase).toBe('ended');
    expect(m.stateName).toBe('ended');
  });

  it('a second startItself / endItself does nothing', () => {
    const m = new TestModifier();
    m.initialize(new State());
    m.calls = [];
    m.selfStart();
    m.selfStart();
    m.selfEnd();
    m.selfEnd();
    expect(m.hooks).toEqual(['onStart', 'onEnd']);
    expect(flagsOf(m)).toEqual(['initialized', 'started', 'ended']);
  });

  it('does nothing before initialize or after finalize', () => {
    const m = new TestModifier();
    m.selfStart();
    m.selfEnd();
    expect(flagsOf(m)).toEqual([]);
    m.initialize(new State());
    m.finalize(new State());
    m.calls = [];
    m.selfStart();
    expect(m.hooks).toEqual([]);
    expect(flagsOf(m)).toEqual(['initialized', 'finalized']);
  });
});

describe('flags and phase (§3.1, Q27)', () => {
  /** `calls | flags | phase`: non-linear combinations included. */
  const PHASES: [string, ModifierArgs, boolean, Call[], Flag[], ModifierPhase][] = [
    ['fresh', {}, true, [], [], 'uninitialized'],
    ['initialized', {}, true, [init], ['initialized'], 'initialized'],
    ['started', { start: 0 }, true, [init], ['initialized', 'started'], 'started'],
    ['started while uninitialized (Q6)', { start: 0 }, false, [init], ['started'], 'started'],
    ['ended without started (Q8)', { end: 0 }, true, [init, ev(EventType.BATCH_END)], ['initialized', 'ended'], 'ended'],
    ['started and ended', { start: 0, end: 1 }, true, [init, ev(EventType.BATCH_END, 1)], ['initialized', 'started', 'ended'], 'ended'],
    ['finalized while started (Q9)', { start: 0 }, true, [init, fin], ['initialized', 'started', 'finalized'], 'finalized'],
    ['finalized', {}, true, [init, fin], ['initialized', 'finalized'], 'finalized'],
  ];
  it.each(PHASES)('%s', (_name, setup, initResult, calls, flags, phase) => {
    // Arrange
    const m = new TestModifier(setup, { init: initResult });
    // Act
    for (const c of calls) perform(m, c);
    // Assert
    expect(flagsOf(m)).toEqual(flags);
    expect(m.phase).toBe(phase);
    expect(PHASE_OF[m.snapshot.value as ModifierStateName]).toBe(phase);
    expect(STATE_FLAGS[m.stateName]).toEqual({ initialized: m.initialized, started: m.started, ended: m.ended, finalized: m.finalized });
    expect(phaseOf(STATE_FLAGS[m.stateName])).toBe(phase);
  });

  it('flags are read-only', () => {
    const m = new TestModifier();
    expect(() => {
      (m as unknown as { initialized: boolean }).initialized = true;
    }).toThrow(TypeError);
  });
});

describe('schedule predicates (§3.4)', () => {
  const at = (g: number) => new Event({ type: EventType.BATCH_START, globalStep: g });
  /** `start | end | step | shouldStart | shouldEnd` */
  const ROWS: [number | null, number | null, number, boolean, boolean][] = [
    [0, 1, 0, true, false],
    [0, 1, 1, false, true],
    [null, 1, 0, false, false],
    [null, 1, 1, false, true],
    [null, null, 5, false, false],
    [2, null, 1, false, false],
    [2, null, 2, true, false],
    [2, null, 100, true, false],
    [5, 1, 2, false, true], // shouldEnd ignores start
    [0, 0, 0, false, true],
  ];
  it.each(ROWS)('start %s, end %s at step %s: shouldStart %s, shouldEnd %s', (start, end, g, s, e) => {
    const m = new TestModifier({ start, end });
    expect(m.shouldStart(at(g))).toBe(s);
    expect(m.shouldEnd(at(g))).toBe(e);
  });

  it('a missing event is a ValueError naming the call, not a TypeError', () => {
    const m = new TestModifier({ start: 0, end: 1 });
    expect(() => m.shouldStart(null as never)).toThrow(ValueError);
    expect(() => m.shouldStart(null as never)).toThrow('shouldStart() takes an Event, got null');
    expect(() => m.shouldEnd(undefined as never)).toThrow('shouldEnd() takes an Event, got undefined');
    m.initialize(new State(), {});
    expect(() => m.updateEvent(new State(), null as never, {})).toThrow(ValueError);
    expect(() => m.updateEvent(new State(), null as never, {})).toThrow('updateEvent() takes an Event, got null');
    expect(m.hooks).toEqual(['onInitialize', 'onStart']);
  });

  it('shouldEnd does not look at started', () => {
    const m = new TestModifier({ start: 0, end: 1 });
    expect(m.started).toBe(false);
    expect(m.shouldEnd(at(1))).toBe(true);
  });

  it('uses currentIndex (epochs when stepsPerEpoch is known)', () => {
    const m = new TestModifier({ start: 1, end: 2 });
    expect(m.shouldStart(new Event({ stepsPerEpoch: 10, globalStep: 15 }))).toBe(true);
    expect(m.shouldEnd(new Event({ stepsPerEpoch: 10, globalStep: 20 }))).toBe(true);
  });
});

describe('hook defaults (§3.5)', () => {
  class Minimal extends Modifier {
    protected override onInitialize(): boolean {
      return true;
    }
  }

  it('onFinalize returns true; onStart/onUpdate/onEnd/onEvent do nothing', () => {
    // Arrange
    const m = new Minimal({ start: 0, end: 1 });
    // Act
    m.initialize(new State());
    m.updateEvent(new State(), new Event({ type: EventType.BATCH_START }), {});
    m.updateEvent(new State(), new Event({ type: EventType.BATCH_END, globalStep: 1 }), {});
    m.finalize(new State());
    // Assert
    expect(flagsOf(m)).toEqual(['initialized', 'started', 'ended', 'finalized']);
  });
});

describe('fields (§3.1)', () => {
  it('defaults every base field to null', () => {
    const m = new TestModifier();
    expect([m.index, m.group, m.start, m.end, m.update]).toEqual([null, null, null, null, null]);
    expect(flagsOf(m)).toEqual([]);
  });

  it('accepts every base field', () => {
    const m = new TestModifier({ index: 2, group: 'g', start: 1, end: 3.5, update: 0.5 });
    expect([m.index, m.group, m.start, m.end, m.update]).toEqual([2, 'g', 1, 3.5, 0.5]);
  });

  it('E30: an unknown option is rejected with pydantic layout', () => {
    let caught: unknown;
    try {
      new TestModifier({ foo: 1 });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ValueError);
    expect((caught as Error).message).toBe('1 validation error for TestModifier\nfoo\n  Extra inputs are not permitted');
  });

  it('E30 names the concrete class', () => {
    expect(() => new CalibrationTestModifier({ bar: 1 })).toThrow(/^1 validation error for CalibrationTestModifier\nbar\n/);
  });

  /** `field | wrong value` */
  const WRONG: [string, unknown][] = [
    ['start', 'x'],
    ['end', true],
    ['update', [1]],
    ['group', 3],
    ['index', 1.5],
    ['index', 'one'],
  ];
  it.each(WRONG)('a wrong type for %s (%j) is a ValueError naming the class and field', (name, value) => {
    let caught: unknown;
    try {
      new TestModifier({ [name]: value });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ValueError);
    expect((caught as Error).message).toContain('TestModifier');
    expect((caught as Error).message.split('\n')).toContain(name);
  });

  it('modelDump uses the Python field names', () => {
    const m = new TestModifier({ start: 1, group: 'g' });
    expect(m.modelDump()).toEqual({ index: null, group: 'g', start: 1, end: null, update: null });
  });
});
