/**
 * A modifier's position in the running recipe, for splitting the run's random stream (lifecycle.md §3.1:
 * `index` is never set by recipe parsing). The session layer installs the resolver (src/sim/oneshot.ts does),
 * so this folder does not import the session. @internal
 */
import type { Modifier } from '../modifier.ts';

let resolver: ((m: Modifier) => number | null) | null = null;

export function setModifierPositionResolver(fn: ((m: Modifier) => number | null) | null): void {
  resolver = fn;
}

export function modifierPosition(m: Modifier): number | null {
  const p = resolver?.(m);
  return p === undefined || p === null || p < 0 ? null : p;
}
