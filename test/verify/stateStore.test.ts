/** The explorer's state set: ids in insertion order, found again by value through growth and rehashing. */
import { describe, expect, it } from 'vitest';
import { StateStore } from '../../src/verify/stateStore.ts';
import { RuntimeError } from '../../src/core/errors.ts';

describe('StateStore', () => {
  it('gives ids in order, finds each vector again after many additions, and copies vectors out', () => {
    const store = new StateStore(3);
    const vec = (i: number) => [i % 7, Math.floor(i / 7) % 300, i >> 11];
    for (let i = 0; i < 5000; i++) {
      expect(store.find(vec(i))).toBe(-1);
      expect(store.add(vec(i))).toBe(i);
    }
    expect(store.size).toBe(5000);
    for (let i = 0; i < 5000; i++) expect(store.find(vec(i))).toBe(i);
    expect(store.find([6, 299, 9])).toBe(-1);
    const v = store.vector(1234);
    expect(v).toEqual(vec(1234));
    v[0] = 99; // a copy: the store is unchanged
    expect(store.find(vec(1234))).toBe(1234);
  });

  it('refuses an entry it cannot hold, naming it', () => {
    const store = new StateStore(2);
    expect(() => store.add([1, 70000])).toThrow(RuntimeError);
    expect(() => store.add([1, -1])).toThrow(/entry 1 is -1/);
    expect(store.size).toBe(0);
    expect(store.add([1, 2])).toBe(0);
  });
});
