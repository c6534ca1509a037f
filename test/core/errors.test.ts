import { describe, expect, it } from 'vitest';
import { NotImplementedError, RuntimeError, ValueError, specError } from '../../src/core/errors.ts';
import { EventOrderError, ModifierFinalizeTwiceError, UnknownEventTypeError } from '../../src/core/lifecycleErrors.ts';
import { EventType } from '../../src/core/events.ts';
import { NormCountError } from '../../src/modifiers/spinquant/errors.ts';
import { UnsupportedBlockSizeError } from '../../src/tensor/hadamard/errors.ts';

class DemoError extends specError(NotImplementedError, 'T99', (what: string, n: number) => `${what} × ${n}`, 'what', 'n') {}

describe('specError', () => {
  it('builds a named subclass of the base with the message, code and fields from the arguments', () => {
    const e = new DemoError('x', 3);
    expect(e).toBeInstanceOf(DemoError);
    expect(e).toBeInstanceOf(NotImplementedError);
    expect(e).toBeInstanceOf(RuntimeError);
    expect(e.name).toBe('DemoError');
    expect(e.message).toBe('x × 3');
    expect(e.code).toBe('T99');
    expect(DemoError.code).toBe('T99');
    expect([e.what, e.n]).toEqual(['x', 3]);
  });

  it('gives no code when the spec has none, and keeps the spec classes as they were', () => {
    const u = new UnknownEventTypeError('nope');
    expect(u).toBeInstanceOf(ValueError);
    expect('code' in u).toBe(false);
    expect(u.name).toBe('UnknownEventTypeError');
    const o = new EventOrderError(EventType.BATCH_END, EventType.BATCH_START);
    expect([o.code, EventOrderError.code, o.last, o.eventType]).toEqual(['E45', 'E45', EventType.BATCH_END, EventType.BATCH_START]);
    expect(new ModifierFinalizeTwiceError().message).toBe('cannot finalize a modifier twice');
    const n = new NormCountError(2, 'input_layernorm');
    expect([n.message, n.count, n.norm, n.code]).toEqual(['Expected exactly one norm per norm-mapping set, found 2 for input_layernorm', 2, 'input_layernorm', 'T11']);
    const b = new UnsupportedBlockSizeError(12, 'hadamard');
    expect([b.size, b.transformType, b.dimension]).toEqual([12, 'hadamard', undefined]);
  });
});
