/**
 * The schedule facts a timeline is drawn against: each modifier's `start`/`end`/`update` and the run's
 * shape (epochs × steps per epoch × micro-batches). Records say what happened; the schedule says what
 * was asked for, so a modifier that never started can be flagged with the reason.
 */
import type { Fidelity } from '../core/fidelity.ts';
import type { Modifier } from '../modifiers/modifier.ts';

export interface ModifierSchedule {
  /** `group/Class` when a class appears twice, else the class name without `Modifier`. */
  label: string;
  modifierType: string;
  start: number | null;
  end: number | null;
  update: number | null;
}

export interface RunSchedule {
  modifiers: ModifierSchedule[];
  epochs: number;
  /** When known, `start`/`end`/`update` are in epochs (Event.currentIndex is the fractional epoch). */
  stepsPerEpoch: number | null;
  batchesPerStep: number;
  fidelity: Fidelity;
}

/** Why a schedule can never start its modifier, whatever the records say. */
export type ScheduleProblem =
  | { kind: 'no-start'; text: string }
  | { kind: 'start-not-before-end'; text: string }
  | { kind: 'start-beyond-run'; text: string }
  | { kind: 'fidelity-q1'; text: string };

/** Short, unambiguous labels: a recipe may hold the same class twice (in different groups). */
export function modifierLabels(modifiers: readonly Pick<Modifier, 'group'>[]): string[] {
  const short = modifiers.map((m) => m.constructor.name.replace(/Modifier$/, ''));
  return modifiers.map((m, i) => (short.filter((s) => s === short[i]).length > 1 && m.group ? `${m.group}/${short[i]}` : short[i]));
}

export function scheduleOf(modifiers: readonly Modifier[]): ModifierSchedule[] {
  const labels = modifierLabels(modifiers);
  return modifiers.map((m, i) => ({ label: labels[i], modifierType: m.constructor.name, start: m.start, end: m.end, update: m.update }));
}

/** Optimizer steps in the run. */
export function totalSteps(s: RunSchedule): number {
  return s.epochs * (s.stepsPerEpoch ?? 1);
}

/** The global step at which a schedule index (epochs or steps) falls. */
export function indexToStep(s: RunSchedule, index: number): number {
  return s.stepsPerEpoch === null ? index : index * s.stepsPerEpoch;
}

const unit = (s: RunSchedule) => (s.stepsPerEpoch === null ? 'step' : 'epoch');

/** The schedule index of the run's last event. */
function lastIndex(s: RunSchedule): number {
  const n = totalSteps(s);
  return s.stepsPerEpoch === null ? n - 1 : (n - 1) / s.stepsPerEpoch;
}

/**
 * Why `m` can never start in this run (lifecycle.md §3.4: start ≤ index < end at a BATCH_START), or
 * null when it can. Order: the schedule itself, then the run's length, then the fidelity quirk Q1.
 */
export function scheduleProblem(s: RunSchedule, m: ModifierSchedule): ScheduleProblem | null {
  if (m.start === null) {
    return { kind: 'no-start', text: 'start is null: no training event starts it (calibration-driven modifiers start on calibration events: run them with oneshot)' };
  }
  if (m.end !== null && m.start >= m.end) {
    return { kind: 'start-not-before-end', text: `schedule: start ${m.start} ≥ end ${m.end}, so start ≤ ${unit(s)} < end never holds` };
  }
  const last = lastIndex(s);
  if (m.start > last) {
    return { kind: 'start-beyond-run', text: `schedule: start ${m.start} is beyond the run (its last ${unit(s)} index is ${Number(last.toFixed(4))})` };
  }
  if (s.fidelity === 'reference' && m.start > 0) {
    return { kind: 'fidelity-q1', text: `fidelity quirk Q1: under 'reference' lifecycle events carry no step (index always 0), so start ${m.start} > 0 never starts` };
  }
  return null;
}
