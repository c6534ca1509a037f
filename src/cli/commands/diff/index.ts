/**
 * `llmc-sim diff A B`: header differences, the first call or effect where two journals part, and a
 * summary (calls, differing calls, final model hashes, final phases). Exit 0 when they are the same
 * run, 1 when they differ.
 */
import { diffJournals, type JournalDiff } from '../../../log/index.ts';
import { ExitError } from '../../errors.ts';
import { Stdout } from '../log/output.ts';
import { modelProblemExit, openJournal } from '../replay/index.ts';

const show = (v: unknown) => {
  const s = JSON.stringify(v) ?? 'undefined';
  return s.length > 120 ? `${s.slice(0, 117)}…` : s;
};

export function formatDiff(d: JournalDiff, a: string, b: string): string[] {
  const lines: string[] = [`--- ${a}`, `+++ ${b}`];
  if (d.header.length === 0) lines.push('headers: same');
  for (const h of d.header) lines.push(`header ${h.field}: ${show(h.a)} → ${show(h.b)}`);
  const f = d.first;
  if (!f) lines.push(`calls: same (${d.summary.calls[0]})`);
  else {
    lines.push(`first difference at call ${f.call} (${f.what}):`);
    lines.push(`  a: ${show(f.a)}`);
    lines.push(`  b: ${show(f.b)}`);
    if (f.effect) lines.push(`  first differing record of that call (#${f.effect.index}): a ${show(f.effect.a)} · b ${show(f.effect.b)}`);
  }
  const s = d.summary;
  lines.push(`summary: calls ${s.calls[0]} vs ${s.calls[1]}, ${s.differingCalls} differing call(s)`);
  lines.push(`  final model: ${s.finalModel[0] ?? 'none'} vs ${s.finalModel[1] ?? 'none'}`);
  if (s.phases[0] || s.phases[1]) lines.push(`  final phases: ${(s.phases[0] ?? ['?']).join(' ')} vs ${(s.phases[1] ?? ['?']).join(' ')}`);
  return lines;
}

export function diff(a: string, b: string, opts: { json?: boolean }): void {
  const out = new Stdout();
  let d: JournalDiff;
  try {
    d = diffJournals(openJournal(a), openJournal(b));
  } catch (e) {
    throw modelProblemExit(e, `${a} or ${b}`);
  }
  if (opts.json) out.line(JSON.stringify(d));
  else formatDiff(d, a, b).forEach(out.line);
  out.flush();
  if (d.header.length || d.first) throw new ExitError(`${a} and ${b} differ`, 1);
}
