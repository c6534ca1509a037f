/**
 * The per-step data an HTML report carries, compacted: phases as (from, phase) runs, update ticks as
 * arithmetic runs (first, stride, count), effects as runs of identical text, sparsity where it changed.
 * Its size follows the number of changes, not of steps (the page-size figure is in `npm run bench`).
 */
import type { ModifierPhase } from '../../machines/modifier.machine.ts';
import { describeCause, describePosition, type EffectMark, type ModifierTrack, type Timeline } from './timeline.ts';

export const PHASES: readonly ModifierPhase[] = ['uninitialized', 'initialized', 'started', 'ended', 'finalized'];
/** Effects kept per modifier; the rest are counted, not listed. */
export const MAX_EFFECTS = 2000;

export interface TrackData {
  label: string;
  type: string;
  schedule: string;
  /** Flat pairs: from, phase index. */
  seg: number[];
  /** Per segment: what changed the phase there (empty for the first). */
  why: string[];
  /** Flat triples: first step, stride, count. */
  upd: number[];
  /** [from, to, text] runs. */
  fx: Array<[number, number, string]>;
  fxDropped: number;
  flag: string | null;
  startedAt: number | null;
  quantization: boolean;
}

export interface ReportData {
  steps: number;
  stepsPerEpoch: number | null;
  tracks: TrackData[];
  /** Flat pairs: position, sparsity. */
  sparsity: number[] | null;
  fidelity: string;
}

const pct = (v: unknown) => `${(Number(v) * 100).toFixed(1)}%`;

/** One line for an effect a modifier reported. */
export function describeEffect(e: Pick<EffectMark, 'kind' | 'data'>): string {
  const d = (e.data ?? {}) as Record<string, unknown>;
  if (e.kind === 'pruning.sparsity') return `pruned its targets to ${pct(d.measured)} sparsity (schedule ${pct(d.target)})`;
  if (e.kind === 'pruning.hold') return `holds its targets' ${pct(d.sparsity)} zeros`;
  const text = `${e.kind} ${JSON.stringify(e.data)}`;
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

function arithmeticRuns(xs: readonly number[]): number[] {
  const out: number[] = [];
  let i = 0;
  while (i < xs.length) {
    const first = xs[i];
    if (i + 1 >= xs.length) {
      out.push(first, 1, 1);
      break;
    }
    const stride = xs[i + 1] - first;
    let n = 2;
    while (i + n < xs.length && xs[i + n] - xs[i + n - 1] === stride) n++;
    out.push(first, stride, n);
    i += n;
  }
  return out;
}

function effectRuns(effects: readonly EffectMark[]): { fx: Array<[number, number, string]>; dropped: number } {
  const fx: Array<[number, number, string]> = [];
  let dropped = 0;
  for (const e of effects) {
    if (fx.length >= MAX_EFFECTS) {
      dropped++;
      continue;
    }
    const text = describeEffect(e);
    const last = fx[fx.length - 1];
    if (last && last[2] === text) last[1] = e.position;
    else fx.push([e.position, e.position, text]);
  }
  return { fx, dropped };
}

function trackData(t: Timeline, tr: ModifierTrack): TrackData {
  const s = tr.schedule;
  const why = tr.segments.map((seg, i) => {
    if (i === 0) return '';
    const c = [...tr.changes].reverse().find((ch) => ch.position === seg.from && ch.to === seg.phase);
    return c ? `${describePosition(t, c.position)}: ${describeCause(c.cause)}` : describePosition(t, seg.from);
  });
  const { fx, dropped } = effectRuns(tr.effects);
  const reason = tr.notStarted ?? tr.problem;
  return {
    label: s.label,
    type: s.modifierType,
    schedule: `start ${s.start ?? '–'} end ${s.end ?? '–'} update ${s.update ?? '–'}`,
    seg: tr.segments.flatMap((seg) => [seg.from, PHASES.indexOf(seg.phase)]),
    why,
    upd: arithmeticRuns(tr.updates),
    fx,
    fxDropped: dropped,
    flag: reason ? `${tr.notStarted ? 'never started: ' : ''}${reason.text}` : null,
    startedAt: tr.startedAt,
    quantization: /Quant/.test(s.modifierType),
  };
}

export function reportData(t: Timeline): ReportData {
  return {
    steps: t.steps,
    stepsPerEpoch: t.schedule.stepsPerEpoch,
    tracks: t.tracks.map((tr) => trackData(t, tr)),
    sparsity: t.modelSparsity ? t.modelSparsity.flat() : null,
    fidelity: t.schedule.fidelity,
  };
}
