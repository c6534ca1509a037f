import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/tensor/index.ts';

describe('Rng', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const draw = (seed: number | string) => {
      const r = new Rng(seed);
      return [r.uniform(), r.normal(), r.sign(), r.nextUint32()];
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw('42')).toEqual(draw(42));
    expect(draw(43)).not.toEqual(draw(42));
  });

  it('split streams depend on the key and label only, not on parent draws', () => {
    const a = new Rng(7);
    const b = new Rng(7);
    for (let i = 0; i < 10; i++) b.uniform();
    expect(a.split('R1').uniform()).toBe(b.split('R1').uniform());
    expect(a.split('R1').uniform()).not.toBe(a.split('R2').uniform());
    expect(a.fork('x').key).toBe('7/x');
  });

  it('has sane moments', () => {
    const r = new Rng('moments');
    let su = 0, sn = 0, sn2 = 0, ss = 0;
    const N = 20000;
    for (let i = 0; i < N; i++) {
      const u = r.uniform();
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
      su += u;
      const z = r.normal();
      sn += z;
      sn2 += z * z;
      ss += r.sign();
    }
    expect(su / N).toBeCloseTo(0.5, 1);
    expect(sn / N).toBeCloseTo(0, 1);
    expect(sn2 / N).toBeCloseTo(1, 1);
    expect(Math.abs(ss / N)).toBeLessThan(0.05);
  });
});
