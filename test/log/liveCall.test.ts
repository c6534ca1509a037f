import { describe, expect, it } from 'vitest';
import { liveCall } from '../../src/log/liveCall.ts';
import { JournalReplayError } from '../../src/log/errors.ts';

describe('liveCall', () => {
  it('restores $number, $bigint and nested data, and copies plain objects', () => {
    const options = { globalStep: 3, loss: { $number: 'NaN' }, batchData: { ids: [1, { $bigint: '7' }] } };
    const live = liveCall({ call: 'event', type: 'batch_start', options }, 1, () => null, null);
    expect(live).toEqual({ call: 'event', type: 'batch_start', options: { globalStep: 3, loss: NaN, batchData: { ids: [1, 7n] } } });
    expect((live as { options: unknown }).options).not.toBe(options);
  });

  it('names the path of a reference it cannot restore', () => {
    const at = (options: Record<string, never>, call: 'event' | 'initialize' = 'event') =>
      expect(() => liveCall(call === 'event' ? { call, type: 'batch_start', options } : { call, options }, 4, () => null, null)).toThrow(JournalReplayError);
    at({ batchData: { xs: [0, { $tensor: {} }] } } as never);
    expect(() => liveCall({ call: 'event', type: 'batch_start', options: { batchData: { xs: [0, { $tensor: {} }] } } }, 4, () => null, null)).toThrow(
      'call 4: options.batchData.xs[1] holds a reference ($tensor) to a live object a journal cannot restore',
    );
    expect(() => liveCall({ call: 'initialize', options: { model: { $model: { sha256: 'x' } } } }, 1, () => null, null)).toThrow(
      'call 1: options.model references a model, and the journal names none',
    );
    at({ state: { $state: {} } } as never, 'initialize');
  });
});
