import { describe, expect, it } from 'vitest';
import { CompressionLifecycle, CompressionSession, Event, EventType, State, ValueError, callbacks, createSession } from '../../src/index.ts';

describe('bad input gets a ValueError naming the problem, never a bare TypeError', () => {
  const cases: Array<[string, (lc: CompressionLifecycle) => unknown, RegExp]> = [
    ['initialize(null)', (lc) => lc.initialize(null as never), /initialize\(\) takes an options object, got null/],
    ['event(type, null)', (lc) => lc.event(EventType.BATCH_START, null as never), /event\(\) takes an options object, got null/],
    ['finalize([])', (lc) => lc.finalize([] as never), /finalize\(\) takes an options object, got an array/],
    ['event(unknown type)', (lc) => lc.event('nope' as EventType), /Unknown event type "nope"; expected one of: initialize, finalize, batch_start/],
  ];
  for (const [name, call, message] of cases) {
    it(name, () => {
      const lc = new CompressionLifecycle();
      expect(() => call(lc)).toThrow(ValueError);
      expect(() => call(lc)).toThrow(message);
    });
  }

  it('State.update(null)', () => {
    expect(() => new State().update(null as never)).toThrow(/State.update takes an object of changes, got null/);
  });

  it('an unknown fidelity names the choices', () => {
    expect(() => new CompressionLifecycle({ fidelity: 'exact' as never })).toThrow("fidelity must be one of 'default', 'reference', got \"exact\"");
  });

  it('a non-numeric globalStep is refused and changes nothing', () => {
    const lc = new CompressionLifecycle();
    lc.initialize({});
    lc.event(EventType.BATCH_START, { globalStep: 3 });
    expect(() => lc.event(EventType.BATCH_END, { globalStep: 'x' as never })).toThrow("event(): option 'globalStep' must be a finite number or null, got \"x\"");
    // JSON would print NaN as null (a value the message says is allowed); a BigInt would make JSON throw.
    expect(() => lc.event(EventType.BATCH_END, { globalStep: NaN })).toThrow("must be a finite number or null, got NaN");
    expect(() => lc.event(EventType.BATCH_END, { globalStep: Infinity })).toThrow('got Infinity');
    expect(() => lc.event(EventType.BATCH_END, { globalStep: 10n as never })).toThrow('got 10n');
    expect(lc.globalStep).toBe(3);
    expect(lc.lastEventType).toBe(EventType.BATCH_START);
  });
});

describe('options objects: null is a ValueError naming the call; unknown keys are E30 (pydantic extra="forbid")', () => {
  const extra = (name: string, key: string) => `1 validation error for ${name}\n${key}\n  Extra inputs are not permitted`;

  it('new CompressionLifecycle(null) / unknown key', () => {
    expect(() => new CompressionLifecycle(null as never)).toThrow(ValueError);
    expect(() => new CompressionLifecycle(null as never)).toThrow('CompressionLifecycle() takes an options object, got null');
    expect(() => new CompressionLifecycle({ fidelty: 'reference' } as never)).toThrow(ValueError);
    expect(() => new CompressionLifecycle({ fidelty: 'reference' } as never)).toThrow(extra('CompressionLifecycle', 'fidelty'));
  });

  it('new CompressionSession(null) / unknown key; createSession with a non-function or an unknown option', () => {
    expect(() => new CompressionSession(null as never)).toThrow('CompressionSession() takes an options object, got null');
    expect(() => new CompressionSession({ fidelty: 'reference' } as never)).toThrow(extra('CompressionSession', 'fidelty'));
    expect(() => createSession(5 as never)).toThrow(ValueError);
    expect(() => createSession(5 as never)).toThrow('createSession() takes a function, got number');
    expect(() => createSession(() => 1, { fidelty: 'x' } as never)).toThrow(extra('createSession', 'fidelty'));
  });

  it('session.event(type, null) and callbacks(null) get the lifecycle\'s ValueError', () => {
    const s = new CompressionSession();
    s.initialize({});
    expect(() => s.event(EventType.BATCH_START, null as never)).toThrow('event() takes an options object, got null');
    createSession((session) => {
      session.initialize({});
      expect(() => callbacks.batchStart(null as never)).toThrow(ValueError);
      expect(() => callbacks.batchStart(null as never)).toThrow('event() takes an options object, got null');
    });
  });

  it('new Event(null) and newInstance(null)', () => {
    expect(() => new Event(null as never)).toThrow(ValueError);
    expect(() => new Event(null as never)).toThrow('Event() takes an options object, got null');
    expect(() => new Event().newInstance(null as never)).toThrow('Event.newInstance() takes an options object, got null');
  });

  it('State.with(null) and unknown keys', () => {
    expect(() => new State().with(null as never)).toThrow('State.with() takes an options object, got null');
    expect(() => new State().with({ los: 1 } as never)).toThrow(extra('State.with', 'los'));
  });

  it('State.update: data that cannot be deep-copied is a ValueError naming the key and the way out', () => {
    const e = (() => {
      try {
        new State().update({ calibData: () => 1 });
      } catch (err) {
        return err as Error;
      }
    })();
    expect(e).toBeInstanceOf(ValueError);
    expect(e?.message).toMatch(/^State.update: calibData cannot be deep-copied \(copyData is true\): .*; pass copyData: false to keep a reference$/);
    expect(new State().update({ calibData: () => 1, copyData: false }).state.data.calib).toBeTypeOf('function');
  });
});

describe('a refused call is a call.rejected record and changes nothing (records$: one record per accepted call)', () => {
  it("initialize with a bad stepsPerEpoch ('default') leaves state untouched and is recorded as rejected", () => {
    const lc = new CompressionLifecycle();
    const types: string[] = [];
    lc.records$.subscribe((r) => types.push(r.type));
    const model = { name: 'm' };
    expect(() => lc.initialize({ model, stepsPerEpoch: 'a' as never })).toThrow("initialize(): option 'stepsPerEpoch' must be a non-negative number, got \"a\"");
    expect(lc.state.model).toBeNull();
    expect(lc.initialized).toBe(false);
    expect(types).toEqual(['call.rejected']);
    lc.initialize({ model, stepsPerEpoch: 2 });
    expect(types).toEqual(['call.rejected', 'call.initialize']);
  });

  it('event(type, []) is refused like initialize([])', () => {
    const lc = new CompressionLifecycle();
    lc.initialize({});
    expect(() => lc.event(EventType.BATCH_START, [] as never)).toThrow('event() takes an options object, got an array');
    expect(lc.lastEventType).toBe(EventType.BATCH_END);
  });
});

describe('CompressionSession.initialize refuses a non-object like the lifecycle does', () => {
  it('session.initialize(null)', async () => {
    const { CompressionSession } = await import('../../src/index.ts');
    expect(() => new CompressionSession().initialize(null as never)).toThrow('initialize() takes an options object, got null');
  });
});
