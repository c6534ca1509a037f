/**
 * Python arithmetic and truthiness (lifecycle.md §0).
 */
import { describe, expect, it } from 'vitest';
import { isTruthy, pyFloorDiv, pyInt, pyMod } from '../../src/core/python.ts';

/** `a | b | a % b (Python)` */
const MOD: [number, number, number][] = [
  [0.25, 0.05, 0.04999999999999999],
  [7, 3, 1],
  [-7, 3, 2],
  [7, -3, -2],
  [-7, -3, -1],
  [-1, 2.5, 1.5],
  [-5, 3, 1],
  [25, 10, 5],
  [2.5, 1.25, 0],
  [2.5, 1.0, 0.5],
  [6, 3, 0],
  [-6, 3, 0],
  [0, 5, 0],
];

describe('pyMod', () => {
  it.each(MOD)('%s %% %s = %s', (a, b, expected) => {
    // `+ 0` folds −0 into 0: the spec's recipe (JS `%`, then adjust) yields −0 for −6 % 3; Python's 0 == −0.
    expect(pyMod(a, b) + 0).toBe(expected);
  });

  it('does not use a − b·floor(a/b) (which gives 0 for 0.25 % 0.05)', () => {
    expect(pyMod(0.25, 0.05)).not.toBe(0);
  });

  it('takes the sign of the divisor', () => {
    for (const [a, b] of [[-7, 3], [7, -3], [-0.5, 0.2], [0.5, -0.2]]) {
      const r = pyMod(a, b);
      expect(r === 0 || Math.sign(r) === Math.sign(b)).toBe(true);
    }
  });
});

/** `a | b | a // b (Python)` */
const FLOORDIV: [number, number, number][] = [
  [7, 3, 2],
  [-7, 3, -3],
  [7, -3, -3],
  [-7, -3, 2],
  [25, 10, 2],
  [-5, 3, -2],
  [6, 3, 2],
];

describe('pyFloorDiv', () => {
  it.each(FLOORDIV)('%s // %s = %s', (a, b, expected) => {
    expect(pyFloorDiv(a, b)).toBe(expected);
  });
});

describe('pyInt', () => {
  const rows: [number, number][] = [
    [3.7, 3],
    [-2.7, -2],
    [25.5, 25],
    [0, 0],
    [-0.5, -0],
  ];
  it.each(rows)('int(%s) = %s (toward zero)', (x, expected) => {
    expect(pyInt(x) === expected).toBe(true);
  });
});

describe('isTruthy', () => {
  const rows: [string, unknown, boolean][] = [
    ['null', null, false],
    ['undefined', undefined, false],
    ['0', 0, false],
    ["''", '', false],
    ['[]', [], false],
    ['{}', {}, false],
    ['false', false, false],
    ['1', 1, true],
    ['-1', -1, true],
    ["'a'", 'a', true],
    ['[0]', [0], true],
    ['{a: 1}', { a: 1 }, true],
    ['true', true, true],
  ];
  it.each(rows)('%s → %s', (_n, v, expected) => {
    expect(isTruthy(v)).toBe(expected);
  });
});
