/**
 * Lifecycle calls are not reentrant (issue 7 item 4, docs/lifecycle.md): a call made while another
 * call of the same lifecycle runs — from a modifier hook or a records$ subscriber — is refused with
 * ReentrantCallError and recorded as call.rejected. A records$ subscriber that throws is reported
 * once (RecordsSubscriberError, to the warning sink), unsubscribed, and never reaches RxJS's
 * unhandled-error path.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { config, filter } from 'rxjs';
import { RuntimeError } from '../../src/core/errors.ts';
import type { LifecycleRecord } from '../../src/core/records.ts';
import { CompressionLifecycle } from '../../src/lifecycle/lifecycle.ts';
import { RecordsSubscriberError, ReentrantCallError } from '../../src/index.ts';
import { TestModifier } from '../helpers/testModifier.ts';
import { captureWarnings, T } from '../helpers/lifecycle.ts';

function recorded(lc: CompressionLifecycle): LifecycleRecord[] {
  const records: LifecycleRecord[] = [];
  lc.records$.subscribe((r) => records.push(r));
  return records;
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

afterEach(() => {
  config.onUnhandledError = null;
});

describe('reentrant calls are refused', () => {
  it.each([
    ['event', (lc: CompressionLifecycle) => lc.event(T.e)],
    ['initialize', (lc: CompressionLifecycle) => lc.initialize({})],
    ['finalize', (lc: CompressionLifecycle) => lc.finalize()],
    ['reset', (lc: CompressionLifecycle) => lc.reset()],
  ] as const)('%s from a modifier hook: ReentrantCallError, recorded as call.rejected, nothing changed', (call, nested) => {
    // Arrange
    const lc = new CompressionLifecycle();
    const m = new TestModifier({ start: 0 });
    lc.initialize({ recipe: [m] });
    const records = recorded(lc);
    let caught: unknown;
    m.onEventBody = () => {
      try {
        nested(lc);
      } catch (e) {
        caught = e;
      }
    };
    // Act
    lc.event(T.s, { globalStep: 1 });
    // Assert
    expect(caught).toBeInstanceOf(ReentrantCallError);
    expect(caught).toBeInstanceOf(RuntimeError);
    expect((caught as Error).message).toMatch(new RegExp(`^${call}\\(\\) was called while event\\(\\) of the same lifecycle is still running`));
    const rejected = records.filter((r) => r.type === 'call.rejected');
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatchObject({ call, error: { name: 'ReentrantCallError' } });
    // The outer call went on: the modifier was updated, the recipe and order state are the outer call's.
    expect(m.hooks).toContain('onUpdate');
    expect(lc.recipe.modifiers).toEqual([m]);
    expect(lc.lastEventType).toBe(T.s);
    expect(lc.initialized && !lc.finalized).toBe(true);
  });

  it('a refused nested call does not block later calls, even when the outer call threw', () => {
    const lc = new CompressionLifecycle();
    const m = new TestModifier();
    lc.initialize({ recipe: [m] });
    m.onEventBody = () => {
      lc.event(T.e); // not caught: the hook throws, so the outer call throws
    };
    expect(() => lc.event(T.s)).toThrow(ReentrantCallError);
    m.onEventBody = null;
    expect(() => lc.event(T.e)).not.toThrow();
    expect(lc.lastEventType).toBe(T.e);
  });

  it('from a records$ subscriber (which catches it): refused and recorded', () => {
    const lc = new CompressionLifecycle();
    lc.initialize({ recipe: [new TestModifier()] });
    const records = recorded(lc);
    const caught: unknown[] = [];
    lc.records$.subscribe((r) => {
      if (r.type !== 'call.event') return;
      try {
        lc.initialize({});
      } catch (e) {
        caught.push(e);
      }
    });
    lc.event(T.s);
    expect(caught).toHaveLength(1);
    expect(caught[0]).toBeInstanceOf(ReentrantCallError);
    expect(records.map((r) => r.type)).toContain('call.rejected');
    expect(records.find((r) => r.type === 'call.rejected')).toMatchObject({ call: 'initialize', error: { name: 'ReentrantCallError' } });
  });

  it('calls one after another are not reentrant', () => {
    const lc = new CompressionLifecycle();
    lc.initialize({ recipe: [new TestModifier()] });
    for (const t of [T.s, T.l, T.e, T.s]) lc.event(t, { loss: 1 });
    lc.finalize();
    lc.reset();
    expect(lc.initialized).toBe(false);
  });
});

describe('a records$ subscriber that throws', () => {
  it('is reported once as RecordsSubscriberError and unsubscribed; the call and other subscribers go on', async () => {
    // Arrange
    let unhandled = 0;
    config.onUnhandledError = () => unhandled++;
    const lc = new CompressionLifecycle();
    const m = new TestModifier({ start: 0 });
    const others = recorded(lc);
    let calls = 0;
    lc.records$.subscribe(() => {
      calls++;
      throw new Error('boom');
    });
    // Act
    const { warnings } = captureWarnings(() => {
      lc.initialize({ recipe: [m] });
      lc.event(T.s);
      lc.event(T.e);
    });
    await tick();
    // Assert
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^RecordsSubscriberError: a records\$ subscriber threw \(Error: boom\); it has been unsubscribed/);
    expect(calls).toBe(1);
    expect(unhandled).toBe(0);
    expect(m.initialized && m.started).toBe(true);
    expect(others.filter((r) => r.type === 'call.event')).toHaveLength(2);
  });

  it('at the end of a pipe is guarded too', async () => {
    let unhandled = 0;
    config.onUnhandledError = () => unhandled++;
    const lc = new CompressionLifecycle();
    lc.records$.pipe(filter((r) => r.type === 'call.event')).subscribe({
      next: () => {
        throw new TypeError('bad subscriber');
      },
    });
    const { warnings } = captureWarnings(() => {
      lc.initialize({ recipe: [new TestModifier()] });
      lc.event(T.s);
      lc.event(T.e);
    });
    await tick();
    expect(warnings).toEqual([expect.stringMatching(/^RecordsSubscriberError: .*TypeError: bad subscriber/)]);
    expect(unhandled).toBe(0);
  });

  it('the error class is exported and names its cause', () => {
    const e = new RecordsSubscriberError(new Error('x'));
    expect(e).toBeInstanceOf(RuntimeError);
    expect(e.name).toBe('RecordsSubscriberError');
    expect((e.cause as Error).message).toBe('x');
  });
});
