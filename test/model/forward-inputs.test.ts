import { describe, expect, it } from 'vitest';
import { ValueError } from '../../src/core/errors.ts';
import { small } from './small.ts';

describe('Model.forward inputs', () => {
  it('rejects empty input, bad token ids and over-long sequences', () => {
    const m = small();
    expect(() => m.forward([])).toThrow(ValueError);
    expect(() => m.forward([1, 96])).toThrow('Model.forward: token 1 is 96, expected an integer in [0, 96)');
    expect(() => m.forward([1.5])).toThrow(ValueError);
    expect(() => m.forward(new Array(2049).fill(0))).toThrow('more than maxPositionEmbeddings 2048');
  });

  it('is causal: logits at a position ignore later tokens; accepts typed arrays', () => {
    const m = small();
    const a = m.forward([5, 6, 7, 8]);
    const b = m.forward(Int32Array.from([5, 6, 9, 1, 2]));
    expect(Array.from(b.data.subarray(0, 2 * 96))).toEqual(Array.from(a.data.subarray(0, 2 * 96)));
    expect(Array.from(b.data.subarray(2 * 96, 3 * 96))).not.toEqual(Array.from(a.data.subarray(2 * 96, 3 * 96)));
  });

  it('reuses scratch between calls without leaking state from one sequence into the next', () => {
    const m = small();
    const first = Array.from(m.forward([1, 2, 3]).data);
    m.forward([9, 8, 7, 6, 5, 4, 3, 2]);
    m.forward([4, 4, 4]);
    expect(Array.from(m.forward([1, 2, 3]).data)).toEqual(first);
  });
});
