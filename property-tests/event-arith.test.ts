/**
 * Event arithmetic (lifecycle.md §0, §2) against oracles that share no code with src/core/python.ts:
 * BigInt floored division for integers, exact rational arithmetic (doubles are dyadic rationals)
 * for floats, and values CPython computed (fixtures/pyFloatArith.json).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { pyFloorDiv, pyMod } from '../src/core/python.ts';
import { Event } from '../src/core/events.ts';
import { eventInit } from './arbitraries/eventInit.ts';
import { finiteDouble } from './arbitraries/finiteDouble.ts';
import pyFixture from './fixtures/pyFloatArith.json' with { type: 'json' };

// ---- oracles ------------------------------------------------------------------------------------

/** Floored division and modulo on BigInt (Python's int semantics). */
function bigFloorDivMod(a: bigint, b: bigint): [bigint, bigint] {
  let q = a / b; // truncates
  let r = a % b;
  if (r !== 0n && r < 0n !== b < 0n) {
    q -= 1n;
    r += b;
  }
  return [q, r];
}

/** A finite double as an exact rational n / 2^k. */
function toDyadic(x: number): { n: bigint; k: number } {
  let k = 0;
  let y = x;
  while (!Number.isInteger(y)) {
    y *= 2; // exact: scaling by two
    k++;
  }
  return { n: BigInt(y), k };
}

/** Round the exact rational n / 2^k to the nearest double (valid while the result is normal). */
function fromDyadic(n: bigint, k: number): number {
  let v = Number(n); // correctly rounded
  while (k > 0) {
    const s = Math.min(k, 1000);
    v *= 2 ** -s; // exact while v stays normal
    k -= s;
  }
  return v;
}

/** Python's float `%`: the exact floored remainder, rounded once. */
function exactPyMod(a: number, b: number): number {
  const da = toDyadic(a);
  const db = toDyadic(b);
  const k = Math.max(da.k, db.k);
  const A = da.n << BigInt(k - da.k);
  const B = db.n << BigInt(k - db.k);
  return fromDyadic(bigFloorDivMod(A, B)[1], k);
}

/** Equal as numbers (0 and -0 are the same; the spec says nothing about the sign of zero). */
const same = (x: number, y: number) => x === y || (Number.isNaN(x) && Number.isNaN(y));

// |a| + |b| ≤ 2^53 keeps a − pyMod(a, b) exact; beyond it the spec's formula rounds (e.g.
// pyFloorDiv(-9007061815638975, 1030792151023) = -8738.999999999998, Python says -8739).
const safeInt = fc.oneof(fc.integer({ min: -100, max: 100 }), fc.integer({ min: -(2 ** 52), max: 2 ** 52 }), fc.integer({ min: -(2 ** 40), max: 2 ** 40 }));
const nonZeroInt = safeInt.filter((n) => n !== 0);
const fromBig = (b: bigint) => Number(b);

// ---- pyMod / pyFloorDiv -----------------------------------------------------------------------------

describe('pyMod and pyFloorDiv', () => {
  it('integers: equal BigInt floored division and modulo', () => {
    fc.assert(
      fc.property(safeInt, nonZeroInt, (a, b) => {
        const [q, r] = bigFloorDivMod(BigInt(a), BigInt(b));
        expect(pyMod(a, b), `pyMod(${a}, ${b})`).toSatisfy((x: number) => same(x, fromBig(r)));
        expect(pyFloorDiv(a, b), `pyFloorDiv(${a}, ${b})`).toSatisfy((x: number) => same(x, fromBig(q)));
      }),
      { numRuns: 1000 },
    );
  });

  it('floats: pyMod is the exact floored remainder rounded once (CPython float_rem)', () => {
    fc.assert(
      fc.property(finiteDouble(), finiteDouble({ nonZero: true, minMagnitude: 1e-6 }), (a, b) => {
        const want = exactPyMod(a, b);
        fc.pre(Math.abs(want) === 0 || Math.abs(want) > 1e-290);
        expect(pyMod(a, b)).toSatisfy((got: number) => same(got, want), `pyMod(${a}, ${b}) should be ${want}`);
      }),
      { numRuns: 1000 },
    );
  });

  it('floats: pyMod matches values computed by CPython', () => {
    for (const c of pyFixture.cases) {
      expect(pyMod(c.a, c.b), `${c.a} % ${c.b}`).toSatisfy((got: number) => same(got, c.mod));
    }
  });

  it('pyMod result has the sign of the divisor and magnitude ≤ |divisor|', () => {
    fc.assert(
      fc.property(finiteDouble(), finiteDouble({ nonZero: true }), (a, b) => {
        const r = pyMod(a, b);
        expect(r === 0 || r < 0 === b < 0).toBe(true);
        expect(Math.abs(r) <= Math.abs(b)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('the spec examples: 0.25 % 0.05 and -1 % 2.5', () => {
    expect(pyMod(0.25, 0.05)).toBe(0.04999999999999999);
    expect(pyMod(-1, 2.5)).toBe(1.5);
  });

  // Spec §0 defines pyFloorDiv(a, b) = (a − pyMod(a, b)) / b, which is exact for integers but not
  // CPython's float `//` floors and snaps the quotient (float_divmod); pyFloorDiv does the same.
  it('pyFloorDiv on floats equals CPython // (e.g. 0.65 // 0.05 = 12.0)', () => {
    for (const c of pyFixture.cases) {
      expect(pyFloorDiv(c.a, c.b), `${c.a} // ${c.b}`).toSatisfy((got: number) => same(got, c.floordiv));
    }
  });
});

// ---- Event members ------------------------------------------------------------------------------

function oracle(init: { stepsPerEpoch: number | null; batchesPerStep: number | null; globalStep: number; globalBatch: number }) {
  const { stepsPerEpoch: S, batchesPerStep: B, globalStep: g, globalBatch: gb } = init;
  if (S === null) return null;
  const [epoch, epochStep] = bigFloorDivMod(BigInt(g), BigInt(S));
  const P = B !== null && B !== 0 ? S * B : S;
  const [, epochBatch] = bigFloorDivMod(BigInt(gb), BigInt(P));
  return { epoch: fromBig(epoch), epochStep: fromBig(epochStep), epochBatch: fromBig(epochBatch), epochFull: g / S };
}

const E1 = 'Event is not epoch based';
const E3 = 'Event stepsPerEpoch is 0: cannot divide by zero';

describe('Event epoch members (integers) against BigInt', () => {
  it('epoch, epochFull, epochStep, epochBatch, currentIndex', () => {
    fc.assert(
      fc.property(eventInit(), (init) => {
        const e = new Event(init);
        const want = oracle(init);
        expect(e.epochBased).toBe(init.stepsPerEpoch !== null);
        if (want === null) {
          for (const k of ['epoch', 'epochFull', 'epochStep', 'epochBatch'] as const) expect(() => e[k]).toThrowError(E1);
          expect(e.currentIndex).toBe(init.globalStep);
          return;
        }
        expect(same(e.epoch, want.epoch)).toBe(true);
        expect(same(e.epochStep, want.epochStep)).toBe(true);
        expect(same(e.epochBatch, want.epochBatch)).toBe(true);
        expect(e.epochFull).toBe(want.epochFull);
        expect(e.currentIndex).toBe(want.epochFull);
      }),
      { numRuns: 1000 },
    );
  });

  it('stepsPerEpoch 0 is epoch based and every epoch member throws E3', () => {
    fc.assert(
      fc.property(fc.integer({ min: -50, max: 50 }), fc.option(fc.integer({ min: 0, max: 4 }), { nil: null }), (g, B) => {
        const e = new Event({ stepsPerEpoch: 0, batchesPerStep: B, globalStep: g, globalBatch: g });
        expect(e.epochBased).toBe(true);
        for (const k of ['epoch', 'epochFull', 'epochStep', 'epochBatch', 'currentIndex'] as const) expect(() => e[k]).toThrowError(E3);
      }),
      { numRuns: 100 },
    );
  });

  it('the spec table of derived values', () => {
    const rows: [ConstructorParameters<typeof Event>[0], number, number, number, number, number][] = [
      [{ stepsPerEpoch: 10, globalStep: 25 }, 2, 2.5, 5, 0, 2.5],
      [{ stepsPerEpoch: 10, globalStep: 25, batchesPerStep: 2, globalBatch: 50 }, 2, 2.5, 5, 10, 2.5],
      [{ stepsPerEpoch: 10, globalStep: 25, globalBatch: 57 }, 2, 2.5, 5, 7, 2.5],
      [{ stepsPerEpoch: 4, globalStep: 10, batchesPerStep: 3, globalBatch: 31 }, 2, 2.5, 2, 7, 2.5],
      [{ stepsPerEpoch: 3, globalStep: -5 }, -2, -1.6666666666666667, 1, 0, -1.6666666666666667],
    ];
    for (const [init, epoch, full, step, batch, ci] of rows) {
      const e = new Event(init);
      expect([e.epoch, e.epochFull, e.epochStep, e.epochBatch, e.currentIndex]).toEqual([epoch, full, step, batch, ci]);
    }
  });
});

// ---- currentIndex setter ----------------------------------------------------------------------

describe('currentIndex setter and getter', () => {
  const gbOf = (g: number, B: number | null) => (B === null || B < 2 ? g : g * B);

  it('not epoch based: set v → globalStep = int(v); get gives it back; integer v round-trips', () => {
    fc.assert(
      fc.property(finiteDouble({ max: 1e12 }), fc.option(fc.integer({ min: 0, max: 5 }), { nil: null }), (v, B) => {
        const e = new Event({ batchesPerStep: B });
        e.currentIndex = v;
        expect(same(e.globalStep, Math.trunc(v))).toBe(true);
        expect(same(e.globalBatch, gbOf(Math.trunc(v), B))).toBe(true);
        expect(same(e.currentIndex, Math.trunc(v))).toBe(true);
        if (Number.isInteger(v)) expect(same(e.currentIndex, v)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('epoch based: set v → globalStep = int(v·S); get → globalStep / S', () => {
    fc.assert(
      fc.property(finiteDouble({ max: 1e6 }), fc.integer({ min: 1, max: 1000 }), fc.option(fc.integer({ min: 0, max: 5 }), { nil: null }), (v, S, B) => {
        const e = new Event({ stepsPerEpoch: S, batchesPerStep: B });
        e.currentIndex = v;
        const g = Math.trunc(v * S);
        expect(same(e.globalStep, g)).toBe(true);
        expect(same(e.globalBatch, gbOf(g, B))).toBe(true);
        expect(e.currentIndex).toBe(g / S);
      }),
      { numRuns: 500 },
    );
  });

  it('epoch based round trip: set(get()) keeps globalStep within one step, exactly when (g/S)·S is exact', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e6, max: 1e6 }), fc.integer({ min: 1, max: 1000 }), (g, S) => {
        const e = new Event({ stepsPerEpoch: S, globalStep: g });
        e.currentIndex = e.currentIndex;
        expect(Math.abs(e.globalStep - g)).toBeLessThanOrEqual(1);
        if ((g / S) * S === g) expect(same(e.globalStep, g)).toBe(true);
      }),
      { numRuns: 1000 },
    );
    // Python: int((1 / 49) * 49) == 0, so the round trip loses a step; we must do the same.
    const e = new Event({ stepsPerEpoch: 49, globalStep: 1 });
    e.currentIndex = e.currentIndex;
    expect(e.globalStep).toBe(0);
  });

  it('the spec setter examples', () => {
    const cases: [ConstructorParameters<typeof Event>[0], number, number, number][] = [
      [{}, 3.7, 3, 3],
      [{ batchesPerStep: 4 }, 3.7, 3, 12],
      [{ batchesPerStep: 1 }, 5, 5, 5],
      [{ stepsPerEpoch: 10 }, 2.55, 25, 25],
      [{ stepsPerEpoch: 10, batchesPerStep: 2 }, 1.5, 15, 30],
      [{}, -2.7, -2, -2],
    ];
    for (const [init, v, g, gb] of cases) {
      const e = new Event(init);
      e.currentIndex = v;
      expect([e.globalStep, e.globalBatch]).toEqual([g, gb]);
    }
  });
});

// ---- shouldUpdate -----------------------------------------------------------------------------

describe('shouldUpdate', () => {
  it('matches the §2 rule with an exact-rational modulo', () => {
    const bound = fc.option(fc.integer({ min: -8, max: 8 }).map((q) => q / 4, (v) => (v as number) * 4), { nil: null });
    fc.assert(
      fc.property(eventInit({ maxStep: 40 }).filter((i) => i.stepsPerEpoch === null || Math.abs(i.stepsPerEpoch) <= 64), bound, bound, bound, (init, start, end, update) => {
        const e = new Event(init);
        const c = init.stepsPerEpoch === null ? init.globalStep : init.globalStep / init.stepsPerEpoch;
        let want: boolean;
        if (start !== null && c < start) want = false;
        else if (end !== null && c > end) want = false;
        else if (update === null || update <= 0) want = true;
        else want = exactPyMod(c, update) < 1e-10;
        expect(e.shouldUpdate(start, end, update)).toBe(want);
      }),
      { numRuns: 1000 },
    );
  });

  it('the spec examples', () => {
    const e = new Event({ stepsPerEpoch: 10, globalStep: 25 });
    const rows: [number | null, number | null, number | null, boolean][] = [
      [0, 30, 2.5, true], [0, 20, 5, false], [0, 30, 0, true], [null, null, null, true], [3, null, null, false],
      [2.5, 2.5, null, true], [null, 2.4, null, false], [0, 30, -1, true], [0, 30, 0.5, true], [0, 30, 1.25, true], [0, 30, 1.0, false],
    ];
    for (const [s, en, u, want] of rows) expect(e.shouldUpdate(s, en, u), `(${s},${en},${u})`).toBe(want);
    const f = new Event({ globalStep: 7 });
    expect([f.shouldUpdate(0, null, 7), f.shouldUpdate(0, null, 2), f.shouldUpdate(8, null, null), f.shouldUpdate(null, 7, null), f.shouldUpdate(null, 6, null)]).toEqual([true, false, false, true, false]);
    expect(new Event({ globalStep: -1 }).shouldUpdate(null, null, 2.5)).toBe(false);
  });
});
