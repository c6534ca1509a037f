/**
 * Python's arithmetic and truthiness, which the spec's rules are written in (lifecycle.md §0).
 * JavaScript's `%` truncates; Python's floors, so schedules with negative steps or float periods
 * would disagree without these.
 */

/** Floored modulo: the result takes the sign of the divisor. Built from `%`, which is exact. */
export function pyMod(a: number, b: number): number {
  const r = a % b;
  return r !== 0 && (r < 0) !== (b < 0) ? r + b : r;
}

/** Floor division consistent with {@link pyMod}. */
export function pyFloorDiv(a: number, b: number): number {
  return (a - pyMod(a, b)) / b;
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

/** Python `repr` of a string: single quotes unless the string holds one. */
export function pyStrRepr(s: string): string {
  return s.includes("'") && !s.includes('"') ? `"${s}"` : `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
