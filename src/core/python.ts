/**
 * Python's arithmetic and truthiness, which the spec's rules are written in (lifecycle.md §0).
 * JavaScript's `%` truncates; Python's floors, so schedules with negative steps or float periods
 * would disagree without these.
 */

/**
 * Floored modulo: the result takes the sign of the divisor. Built from `%`, which is exact; a zero
 * result takes the divisor's sign, as CPython's `float.__mod__` does.
 */
export function pyMod(a: number, b: number): number {
  const r = a % b;
  if (r === 0) return b < 0 || Object.is(b, -0) ? -0 : 0;
  return (r < 0) !== (b < 0) ? r + b : r;
}

/**
 * Floor division as CPython's `float_divmod` computes it: divide the exact difference, then snap
 * to the nearest whole number, so `0.65 // 0.05` is `12.0`, not `12.000000000000002`.
 */
export function pyFloorDiv(a: number, b: number): number {
  let mod = a % b;
  let div = (a - mod) / b;
  if (mod !== 0 && (b < 0) !== (mod < 0)) {
    mod += b;
    div -= 1;
  }
  if (div === 0) return Math.sign(a / b) < 0 || Object.is(a / b, -0) ? -0 : 0;
  let floor = Math.floor(div);
  if (div - floor > 0.5) floor += 1;
  return floor;
}

/** Python's `int(x)`: truncation toward zero. */
export function pyInt(x: number): number {
  return Math.trunc(x);
}

/** Python truthiness: null/undefined, 0, '', [] and {} are falsy. */
export function isTruthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === 0 || v === '' || Number.isNaN(v)) return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) return Object.keys(v as object).length > 0;
  return true;
}
