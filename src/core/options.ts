/**
 * Options objects: Python keyword arguments as one object. A call with a fixed signature rejects an
 * unknown key the way pydantic's `extra="forbid"` does (E30's layout), so a typo (`target_stage`,
 * `fidelty`) fails loudly instead of being ignored; anything but a plain object is a ValueError
 * naming the call, not a TypeError from reading a property of `null`.
 */
import { ValueError } from './errors.ts';

/**
 * pydantic's validation-error layout (E30): `N validation error(s) for <title>`, then per error the
 * field on one line and the text indented on the next.
 */
export function validationMessage(title: string, errors: readonly { field: string; message: string }[]): string {
  const n = errors.length;
  return `${n} validation error${n === 1 ? '' : 's'} for ${title}\n` + errors.map((e) => `${e.field}\n  ${e.message}`).join('\n');
}

/** E30 for an options object with keys the call does not take. */
export class OptionsValidationError extends ValueError {
  readonly code = 'E30';
  constructor(readonly call: string, readonly keys: readonly string[]) {
    super(validationMessage(call, keys.map((field) => ({ field, message: 'Extra inputs are not permitted' }))));
  }
}

/** How a non-object value reads in a message. */
export function describeValue(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v;
}

/**
 * `value` as an options object for `call` (`undefined` → `{}`). With `allowed`, every other own key
 * is rejected (E30 layout). `expected` replaces "an options object" in the message.
 */
export function optionsObject<T extends object>(call: string, value: T | undefined, allowed?: readonly string[], expected = 'an options object'): T {
  if (value === undefined) return {} as T;
  return requiredOptions(call, value, allowed, expected);
}

/** {@link optionsObject} for a call whose options are required: `undefined` is refused too. */
export function requiredOptions<T extends object>(call: string, value: T, allowed?: readonly string[], expected = 'an options object'): T {
  if (value === undefined || value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ValueError(`${call}() takes ${expected}, got ${describeValue(value)}`);
  }
  if (allowed) {
    const extra = Object.keys(value).filter((k) => !allowed.includes(k));
    if (extra.length) throw new OptionsValidationError(call, extra);
  }
  return value;
}
