/**
 * A value as it reads in an error message, for any value a caller can pass from JavaScript: JSON where
 * JSON can say it, and never a throw (`JSON.stringify` throws on a BigInt or a cycle, and prints NaN as
 * `null`, which made "must be a number or null, got null" messages).
 */
export function showValue(v: unknown, limit = 200): string {
  const seen = new WeakSet<object>();
  let text: string | undefined;
  try {
    text = JSON.stringify(v, (_k, x: unknown) => {
      if (typeof x === 'bigint') return `${x}n`;
      if (typeof x === 'number' && !Number.isFinite(x)) return String(x);
      if (typeof x === 'function') return `[function ${x.name || 'anonymous'}]`;
      if (typeof x === 'symbol') return x.toString();
      if (typeof x === 'object' && x !== null) {
        if (seen.has(x)) return '[Circular]';
        seen.add(x);
      }
      return x;
    });
  } catch (e) {
    text = `[unprintable ${typeof v}: ${(e as Error).message}]`;
  }
  if (typeof v === 'bigint' || (typeof v === 'number' && !Number.isFinite(v))) text = typeof v === 'bigint' ? `${v}n` : String(v);
  if (text === undefined) text = String(v);
  return text.length > limit ? `${text.slice(0, limit)}…` : text;
}
