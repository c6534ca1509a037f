/**
 * The terminal timeline: one row per modifier, one column per step — or per bucket of steps when the
 * run is wider than the terminal. Within a cell the most telling thing wins: a start or end marker,
 * then update ticks (a count when several fall in one bucket), then the phase, then the epoch grid.
 * Plain ASCII, so it survives any terminal and log file.
 */
import type { ModifierPhase } from '../../machines/modifier.machine.ts';
import { describePosition, type ModifierTrack, type Timeline } from './timeline.ts';

export interface AsciiOptions {
  /** Terminal width (`process.stdout.columns`); default 80. */
  columns?: number;
}

const PHASE_GLYPH: Record<ModifierPhase, string> = { uninitialized: ' ', initialized: '.', started: '=', ended: '-', finalized: '-' };
/** Which phase a bucket shows when it holds several: the most active. */
const PHASE_RANK: Record<ModifierPhase, number> = { uninitialized: 0, finalized: 1, initialized: 2, ended: 3, started: 4 };
const MAX_LABEL = 24;

const LEGEND = ['. initialized', '= started', '- ended', '[ start', '] end', '| update', '2-9,* updates in one column', ': epoch', '! never starts (see notes)'];

/** Items packed into lines no wider than the terminal, `sep` between them, continuation lines indented. */
function pack(first: string, items: readonly string[], columns: number, sep = '  '): string[] {
  const lines = [first];
  const indent = ' '.repeat(Math.min(8, first.length + sep.length));
  for (const item of items) {
    const last = lines[lines.length - 1];
    if (last === first && first === '') lines[lines.length - 1] = item;
    else if (last.length + sep.length + item.length <= columns) lines[lines.length - 1] = `${last}${sep}${item}`;
    else lines.push(`${indent}${item}`);
  }
  return lines;
}

function tickGlyph(n: number): string {
  return n === 1 ? '|' : n < 10 ? String(n) : '*';
}

/** Cells [first, last] of positions for each column, for a chart `width` wide over `steps` positions. */
function buckets(steps: number, width: number): { per: number; count: number } {
  const per = Math.max(1, Math.ceil(steps / Math.max(1, width)));
  return { per, count: Math.ceil(steps / per) };
}

function row(track: ModifierTrack, steps: number, per: number, count: number, grid: Set<number>): string {
  const cells: string[] = new Array(count);
  const rank = new Array<number>(count).fill(-1);
  track.segments.forEach((seg, i) => {
    const to = Math.min(steps, i + 1 < track.segments.length ? track.segments[i + 1].from : steps);
    for (let b = Math.floor(seg.from / per); b < count && b * per < to; b++) {
      if (PHASE_RANK[seg.phase] > rank[b]) {
        rank[b] = PHASE_RANK[seg.phase];
        cells[b] = PHASE_GLYPH[seg.phase];
      }
    }
  });
  for (let b = 0; b < count; b++) if ((cells[b] === ' ' || cells[b] === '.') && grid.has(b)) cells[b] = ':';
  const ticks = new Map<number, number>();
  for (const u of track.updates) if (u < steps) ticks.set(Math.floor(u / per), (ticks.get(Math.floor(u / per)) ?? 0) + 1);
  for (const [b, n] of ticks) cells[b] = tickGlyph(n);
  if (track.startedAt !== null && track.startedAt < steps) cells[Math.floor(track.startedAt / per)] = '[';
  if (track.endedAt !== null && track.endedAt < steps) cells[Math.floor(track.endedAt / per)] = ']';
  return cells.join('');
}

/** The axis: epoch numbers where an epoch starts, else step numbers every few columns. */
function axis(t: Timeline, per: number, count: number): { line: string; grid: Set<number> } {
  const chars = new Array<string>(count).fill(' ');
  const grid = new Set<number>();
  const S = t.schedule.stepsPerEpoch;
  /** Writes a label where it fits after a blank column (so numbers never run together). */
  const put = (b: number, text: string) => {
    if (b + text.length > count || (b > 0 && chars[b - 1] !== ' ')) return;
    for (let i = 0; i < text.length; i++) if (chars[b + i] !== ' ') return;
    for (let i = 0; i < text.length; i++) chars[b + i] = text[i];
  };
  if (S !== null && S > 0) {
    for (let e = 0; e * S < t.steps; e++) {
      const b = Math.floor((e * S) / per);
      grid.add(b);
      put(b, String(e));
    }
  } else {
    for (let b = 0; b < count; b += 10) put(b, String(b * per));
  }
  return { line: chars.join(''), grid };
}

export function renderAscii(t: Timeline, options: AsciiOptions = {}): string {
  const columns = Math.max(40, options.columns ?? 80);
  const labels = t.tracks.map((tr) => (tr.problem || tr.notStarted ? '! ' : '  ') + tr.schedule.label.slice(0, MAX_LABEL));
  const labelWidth = Math.max(8, ...labels.map((l) => l.length));
  const width = columns - labelWidth - 3;
  const { per, count } = buckets(t.steps, width);
  const { line, grid } = axis(t, per, count);
  const S = t.schedule.stepsPerEpoch;
  const out: string[] = [];
  const unit = S === null ? 'step' : 'epoch';
  const facts = [`${t.steps} steps${S === null ? '' : ` (${t.schedule.epochs} epochs × ${S})`}`, per === 1 ? 'one column per step' : `one column per ${per} steps`, `fidelity ${t.schedule.fidelity}`];
  out.push(...pack(`${t.tracks.length} modifiers`, facts, columns, ' · '));
  out.push(`${unit.padEnd(labelWidth)} |${line}|`);
  t.tracks.forEach((tr, i) => out.push(`${labels[i].padEnd(labelWidth)} |${row(tr, t.steps, per, count, grid)}|`));
  out.push(...pack('legend:', LEGEND, columns));
  const notes: string[] = [];
  for (const tr of t.tracks) {
    const s = tr.schedule;
    const when = `start ${s.start ?? '–'} end ${s.end ?? '–'} update ${s.update ?? '–'}`;
    if (tr.notStarted) notes.push(`  ! ${s.label} (${when}): never started — ${tr.notStarted.text}`);
    else if (tr.problem) notes.push(`  ! ${s.label} (${when}): ${tr.problem.text}`);
    else {
      const ended = tr.endedAt === null ? 'never ended' : `ended ${describePosition(t, tr.endedAt)}`;
      notes.push(`    ${s.label} (${when}): started ${describePosition(t, tr.startedAt ?? 0)}, ${ended}`);
    }
  }
  for (const e of t.errors) notes.push(`  ! error at ${describePosition(t, e.position)} (${e.call}): ${e.message}`);
  return [...out, ...notes].join('\n');
}
