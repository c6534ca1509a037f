/**
 * The lifecycle's observable contract where the other suites are thin (found by mutation testing,
 * `npm run mutation`): option errors and their messages, what each refused or failed call records,
 * record numbering, the public helpers (`recordWarning`, `updateState`), reset's W1 only for modifiers
 * that needed finalizing, and modifiers' own effects and warnings in the records.
 */
import { describe, expect, it } from 'vitest';
import { CompressionLifecycle, LifecycleOptionError } from '../../src/lifecycle/lifecycle.ts';
import { EventType } from '../../src/core/events.ts';
import { ValueError } from '../../src/core/errors.ts';
import type { LifecycleRecord } from '../../src/core/records.ts';
import { ReentrantCallError } from '../../src/lifecycle/errors.ts';
import { Modifier, type Kwargs } from '../../src/modifiers/modifier.ts';
import type { State } from '../../src/core/state.ts';
import { TestModifier } from '../helpers/testModifier.ts';
import { captureRecords, captureWarnings, started } from '../helpers/lifecycle.ts';

const rejected = (records: LifecycleRecord[]) => records.filter((r) => r.type === 'call.rejected');

describe('option errors name the call, the option and the value', () => {
  it.each([
    ['a string', 'x', '"x"'],
    ['NaN', Number.NaN, 'NaN'],
    ['Infinity', Number.POSITIVE_INFINITY, 'Infinity'],
  ])('event globalStep %s → LifecycleOptionError, recorded as a refused event, nothing changes', (_n, step, shown) => {
    const { lifecycle, modifiers } = started('default');
    lifecycle.event(EventType.BATCH_START, { globalStep: 3 });
    const records = captureRecords(lifecycle, () => lifecycle.event(EventType.BATCH_END, { globalStep: step as number }));
    let thrown: unknown;
    try {
      lifecycle.event(EventType.BATCH_END, { globalStep: step as number });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(LifecycleOptionError);
    expect(thrown).toBeInstanceOf(ValueError);
    expect((thrown as Error).message).toBe(`event(): option 'globalStep' must be a finite number or null, got ${shown}`);
    expect(records).toMatchObject([{ type: 'call.rejected', call: 'event', eventType: EventType.BATCH_END, error: { name: 'LifecycleOptionError' } }]);
    expect(lifecycle.globalStep).toBe(3);
    expect(lifecycle.lastEventType).toBe(EventType.BATCH_START);
    expect(modifiers[0].hooks).toEqual(['onEvent']); // only the accepted BATCH_START reached it
  });

  it.each([
    ['stepsPerEpoch', -1, '-1'],
    ['stepsPerEpoch', '4', '"4"'],
    ['batchesPerStep', Number.POSITIVE_INFINITY, 'Infinity'],
    ['batchesPerStep', Number.NaN, 'NaN'],
    ['batchesPerStep', -0.5, '-0.5'],
  ])("'default' initialize with %s %s → LifecycleOptionError; the call is refused and changes nothing", (option, value, shown) => {
    const lifecycle = new CompressionLifecycle();
    const m = new TestModifier();
    const records = captureRecords(lifecycle, () => lifecycle.initialize({ recipe: [m], [option]: value, currentBatchIdx: 5 } as never));
    expect(() => lifecycle.initialize({ recipe: [m], [option]: value } as never)).toThrow(
      new LifecycleOptionError('initialize', option as never, 'a non-negative number', value),
    );
    expect(() => lifecycle.initialize({ recipe: [m], [option]: value } as never)).toThrow(`initialize(): option '${option}' must be a non-negative number, got ${shown}`);
    expect(records).toMatchObject([{ type: 'call.rejected', call: 'initialize', eventType: null, error: { name: 'LifecycleOptionError' } }]);
    expect(lifecycle.initialized).toBe(false);
    expect(lifecycle.state.currentBatchIdx).toBe(-1);
    expect(m.hooks).toEqual([]);
  });

  it("'default' accepts 0 for stepsPerEpoch and batchesPerStep (non-negative)", () => {
    const lifecycle = new CompressionLifecycle();
    lifecycle.initialize({ recipe: [new TestModifier()], batchesPerStep: 0, stepsPerEpoch: 0 });
    expect(lifecycle.initialized).toBe(true);
  });

  it("'reference' neither checks nor remembers stepsPerEpoch / batchesPerStep (State accepts and ignores them, §5)", () => {
    const lifecycle = new CompressionLifecycle({ fidelity: 'reference' });
    const m = new TestModifier();
    lifecycle.initialize({ recipe: [m], stepsPerEpoch: -1, batchesPerStep: 'x' } as never);
    lifecycle.event(EventType.BATCH_START, { globalStep: 6 });
    const event = m.calls.find((c) => c.hook === 'onEvent')?.event;
    expect(event?.stepsPerEpoch).toBeNull();
    expect(event?.batchesPerStep).toBeNull();
  });

  it.each([
    ['initialize', (lc: CompressionLifecycle) => lc.initialize(5 as never)],
    ['event', (lc: CompressionLifecycle) => lc.event(EventType.BATCH_START, 5 as never)],
    ['finalize', (lc: CompressionLifecycle) => lc.finalize('x' as never)],
  ] as const)('%s() with options that are not an object names the call', (call, act) => {
    const { lifecycle } = started('default');
    expect(() => act(lifecycle)).toThrow(new RegExp(`^${call}\\(\\) takes an options object, got `));
  });
});

describe("'default' remembers the epoch length across a repeated initialize (Q4)", () => {
  it('a second initialize without stepsPerEpoch / batchesPerStep keeps the ones given first', () => {
    const lifecycle = new CompressionLifecycle();
    const m = new TestModifier();
    lifecycle.initialize({ recipe: [m], stepsPerEpoch: 4, batchesPerStep: 2 });
    expect(lifecycle.initialize({ currentBatchIdx: 1 })).toBeUndefined();
    lifecycle.event(EventType.BATCH_START, { globalStep: 6 });
    const event = m.calls.find((c) => c.hook === 'onEvent')?.event;
    expect(event?.stepsPerEpoch).toBe(4);
    expect(event?.batchesPerStep).toBe(2);
    expect(event?.currentIndex).toBe(1.5);
  });
});

describe('what refused and failed calls record', () => {
  it('E40–E43, E46: call.rejected with the call, the event type and the error code', () => {
    const lifecycle = new CompressionLifecycle();
    const records = captureRecords(lifecycle, () => {
      const attempt = (f: () => unknown) => {
        try {
          f();
        } catch {
          // recorded
        }
      };
      attempt(() => lifecycle.finalize());
      attempt(() => lifecycle.event(EventType.BATCH_START));
      lifecycle.initialize({ recipe: [new TestModifier()] });
      lifecycle.event(EventType.BATCH_START);
      attempt(() => lifecycle.event(EventType.LOSS_CALCULATED));
      lifecycle.finalize();
      attempt(() => lifecycle.finalize());
      attempt(() => lifecycle.event(EventType.BATCH_END));
    });
    expect(rejected(records).map((r) => r.type === 'call.rejected' && [r.call, r.eventType, r.error.code])).toEqual([
      ['finalize', null, 'E40'],
      ['event', EventType.BATCH_START, 'E42'],
      ['event', EventType.LOSS_CALCULATED, 'E46'],
      ['finalize', null, 'E41'],
      ['event', EventType.BATCH_END, 'E43'],
    ]);
  });

  it('a hook that throws during initialize or an event is recorded as effect.error naming the call', () => {
    const boom = () => {
      throw new Error('boom');
    };
    const lifecycle = new CompressionLifecycle();
    const init = captureRecords(lifecycle, () => lifecycle.initialize({ recipe: [new TestModifier({}, { init: boom })] }));
    expect(init.at(-1)).toMatchObject({ type: 'effect.error', call: 'initialize', error: { name: 'Error', message: 'boom' } });

    const { lifecycle: lc2, modifiers } = started('default');
    modifiers[0].onEventBody = boom;
    const ev = captureRecords(lc2, () => lc2.event(EventType.BATCH_START));
    expect(ev.at(-1)).toMatchObject({ type: 'effect.error', call: 'event', error: { message: 'boom' } });
  });

  it('a nested event(INITIALIZE) from a subscriber is refused as reentrant, recording its type', () => {
    const lifecycle = new CompressionLifecycle();
    const records: LifecycleRecord[] = [];
    let nested: unknown;
    const sub = lifecycle.records$.subscribe((r) => {
      records.push(r);
      if (r.type === 'call.initialize') {
        try {
          lifecycle.event(EventType.INITIALIZE);
        } catch (e) {
          nested = e;
        }
      }
    });
    lifecycle.initialize({ recipe: [new TestModifier()] });
    sub.unsubscribe();
    expect(nested).toBeInstanceOf(ReentrantCallError);
    expect(records).toContainEqual(expect.objectContaining({ type: 'call.rejected', call: 'event', eventType: EventType.INITIALIZE }));
  });

  it('a nested event of an unknown type is refused as reentrant and recorded with no event type (records hold only EventTypes)', () => {
    const lifecycle = new CompressionLifecycle();
    const records: LifecycleRecord[] = [];
    const sub = lifecycle.records$.subscribe((r) => {
      records.push(r);
      if (r.type === 'call.initialize') expect(() => lifecycle.event('bogus' as EventType)).toThrow(ReentrantCallError);
    });
    lifecycle.initialize({ recipe: [new TestModifier()] });
    sub.unsubscribe();
    expect(records.filter((r) => r.type === 'call.rejected')).toMatchObject([{ call: 'event', eventType: null, error: { name: 'ReentrantCallError' } }]);
  });
});

describe('record numbering', () => {
  it('counts only published records: the first record a subscriber sees after unrecorded calls is 0', () => {
    const { lifecycle } = started('default');
    lifecycle.event(EventType.BATCH_START, { globalStep: 1 });
    lifecycle.event(EventType.BATCH_END);
    const records = captureRecords(lifecycle, () => lifecycle.event(EventType.BATCH_START));
    expect(records.length).toBeGreaterThan(0);
    expect(records.map((r) => r.seq)).toEqual(records.map((_, i) => i));
  });

  it('a fresh lifecycle initialized with nobody subscribed numbers its first published record 0', () => {
    const lifecycle = new CompressionLifecycle();
    lifecycle.initialize({});
    const records = captureRecords(lifecycle, () => lifecycle.finalize());
    expect(records[0]).toMatchObject({ type: 'call.finalize', seq: 0 });
  });
});

describe('recordWarning and updateState', () => {
  it('recordWarning logs the message and records it as effect.warning with its code', () => {
    const { lifecycle } = started('default');
    let records: LifecycleRecord[] = [];
    const { warnings } = captureWarnings(() => {
      records = captureRecords(lifecycle, () => lifecycle.recordWarning('W3', 'driver says hi'));
    });
    expect(warnings).toEqual(['driver says hi']);
    expect(records).toMatchObject([{ type: 'effect.warning', code: 'W3', message: 'driver says hi', modifier: null }]);
  });

  it('updateState replaces the State with one holding the overrides, and returns it', () => {
    const { lifecycle } = started('default');
    const before = lifecycle.state;
    const after = lifecycle.updateState({ currentBatchIdx: 7 });
    expect(after).toBe(lifecycle.state);
    expect(after).not.toBe(before);
    expect(after.currentBatchIdx).toBe(7);
    expect(before.currentBatchIdx).toBe(-1);
  });
});

describe('reset finalizes only modifiers that are initialized and not finalized (§6.5)', () => {
  it('after finalize, reset warns nothing (no modifier is finalized twice)', () => {
    const { lifecycle, modifiers } = started('default', [{}, {}]);
    lifecycle.finalize();
    const { warnings } = captureWarnings(() => lifecycle.reset());
    expect(warnings).toEqual([]);
    expect(modifiers.map((m) => m.hooks.filter((h) => h === 'onFinalize').length)).toEqual([1, 1]);
  });

  it('a modifier whose onInitialize returned false is not finalized by reset (no W1); the others are', () => {
    const lifecycle = new CompressionLifecycle();
    const failed = new TestModifier({}, { init: false });
    const ok = new TestModifier();
    lifecycle.initialize({ recipe: [failed, ok] });
    const { warnings } = captureWarnings(() => lifecycle.reset());
    expect(warnings).toEqual([]);
    expect(failed.hooks).toEqual(['onInitialize']);
    expect(ok.hooks).toEqual(['onInitialize', 'onFinalize']);
  });
});

/** A modifier reporting a domain effect and a warning from its onEvent hook. */
class Reporter extends Modifier {
  protected override onInitialize(): boolean {
    return true;
  }
  protected override onEvent(_s: State, _e: unknown, _k: Kwargs): void {
    this.recordEffect('drift', { value: 0.5 });
    this.warn('reporter warns');
  }
}

describe("a modifier's own effects and warnings", () => {
  it('are recorded with the modifier that reported them, and the warning is logged', () => {
    const lifecycle = new CompressionLifecycle();
    lifecycle.initialize({ recipe: [new TestModifier(), new Reporter()] });
    let records: LifecycleRecord[] = [];
    const { warnings } = captureWarnings(() => {
      records = captureRecords(lifecycle, () => lifecycle.event(EventType.CALIBRATION_EPOCH_START));
    });
    expect(warnings).toEqual(['reporter warns']);
    expect(records.filter((r) => r.type === 'effect.modifier' || r.type === 'effect.warning')).toMatchObject([
      { type: 'effect.modifier', position: 1, modifierType: 'Reporter', kind: 'drift', data: { value: 0.5 } },
      { type: 'effect.warning', code: null, message: 'reporter warns', modifier: { position: 1, modifierType: 'Reporter' } },
    ]);
  });
});
