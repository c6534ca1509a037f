/**
 * Timeline benchmarks (issue 10): 20 modifiers over 100,000 steps (100 epochs × 1,000 steps). The
 * record stream is synthesized in the shape a training run records (a BATCH_START and a BATCH_END call
 * per step, transitions at the scheduled starts and ends, a pruning effect at every update; half the
 * modifiers update every step), because recording a real 100,000-step run of 20 modifiers would
 * measure the lifecycle, not the drawing. Timed: building the timeline from records, the SVG, and the
 * HTML report; reported: the page size against the 2 MB budget.
 *
 *   npx tsx bench/run.ts --only viz
 */
import { EventType } from '../src/core/events.ts';
import type { LifecycleRecord } from '../src/core/records.ts';
import { buildTimeline } from '../src/viz/timeline.ts';
import { renderSvg } from '../src/viz/svg.ts';
import { renderHtml } from '../src/viz/html.ts';
import type { RunSchedule } from '../src/viz/schedule.ts';
import type { BenchRow } from './types.ts';

const EPOCHS = 100;
const STEPS_PER_EPOCH = 1000;
const MODIFIERS = 20;

function schedule(): RunSchedule {
  const modifiers = Array.from({ length: MODIFIERS }, (_, i) => {
    // Two schedules that can never start (start ≥ end, start beyond the run) ride along, flagged.
    const start = i === 18 ? 50 : i === 19 ? 150 : i * 4;
    const end = i === 18 ? 40 : i % 3 === 0 ? null : start + 30;
    return { label: `m${i}/MagnitudePruning`, modifierType: 'MagnitudePruningModifier', start, end, update: i % 2 === 0 ? 0.001 : 0.5 };
  });
  return { modifiers, epochs: EPOCHS, stepsPerEpoch: STEPS_PER_EPOCH, batchesPerStep: 1, fidelity: 'default' };
}

function records(s: RunSchedule): LifecycleRecord[] {
  const out: LifecycleRecord[] = [];
  let seq = 0;
  const N = EPOCHS * STEPS_PER_EPOCH;
  const ref = (position: number) => ({ position, modifierType: 'MagnitudePruningModifier' });
  const transition = (position: number, flag: 'initialized' | 'started' | 'ended' | 'finalized', from: string, to: string) =>
    out.push({ seq: seq++, type: 'effect.transition', ...ref(position), flag, from, to } as LifecycleRecord);
  out.push({ seq: seq++, type: 'call.initialize', options: { stepsPerEpoch: STEPS_PER_EPOCH } });
  s.modifiers.forEach((_, i) => transition(i, 'initialized', 'uninitialized', 'initialized'));
  const steps = s.modifiers.map((m) => ({
    start: m.start !== null && (m.end === null || m.start < m.end) ? Math.round(m.start * STEPS_PER_EPOCH) : Infinity,
    end: m.end === null ? Infinity : Math.round(m.end * STEPS_PER_EPOCH),
    every: Math.round((m.update ?? 1) * STEPS_PER_EPOCH),
  }));
  for (let g = 0; g < N; g++) {
    out.push({ seq: seq++, type: 'call.event', eventType: EventType.BATCH_START, globalStep: g, options: {} });
    steps.forEach((st, i) => {
      if (g === st.start) transition(i, 'started', 'initialized', 'started');
      if (g >= st.start && g < st.end && (g - st.start) % st.every === 0) {
        const sparsity = Math.min(0.9, ((g - st.start) / (st.end === Infinity ? N : st.end - st.start)) * 0.9);
        out.push({ seq: seq++, type: 'effect.modifier', ...ref(i), kind: 'pruning.sparsity', data: { target: sparsity, measured: sparsity, modules: 8 } });
      }
    });
    out.push({ seq: seq++, type: 'call.event', eventType: EventType.BATCH_END, globalStep: g, options: {} });
    steps.forEach((st, i) => {
      if (g === st.end && st.start < st.end) transition(i, 'ended', 'started', 'ended');
    });
  }
  out.push({ seq: seq++, type: 'call.finalize', options: {} });
  s.modifiers.forEach((_, i) => transition(i, 'finalized', 'ended', 'finalized'));
  return out;
}

const seconds = (t0: number) => (performance.now() - t0) / 1000;

export async function benchViz(): Promise<BenchRow[]> {
  const s = schedule();
  const recs = records(s);
  const sparsity: Array<[number, number]> = Array.from({ length: 200 }, (_, i) => [i * 500, i / 250]);
  let t0 = performance.now();
  const t = buildTimeline(recs, s, { modelSparsity: sparsity });
  const build = seconds(t0);
  t0 = performance.now();
  const svg = renderSvg(t);
  const svgTime = seconds(t0);
  t0 = performance.now();
  const html = renderHtml(t);
  const htmlTime = seconds(t0);
  const total = build + svgTime + htmlTime;
  const mb = Buffer.byteLength(html) / 2 ** 20;
  const flagged = t.tracks.filter((tr) => tr.notStarted).length;
  return [
    { name: 'viz: timeline from records (20 modifiers × 100,000 steps)', seconds: build, note: `${recs.length} records, ${flagged} flagged never-start` },
    { name: 'viz: SVG', seconds: svgTime, note: `${(Buffer.byteLength(svg) / 1024).toFixed(0)} KiB` },
    { name: 'viz: HTML report', seconds: htmlTime, note: `${mb.toFixed(2)} MiB page (budget 2 MiB)` },
    { name: 'viz: records → SVG + HTML', seconds: total, ratio: `${(total / 2).toFixed(2)}× of the 2 s budget`, note: `page ${(mb / 2).toFixed(2)}× of the 2 MiB budget` },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await benchViz());
