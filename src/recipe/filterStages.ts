/**
 * Upstream `filter_dict` (Q14, KEEP): with a truthy `targetStage`, keep only the top-level keys
 * that start with it. A prefix match, so `test` keeps `test_stage` and `test2_stage`, and `args`
 * is dropped unless it happens to start with the target.
 */
import { isTruthy } from '../core/python.ts';

export function filterStages(mapping: Record<string, unknown>, targetStage?: string | null): Record<string, unknown> {
  if (!isTruthy(targetStage)) return mapping;
  return Object.fromEntries(Object.entries(mapping).filter(([k]) => k.startsWith(targetStage as string)));
}
