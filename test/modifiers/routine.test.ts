/**
 * `updateEvent` runs most unrecorded events without the executor's loop (the routine rows read off the
 * compiled table); with an effect sink installed every plan goes through the executor. Over every short
 * sequence of calls, from every schedule, both ways must call the same hooks with the same flags, reach the
 * same machine state and throw the same errors.
 */
import { describe, expect, it } from 'vitest';
import { Event, EventType } from '../../src/core/events.ts';
import { State } from '../../src/core/state.ts';
import { installEffectSink, type Modifier, type ModifierArgs } from '../../src/modifiers/modifier.ts';
import type { EffectSink } from '../../src/core/records.ts';
import { CalibrationTestModifier, TestModifier } from '../helpers/testModifier.ts';
import { compiledPlans, EVENT_CODES, STATE_NAMES, updateEventCode } from '../../machines/modifier.plan.ts';

type Call = 'initialize' | 'finalize' | EventType;
const CALLS: Call[] = ['initialize', 'finalize', EventType.BATCH_START, EventType.BATCH_END, EventType.OPTIM_PRE_STEP, EventType.CALIBRATION_EPOCH_START, EventType.CALIBRATION_EPOCH_END];
const SCHEDULES = [
  { start: null, end: null },
  { start: 0, end: null },
  { start: 1, end: 3 },
  { start: 0, end: 0 },
  { start: 2, end: 1 },
  { start: 3, end: null },
];

const quietSink: EffectSink = { reportRoutineHooks() {}, hook() {}, transition() {}, effect() {}, warning() {} };

/** Every call sequence of `length` over CALLS, the step advancing by one per call. */
function* sequences(length: number): Generator<Call[]> {
  if (length === 0) return yield [];
  for (const rest of sequences(length - 1)) for (const c of CALLS) yield [...rest, c];
}

function trace(m: TestModifier, calls: readonly Call[], recorded: boolean): unknown[] {
  if (recorded) installEffectSink(m as Modifier, quietSink);
  const out: unknown[] = [];
  calls.forEach((call, step) => {
    m.calls = [];
    let error: string | null = null;
    try {
      if (call === 'initialize') m.initialize(new State());
      else if (call === 'finalize') m.finalize(new State());
      else m.updateEvent(new State(), new Event({ type: call, globalStep: step }), {});
    } catch (e) {
      error = (e as Error).message;
    }
    out.push([call, error, m.stateName, m.calls.map((c) => [c.hook, c.event?.type ?? null, c.flags])]);
  });
  return out;
}

describe('routine rows (unrecorded) equal the executor (recorded)', () => {
  for (const [name, make] of [['TestModifier', (s: ModifierArgs) => new TestModifier(s)], ['CalibrationTestModifier', (s: ModifierArgs) => new CalibrationTestModifier(s)]] as const) {
    it(`${name}: every sequence of 4 calls from every schedule`, () => {
      let compared = 0;
      for (const schedule of SCHEDULES) {
        for (const calls of sequences(4)) {
          const unrecorded = JSON.stringify(trace(make(schedule), calls, false));
          const recorded = JSON.stringify(trace(make(schedule), calls, true));
          if (unrecorded !== recorded) expect(unrecorded, JSON.stringify({ schedule, calls })).toBe(recorded);
          compared++;
        }
      }
      expect(compared).toBe(SCHEDULES.length * CALLS.length ** 4);
    });
  }
});

describe('what the journal predicts from (src/log/tap.ts: a quiet call with nothing reported since)', () => {
  it('without a flag change or an error, the hooks updateEvent calls depend only on the state and the event kind, never on a verdict', () => {
    const { plans } = compiledPlans();
    let checked = 0;
    STATE_NAMES.forEach((_name, s) => {
      for (let kind = 0; kind < 3; kind++) {
        const quiet = [false, true]
          .flatMap((start) => [false, true].map((end) => plans[s * EVENT_CODES + updateEventCode(kind, start, end)]))
          .filter((steps) => steps.every((step) => !step.startsWith('mark') && !step.startsWith('reject')));
        for (const steps of quiet) expect(steps).toEqual(quiet[0]);
        checked += quiet.length;
      }
    });
    expect(checked).toBeGreaterThan(STATE_NAMES.length * 3);
  });
});
