import { describe, expect, it } from 'vitest';
import { Tensor, fakeQuantize, roundHalfEven } from '../../src/tensor/index.ts';

describe('RTN fake quantization (spinquant.md §10)', () => {
  it('roundHalfEven rounds ties to even', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4, 2.6, -2.6].map(roundHalfEven)).toEqual([0, 2, 2, -0, -2, -2, 2, 3, -3]);
  });

  it('4-bit symmetric channel: scale = absmax/7.5, +absmax clips to 7·scale, −absmax lands on qmin unclipped', () => {
    const w = Tensor.from([[3, -1, 0.5, 1], [-3, 1, 0.2, 0]], undefined, 'float64');
    const { value, scales, zeroPoints } = fakeQuantize(w, { numBits: 4, symmetric: true, strategy: 'channel' });
    const s = 3 / 7.5;
    expect(Array.from(scales.data)).toEqual([s, s]);
    expect(Array.from(zeroPoints)).toEqual([0, 0]);
    expect(value.get(0, 0)).toBe(7 * s); // 3/0.4 = 7.5 → clamp 7
    // −3/0.4 = −7.5 is inside [qmin, qmax] (not clipped) and rounds half-even to −8: −8·scale = −3.2.
    // (spinquant.md §10 calls this "exact"; by its own formulas it is qmin·scale = −absmax·16/15.)
    expect(value.get(1, 0)).toBe(-8 * s);
    expect(value.get(0, 2)).toBe(roundHalfEven(0.5 / s) * s); // 1.25 → 1
  });

  it('float32 rounds every intermediate', () => {
    const w = Tensor.from([[0.1, -0.7, 0.3, 0.25]]);
    const { value, scales } = fakeQuantize(w, { numBits: 4, symmetric: true, strategy: 'channel' });
    const scale = Math.fround(Math.fround(0.7) / 7.5);
    expect(scales.data[0]).toBe(scale);
    for (let j = 0; j < 4; j++) {
      const q = roundHalfEven(Math.min(7, Math.max(-8, Math.fround(w.data[j] / scale))));
      expect(value.data[j]).toBe(Math.fround(q * scale));
    }
  });

  it('asymmetric: scale = (hi − lo)/15 and zp = roundHalfEven(clamp(qmin − lo/scale))', () => {
    const w = Tensor.from([[0, 1, 2, 3]], undefined, 'float64');
    const { value, scales, zeroPoints } = fakeQuantize(w, { numBits: 4, symmetric: false, strategy: 'channel' });
    expect(scales.data[0]).toBe(3 / 15);
    expect(zeroPoints[0]).toBe(-8);
    for (let j = 0; j < 4; j++) expect(value.data[j]).toBeCloseTo(j, 12);
  });

  it('scale 0 becomes machine epsilon (2⁻²³ float32, 2⁻⁵² float64)', () => {
    expect(fakeQuantize(Tensor.from([[0, 0]]), { numBits: 8, symmetric: true, strategy: 'channel' }).scales.data[0]).toBe(2 ** -23);
    expect(fakeQuantize(Tensor.from([[0, 0]], undefined, 'float64'), { numBits: 8, symmetric: true, strategy: 'channel' }).scales.data[0]).toBe(2 ** -52);
  });

  it('group: groupSize consecutive columns of a row; token is per row', () => {
    const w = Tensor.from([[1, 2, 10, 20], [4, 4, 0, -8]], undefined, 'float64');
    const g = fakeQuantize(w, { numBits: 8, symmetric: true, strategy: 'group', groupSize: 2 });
    expect(g.scales.shape).toEqual([2, 2]);
    expect(Array.from(g.scales.data)).toEqual([2 / 127.5, 20 / 127.5, 4 / 127.5, 8 / 127.5]);
    const t = fakeQuantize(w, { numBits: 8, symmetric: true, strategy: 'token' });
    expect(Array.from(t.scales.data)).toEqual([20 / 127.5, 8 / 127.5]);
    expect(() => fakeQuantize(w, { numBits: 8, symmetric: true, strategy: 'group' })).toThrow(/groupSize/);
  });
});
