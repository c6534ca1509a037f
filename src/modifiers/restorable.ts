/**
 * The snapshot protocol for modifiers (a journal's `replay --to N` restores a run at call K instead of
 * re-executing calls 1…K, see src/log/snapshot.ts). A modifier opts in by implementing `Restorable`:
 * after the run's initialize call re-ran on a fresh lifecycle (which rebuilds its fields and targets),
 * `restoreState(saveState())` must give it exactly the private state it had. A modifier that does not
 * implement it (calibration statistics, hooks on the model, applied transforms) is not restorable, and
 * a replay re-executes instead, naming it.
 */
import type { Modifier } from './modifier.ts';

/** A modifier's private state as plain values and integer arrays (masks as pruned indices). */
export interface SavedModifierState {
  values: Record<string, number | boolean | string | null>;
  arrays: Record<string, Uint32Array>;
}

export interface Restorable {
  saveState(): SavedModifierState;
  restoreState(saved: SavedModifierState): void;
}

export function isRestorable(m: Modifier): m is Modifier & Restorable {
  const r = m as Partial<Restorable>;
  return typeof r.saveState === 'function' && typeof r.restoreState === 'function';
}
