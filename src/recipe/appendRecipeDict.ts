/**
 * Upstream `append_recipe_dict` (lifecycle.md §8.4, Q20): adds a new recipe's top-level keys to a
 * saved one. A key not yet present is added; a plain key already present is renamed `<key>_0` and
 * the new one added as `<key>_1`; a suffixed key gets the first free suffix ≥ 1.
 *
 * `'reference'` keeps upstream's flaw: after `_0`/`_1` exist, the plain key is free again, so the
 * third append adds it back plainly and the fourth overwrites `_0` and `_1` (two stages lost).
 * `'default'` always uses the next free suffix once any numbered copy exists.
 */
import type { Fidelity } from '../core/fidelity.ts';

const SUFFIX = /_\d+$/;

function nextFree(result: Record<string, unknown>, base: string, from: number): string {
  let i = from;
  while (Object.prototype.hasOwnProperty.call(result, `${base}_${i}`)) i += 1;
  return `${base}_${i}`;
}

export function appendRecipeDict(
  existing: Record<string, unknown>,
  added: Record<string, unknown>,
  options: { fidelity?: Fidelity } = {},
): Record<string, unknown> {
  const fidelity = options.fidelity ?? 'default';
  const result: Record<string, unknown> = { ...existing };
  const has = (k: string) => Object.prototype.hasOwnProperty.call(result, k);
  for (const [key, val] of Object.entries(added)) {
    const base = key.replace(SUFFIX, '');
    const numbered = fidelity === 'default' && key === base && has(`${base}_0`);
    if (!has(key) && !numbered) {
      result[key] = val;
    } else if (key === base && has(key)) {
      const old = result[key];
      delete result[key];
      if (fidelity === 'reference') {
        result[`${base}_0`] = old;
        result[`${base}_1`] = val;
      } else {
        result[nextFree(result, base, 0)] = old;
        result[nextFree(result, base, 1)] = val;
      }
    } else {
      result[nextFree(result, base, 1)] = val;
    }
  }
  return result;
}
