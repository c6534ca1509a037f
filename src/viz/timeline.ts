/**
 * A timeline: what each modifier's phase was at each position of a run, built from the lifecycle's
 * records and the schedule. Positions are the global steps 0…N−1 (phase after the step's events;
 * `initialize` counts as step 0) and N, after `finalize`. Phases are run-length encoded (a segment
 * per change), so a 100,000-step run costs a handful of segments per modifier. Pure: records in,
 * data out; a recipe run and a journal are just two sources of records.
 */
import type { ModifierPhase } from '../../machines/modifier.machine.ts';
import type { EventType } from '../core/events.ts';
import type { HookName, LifecycleRecord } from '../core/records.ts';
import { indexToStep, scheduleProblem, totalSteps, type ModifierSchedule, type RunSchedule, type ScheduleProblem } from './schedule.ts';

/** The call whose dispatch changed a phase (and the hook that was running). */
export interface Cause {
  seq: number;
  call: 'initialize' | 'event' | 'finalize' | 'reset';
  eventType: EventType | null;
  hook: HookName | null;
}

export interface PhaseChange {
  position: number;
  from: ModifierPhase;
  to: ModifierPhase;
  cause: Cause;
}

/** A run of positions [from, next segment's from) with one phase. */
export interface PhaseSegment {
  from: number;
  phase: ModifierPhase;
}

/** Something a modifier reported doing (`effect.modifier`), at a position. */
export interface EffectMark {
  position: number;
  kind: string;
  data: unknown;
}

export type NotStartedReason =
  | ScheduleProblem
  | { kind: 'on-initialize-false'; text: string }
  | { kind: 'error'; text: string }
  | { kind: 'unknown'; text: string };

export interface ModifierTrack {
  schedule: ModifierSchedule;
  segments: PhaseSegment[];
  changes: PhaseChange[];
  /** Positions where the schedule's `update` cadence fell while the modifier was active. */
  updates: number[];
  effects: EffectMark[];
  warnings: { position: number; message: string }[];
  startedAt: number | null;
  endedAt: number | null;
  /** Why the schedule can never start it (drawn and flagged, not an error). */
  problem: ScheduleProblem | null;
  /** Set when the records show it never started. */
  notStarted: NotStartedReason | null;
}

export interface Timeline {
  schedule: RunSchedule;
  /** N: positions 0…N−1 are steps, N is after finalize. */
  steps: number;
  tracks: ModifierTrack[];
  /** The model's sparsity where it changed (position, fraction), when the source measured it. */
  modelSparsity: Array<[number, number]> | null;
  errors: { position: number; call: string; message: string }[];
}

export interface TimelineExtras {
  modelSparsity?: Array<[number, number]> | null;
}

/** Scheduled update points (Event.shouldUpdate) inside [from, to]. */
function updatePoints(s: RunSchedule, m: ModifierSchedule, from: number, to: number): number[] {
  if (m.update === null || !(m.update > 0)) return [];
  const out: number[] = [];
  const step = indexToStep(s, m.update);
  const first = indexToStep(s, m.start ?? 0);
  if (!(step > 0)) return out;
  // Walk the cadence instead of testing every step: a long run stays cheap.
  for (let k = Math.max(0, Math.ceil((from - first) / step - 1e-9)); ; k++) {
    const g = Math.round(first + k * step);
    if (g > to) break;
    if (g >= from && Math.abs(first + k * step - g) < 1e-6) out.push(g);
  }
  return out;
}

function newTrack(schedule: RunSchedule, m: ModifierSchedule): ModifierTrack {
  return {
    schedule: m,
    segments: [{ from: 0, phase: 'uninitialized' }],
    changes: [],
    updates: [],
    effects: [],
    warnings: [],
    startedAt: null,
    endedAt: null,
    problem: scheduleProblem(schedule, m),
    notStarted: null,
  };
}

/** Builds the timeline from records (any order-preserving source) and the schedule facts. */
export function buildTimeline(records: Iterable<LifecycleRecord>, schedule: RunSchedule, extras: TimelineExtras = {}): Timeline {
  let steps = totalSteps(schedule);
  const tracks = schedule.modifiers.map((m) => newTrack(schedule, m));
  const errors: Timeline['errors'] = [];
  const initHookCalled = new Set<number>();
  const lastHook = new Map<number, HookName>();
  let position = 0;
  let cause: Cause = { seq: -1, call: 'initialize', eventType: null, hook: null };
  let finalPositionPending = false;
  const initialized = new Set<number>();

  for (const r of records) {
    switch (r.type) {
      case 'call.initialize':
        position = 0;
        finalPositionPending = false; // a reset before it (oneshot resets first) is not the run's end
        cause = { seq: r.seq, call: 'initialize', eventType: null, hook: null };
        break;
      case 'call.event':
        position = r.globalStep;
        if (position + 1 > steps) steps = position + 1;
        cause = { seq: r.seq, call: 'event', eventType: r.eventType, hook: null };
        break;
      case 'call.finalize':
      case 'call.reset':
        finalPositionPending = true;
        cause = { seq: r.seq, call: r.type === 'call.finalize' ? 'finalize' : 'reset', eventType: null, hook: null };
        break;
      case 'effect.hook':
        lastHook.set(r.position, r.hook);
        if (r.hook === 'onInitialize') initHookCalled.add(r.position);
        break;
      case 'effect.transition': {
        const t = tracks[r.position];
        if (!t) break;
        // Finalize positions are known only once every step has been seen: fix them up at the end.
        const at = finalPositionPending ? -1 : position;
        const change: PhaseChange = { position: at, from: r.from, to: r.to, cause: { ...cause, hook: lastHook.get(r.position) ?? null } };
        t.changes.push(change);
        if (r.flag === 'initialized') initialized.add(r.position);
        if (r.flag === 'started' && t.startedAt === null) t.startedAt = at;
        if (r.flag === 'ended' && t.endedAt === null) t.endedAt = at;
        break;
      }
      case 'effect.modifier': {
        const t = tracks[r.position];
        if (t) t.effects.push({ position: finalPositionPending ? -1 : position, kind: r.kind, data: r.data });
        break;
      }
      case 'effect.warning':
        if (r.modifier && tracks[r.modifier.position]) tracks[r.modifier.position].warnings.push({ position: finalPositionPending ? -1 : position, message: r.message });
        break;
      case 'effect.error':
      case 'call.rejected':
        errors.push({ position: finalPositionPending ? -1 : position, call: r.call, message: `${r.error.name}: ${r.error.message}` });
        break;
    }
  }
  const fix = (p: number) => (p < 0 ? steps : p);
  for (const e of errors) e.position = fix(e.position);
  tracks.forEach((t, i) => {
    for (const c of t.changes) {
      c.position = fix(c.position);
      const last = t.segments[t.segments.length - 1];
      if (last.from === c.position) last.phase = c.to;
      else if (last.phase !== c.to) t.segments.push({ from: c.position, phase: c.to });
    }
    // Collapse a segment that a same-position change returned to its predecessor's phase.
    t.segments = t.segments.filter((s, i, all) => i === 0 || all[i - 1].phase !== s.phase);
    if (t.startedAt !== null) t.startedAt = fix(t.startedAt);
    if (t.endedAt !== null) t.endedAt = fix(t.endedAt);
    for (const e of t.effects) e.position = fix(e.position);
    for (const w of t.warnings) w.position = fix(w.position);
    // A schedule problem is a prediction ("never starts"); a modifier the records show started (a one-shot
    // run's calibration modifiers start on calibration events) proves it did not apply to this run.
    if (t.startedAt !== null) t.problem = null;
    if (t.startedAt !== null) t.updates = updatePoints(schedule, t.schedule, t.startedAt, t.endedAt ?? steps - 1);
    else t.notStarted = notStartedReason(t, initHookCalled.has(i) && !initialized.has(i), errors);
  });
  return { schedule, steps, tracks, modelSparsity: extras.modelSparsity ?? null, errors };
}

function notStartedReason(t: ModifierTrack, initializeFailed: boolean, errors: Timeline['errors']): NotStartedReason {
  if (initializeFailed) return { kind: 'on-initialize-false', text: 'onInitialize returned false: the modifier stayed uninitialized, so nothing starts it' };
  if (t.problem) return t.problem;
  if (errors.length) return { kind: 'error', text: `the run stopped on an error: ${errors[0].message}` };
  return { kind: 'unknown', text: 'no start was recorded (the records hold no started transition for it)' };
}

/** The segment covering `position` (binary search over the run-length encoding). */
export function phaseAt(track: ModifierTrack, position: number): ModifierPhase {
  const s = track.segments;
  let lo = 0;
  let hi = s.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (s[mid].from <= position) lo = mid;
    else hi = mid - 1;
  }
  return s[lo].phase;
}

/** `step 8 (epoch 2)` or `after finalize`. */
export function describePosition(t: Timeline, position: number): string {
  if (position >= t.steps) return 'after finalize';
  const S = t.schedule.stepsPerEpoch;
  return S === null ? `step ${position}` : `step ${position} (epoch ${Number((position / S).toFixed(3))})`;
}

export function describeCause(c: Cause): string {
  const what = c.call === 'event' ? `${c.eventType} event` : `${c.call}()`;
  return c.hook ? `${what}, in ${c.hook}` : what;
}
