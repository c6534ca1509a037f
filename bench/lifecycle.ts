/**
 * Lifecycle benchmark: 8 trivial modifiers with epoch schedules over 100,000 training steps (per
 * step BATCH_START, LOSS_CALCULATED {loss}, OPTIM_PRE_STEP, OPTIM_POST_STEP, BATCH_END, each with
 * globalStep), 'default' fidelity, nobody subscribed to records$. Reports modifier-events per
 * second against bench/python/lifecycle_reference.py (LLM Compressor 0.12's loop transcribed) on
 * the same workload, checks both called the same hooks, and compares heapUsed after 10k and 100k
 * steps (after a forced GC). Goal: ≥ 3× Python; no heap growth while nobody records.
 *
 *   npx tsx bench/lifecycle.ts            (prints a table)
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';
import { CompressionLifecycle } from '../src/lifecycle/lifecycle.ts';
import { EventType } from '../src/core/events.ts';
import { Modifier, type Kwargs } from '../src/modifiers/modifier.ts';
import type { State } from '../src/core/state.ts';
import type { BenchRow } from './types.ts';

const STEPS = 100_000;
export const STEPS_PER_EPOCH = 1000;
const EVENTS_PER_STEP = 5;

/** The same eight schedules (in epochs) as the Python reference. */
export const SCHEDULES: { start: number | null; end: number | null; update?: number }[] = [
  { start: 0, end: null },
  { start: 2, end: 5 },
  { start: 1, end: 90, update: 1 },
  { start: 10, end: null },
  { start: 0.5, end: 2.5 },
  { start: null, end: null },
  { start: 50, end: 60, update: 0.5 },
  { start: 0, end: 99 },
];

/** A modifier whose only work is counting onUpdate calls (the Python one does the same). */
export class CountingModifier extends Modifier {
  updates = 0;
  protected override onInitialize(_state: State, _kwargs: Kwargs): boolean {
    return true;
  }
  protected override onUpdate(): void {
    this.updates++;
  }
}

function setup() {
  const modifiers = SCHEDULES.map((s) => new CountingModifier(s));
  const lifecycle = new CompressionLifecycle({ fidelity: 'default' });
  lifecycle.initialize({ recipe: modifiers, stepsPerEpoch: STEPS_PER_EPOCH, batchesPerStep: 1 });
  return { lifecycle, modifiers };
}

export function runSteps(lc: CompressionLifecycle, from: number, to: number): void {
  for (let g = from; g < to; g++) {
    lc.event(EventType.BATCH_START, { globalStep: g, batchData: null });
    lc.event(EventType.LOSS_CALCULATED, { globalStep: g, loss: 0.5 });
    lc.event(EventType.OPTIM_PRE_STEP, { globalStep: g });
    lc.event(EventType.OPTIM_POST_STEP, { globalStep: g });
    lc.event(EventType.BATCH_END, { globalStep: g });
  }
}

function gcFunction(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

interface PythonResult {
  seconds: number;
  modifierEventsPerSecond: number;
  updates: number[];
  python: string;
}

function runPython(): PythonResult | string {
  const script = fileURLToPath(new URL('./python/lifecycle_reference.py', import.meta.url));
  const r = spawnSync('python3', [script, '--steps', String(STEPS), '--steps-per-epoch', String(STEPS_PER_EPOCH)], { encoding: 'utf8' });
  if (r.error) return `python3 not available (${(r.error as NodeJS.ErrnoException).code ?? r.error.message}); skipped`;
  if (r.status !== 0) return `python3 failed (exit ${r.status}): ${r.stderr.trim().split('\n').pop()}`;
  return JSON.parse(r.stdout.trim().split('\n').pop() as string) as PythonResult;
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(2)} MiB`;

export async function benchLifecycle(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const events = STEPS * EVENTS_PER_STEP * SCHEDULES.length;

  // Warm-up on a separate lifecycle (JIT, plan tables), then the timed run.
  runSteps(setup().lifecycle, 0, 5_000);
  const timed = setup();
  const t0 = process.hrtime.bigint();
  runSteps(timed.lifecycle, 0, STEPS);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const ours = events / seconds;
  const updates = timed.modifiers.map((m) => m.updates);

  // Heap: 10k steps, then on to 100k, nobody recording; GC before each reading.
  const gc = gcFunction();
  const mem = setup();
  runSteps(mem.lifecycle, 0, 10_000);
  gc();
  const heap10k = process.memoryUsage().heapUsed;
  runSteps(mem.lifecycle, 10_000, STEPS);
  gc();
  const heap100k = process.memoryUsage().heapUsed;
  const growth = heap100k - heap10k;

  const py = runPython();
  if (typeof py === 'string') {
    rows.push({ name: 'lifecycle: 100k steps x 5 events x 8 modifiers (default)', seconds, note: `${(ours / 1e6).toFixed(2)} M modifier-events/s; ${py}` });
  } else {
    const ratio = ours / py.modifierEventsPerSecond;
    const sameWork = JSON.stringify(py.updates) === JSON.stringify(updates);
    rows.push({
      name: 'lifecycle: 100k steps x 5 events x 8 modifiers (default)',
      seconds,
      ratio: `${ratio.toFixed(2)}x python${ratio >= 3 ? '' : ' (goal 3x: MISSED)'}`,
      note: `${(ours / 1e6).toFixed(2)} M modifier-events/s${sameWork ? '; same onUpdate counts as python' : `; onUpdate counts DIFFER: ours ${JSON.stringify(updates)} python ${JSON.stringify(py.updates)}`}`,
    });
    rows.push({
      name: 'lifecycle: python reference (LLM Compressor 0.12 loop)',
      seconds: py.seconds,
      note: `${(py.modifierEventsPerSecond / 1e6).toFixed(2)} M modifier-events/s, Python ${py.python}`,
    });
  }
  rows.push({
    name: 'lifecycle: heapUsed after 10k vs 100k steps (no records$ subscriber)',
    seconds: 0,
    ratio: growth <= 1 * 2 ** 20 ? 'no growth' : 'GROWS',
    note: `10k: ${mb(heap10k)}, 100k: ${mb(heap100k)}, diff ${growth >= 0 ? '+' : ''}${(growth / 1024).toFixed(0)} KiB`,
  });
  return rows;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.table(await benchLifecycle());
}
