import { describe, expect, it } from 'vitest';
import { CompressionLifecycle, EventType, State, ValueError } from '../../src/index.ts';

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
    expect(() => lc.event(EventType.BATCH_END, { globalStep: 'x' as never })).toThrow("event(): option 'globalStep' must be a number or null, got \"x\"");
    expect(lc.globalStep).toBe(3);
    expect(lc.lastEventType).toBe(EventType.BATCH_START);
  });
});
