/**
 * Replays phases from lifecycle records alone, independently of src/viz: the phase of each modifier
 * once every record up to a position has happened (positions: global steps, then N after finalize).
 */
import type { LifecycleRecord } from '../../src/core/records.ts';
import type { ModifierPhase } from '../../machines/modifier.machine.ts';

export function phasesFromRecords(records: readonly LifecycleRecord[], count: number, position: number, steps: number): ModifierPhase[] {
  const phases: ModifierPhase[] = new Array(count).fill('uninitialized');
  let at = 0;
  for (const r of records) {
    if (r.type === 'call.event') at = r.globalStep;
    if (r.type === 'call.finalize') at = steps;
    if (at > position) break;
    if (r.type === 'effect.transition') phases[r.position] = r.to;
  }
  return phases;
}
