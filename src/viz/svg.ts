/**
 * The timeline as a self-contained SVG: one row per modifier, a rectangle per phase segment (so a long
 * run costs what its phase changes cost, not its steps), the scheduled window dashed behind it,
 * start/end markers, update ticks merged per pixel, epoch gridlines thinned to stay apart, and a
 * `<title>` on everything for hover details. Never-starting modifiers are flagged with the reason.
 */
import type { ModifierPhase } from '../../machines/modifier.machine.ts';
import { indexToStep } from './schedule.ts';
import { describeCause, describePosition, type ModifierTrack, type Timeline } from './timeline.ts';
import { escapeXml } from './xml.ts';

export const PHASE_COLOURS: Record<ModifierPhase, string> = {
  uninitialized: '#ffffff',
  initialized: '#d9d9d9',
  started: '#2b8cbe',
  ended: '#a6bddb',
  finalized: '#f0f0f0',
};

export interface SvgOptions {
  /** Total width in pixels; default 1000. */
  width?: number;
  /** Adds the slider's cursor line (`#cursor`), for the HTML report. */
  cursor?: boolean;
}

const ROW = 24;
const TOP = 34;
const LABEL = 220;
const RIGHT = 20;

interface Frame {
  x: (position: number) => number;
  chart: number;
}

const fmt = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(1));

function segmentsSvg(t: Timeline, tr: ModifierTrack, y: number, f: Frame): string[] {
  const out: string[] = [];
  tr.segments.forEach((seg, i) => {
    const to = i + 1 < tr.segments.length ? tr.segments[i + 1].from : t.steps + 1;
    if (seg.phase === 'uninitialized') return;
    const change = [...tr.changes].reverse().find((c) => c.position === seg.from && c.to === seg.phase);
    const why = change ? `; changed at ${describePosition(t, change.position)} by ${describeCause(change.cause)}` : '';
    const title = `${tr.schedule.label}: ${seg.phase} from ${describePosition(t, seg.from)} to ${to > t.steps ? 'the end' : describePosition(t, to - 1)}${why}`;
    out.push(
      `<rect class="seg" data-phase="${seg.phase}" x="${fmt(f.x(seg.from))}" y="${y + 4}" width="${fmt(Math.max(1, f.x(to) - f.x(seg.from)))}" height="${ROW - 8}" fill="${PHASE_COLOURS[seg.phase]}"><title>${escapeXml(title)}</title></rect>`,
    );
  });
  return out;
}

/** The window the schedule asks for, dashed: visible even when the modifier never ran in it. */
function scheduledSvg(t: Timeline, tr: ModifierTrack, y: number, f: Frame): string | null {
  const s = tr.schedule;
  if (s.start === null) return null;
  const from = Math.max(0, Math.min(t.steps, indexToStep(t.schedule, s.start)));
  const to = s.end === null ? t.steps : Math.max(from, Math.min(t.steps, indexToStep(t.schedule, s.end)));
  const title = `${s.label}: scheduled start ${s.start} end ${s.end ?? '–'} update ${s.update ?? '–'}`;
  return `<rect class="scheduled" x="${fmt(f.x(from))}" y="${y + 2}" width="${fmt(Math.max(2, f.x(to) - f.x(from)))}" height="${ROW - 4}" fill="none" stroke="#555" stroke-dasharray="3 2"><title>${escapeXml(title)}</title></rect>`;
}

/**
 * Update ticks merged per pixel column, and neighbouring columns merged into one band, so a modifier
 * updating every step costs one element, not one per step. Titles count what each mark holds.
 */
function ticksSvg(t: Timeline, tr: ModifierTrack, y: number, f: Frame): string[] {
  const runs: Array<{ x0: number; x1: number; first: number; last: number; n: number }> = [];
  for (const u of tr.updates) {
    const px = Math.round(f.x(u));
    const r = runs[runs.length - 1];
    if (r && px - r.x1 <= 1) {
      r.x1 = px;
      r.last = u;
      r.n++;
    } else runs.push({ x0: px, x1: px, first: u, last: u, n: 1 });
  }
  return runs.map((r) => {
    const title = escapeXml(r.n === 1 ? `update at ${describePosition(t, r.first)}` : `${r.n} updates, ${describePosition(t, r.first)} … ${describePosition(t, r.last)}`);
    return r.x1 === r.x0
      ? `<line class="tick" x1="${r.x0}" x2="${r.x0}" y1="${y + 1}" y2="${y + 7}" stroke="#08306b" stroke-width="${r.n > 1 ? 2 : 1}"><title>${title}</title></line>`
      : `<rect class="tick" x="${r.x0 - 0.5}" y="${y + 1}" width="${r.x1 - r.x0 + 1}" height="6" fill="#08306b"><title>${title}</title></rect>`;
  });
}

function markersSvg(t: Timeline, tr: ModifierTrack, y: number, f: Frame): string[] {
  const out: string[] = [];
  const cause = (to: ModifierPhase) => tr.changes.find((c) => c.to === to);
  if (tr.startedAt !== null) {
    const x = f.x(tr.startedAt);
    const c = cause('started');
    out.push(`<path class="start" d="M${fmt(x)} ${y + 3}l6 ${(ROW - 6) / 2}l-6 ${(ROW - 6) / 2}z" fill="#006d2c"><title>${escapeXml(`${tr.schedule.label} started at ${describePosition(t, tr.startedAt)}${c ? ` by ${describeCause(c.cause)}` : ''}`)}</title></path>`);
  }
  if (tr.endedAt !== null) {
    const x = f.x(tr.endedAt);
    const c = cause('ended');
    out.push(`<rect class="end" x="${fmt(x - 2)}" y="${y + 3}" width="3" height="${ROW - 6}" fill="#a50f15"><title>${escapeXml(`${tr.schedule.label} ended at ${describePosition(t, tr.endedAt)}${c ? ` by ${describeCause(c.cause)}` : ''}`)}</title></rect>`);
  }
  return out;
}

/** Epoch gridlines (every k epochs so that lines stay ≥ 6 px apart), labelled where there is room. */
function gridSvg(t: Timeline, f: Frame, height: number): string[] {
  const S = t.schedule.stepsPerEpoch ?? Math.max(1, 10 ** Math.floor(Math.log10(Math.max(1, t.steps / 10))));
  const unit = t.schedule.stepsPerEpoch === null ? 'step' : 'epoch';
  const count = Math.ceil(t.steps / S);
  const every = Math.max(1, Math.ceil((count * 6) / f.chart));
  const labelEvery = every * Math.max(1, Math.ceil((count / every) * 28 / f.chart));
  const out: string[] = [];
  for (let e = 0; e <= count; e += every) {
    const x = fmt(f.x(Math.min(t.steps, e * S)));
    out.push(`<line class="grid" x1="${x}" x2="${x}" y1="${TOP - 6}" y2="${height}" stroke="#ccc"/>`);
    if (e % labelEvery === 0) out.push(`<text x="${x}" y="${TOP - 10}" font-size="10" text-anchor="middle">${unit === 'epoch' ? e : e * S}</text>`);
  }
  out.push(`<text x="${LABEL - 8}" y="${TOP - 10}" font-size="10" text-anchor="end">${unit}</text>`);
  const fx = fmt(f.x(t.steps));
  out.push(`<text x="${fmt(f.x(t.steps + 0.5))}" y="${TOP - 10}" font-size="9" text-anchor="middle" fill="#666">fin</text>`);
  out.push(`<line x1="${fx}" x2="${fx}" y1="${TOP - 6}" y2="${height}" stroke="#999" stroke-dasharray="2 2"/>`);
  return out;
}

export function renderSvg(t: Timeline, options: SvgOptions = {}): string {
  const width = options.width ?? 1000;
  const chart = width - LABEL - RIGHT;
  // Positions 0…N: N (after finalize) gets a column of its own, at least a few pixels wide.
  const unitPx = chart / (t.steps + Math.max(1, t.steps * 0.02));
  const f: Frame = { x: (p) => LABEL + p * unitPx, chart: t.steps * unitPx };
  const height = TOP + t.tracks.length * ROW + 8;
  const body: string[] = gridSvg(t, f, height - 8);
  t.tracks.forEach((tr, i) => {
    const y = TOP + i * ROW;
    const reason = tr.notStarted ?? tr.problem;
    body.push(`<g class="track" data-track="${i}"${reason ? ` data-flag="${reason.kind}"` : ''}>`);
    if (reason) body.push(`<rect class="flagged" x="0" y="${y}" width="${width}" height="${ROW}" fill="#fee0d2"><title>${escapeXml(`${tr.schedule.label}: ${reason.text}`)}</title></rect>`);
    body.push(`<text class="label" x="${LABEL - 8}" y="${y + ROW / 2 + 4}" font-size="12" text-anchor="end">${reason ? '⚠ ' : ''}${escapeXml(tr.schedule.label)}<title>${escapeXml(`${tr.schedule.modifierType}: start ${tr.schedule.start ?? '–'} end ${tr.schedule.end ?? '–'} update ${tr.schedule.update ?? '–'}${reason ? ` — ${reason.text}` : ''}`)}</title></text>`);
    body.push(...segmentsSvg(t, tr, y, f));
    const sched = scheduledSvg(t, tr, y, f);
    if (sched) body.push(sched);
    body.push(...ticksSvg(t, tr, y, f), ...markersSvg(t, tr, y, f), '</g>');
  });
  if (options.cursor) body.push(`<line id="cursor" x1="${LABEL}" x2="${LABEL}" y1="${TOP - 6}" y2="${height - 8}" stroke="#e6550d" stroke-width="2" data-unit-px="${unitPx}" data-left="${LABEL}"/>`);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="timeline" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    `<title>${escapeXml(`Timeline: ${t.tracks.length} modifiers over ${t.steps} steps`)}</title>`,
    ...body,
    '</svg>',
  ].join('\n');
}
