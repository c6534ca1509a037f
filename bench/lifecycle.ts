/**
 * Lifecycle benchmark: 8 trivial modifiers with epoch schedules over 100,000 training steps (per
 * step BATCH_START, LOSS_CALCULATED {loss}, OPTIM_PRE_STEP, OPTIM_POST_STEP, BATCH_END, each with
 * globalStep), 'default' fidelity, nobody subscribed to records$. Reports modifier-events per
 * second against bench/python/lifecycle_reference.py (LLM Compressor 0.12's loop transcribed) on
 * the same workload, checks both called the same hooks, and compares heapUsed after 10k and 100k
 * steps (after a forced GC). Goal: ≥ 3× Python; no heap growth while nobody records.
 *
 * The limit: the same loop transcribed into plain TypeScript (`PlainLifecycle` below: boolean
 * flags, no machines, no records, no option checks beyond the spec's), run in the same process,
 * alternating with ours. Goal (issue 6): ours ≥ 0.5× the plain loop's modifier-events/s.
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

// ---- the plain transcription: §3.3 and §6.3 with booleans ------------------------------------

const ORDER_POSITION: Record<string, number> = { batch_start: 0, loss_calculated: 1, optim_pre_step: 2, optim_post_step: 3, batch_end: 4 };

/** Event (§2) with only what the loop reads: `currentIndex`, with upstream's "too many steps" check. */
class PlainEvent {
  constructor(
    readonly type: string,
    readonly globalStep: number,
    readonly stepsPerEpoch: number | null,
    readonly batchesPerStep: number | null,
    readonly globalBatch: number,
  ) {}
  get currentIndex(): number {
    const s = this.stepsPerEpoch;
    if (s === null) return this.globalStep;
    const full = this.globalStep / s;
    if (full - Math.floor(this.globalStep / s) > 1) throw new Error('Too many steps per epoch for epoch based event');
    return full;
  }
}

/** Modifier.update_event (§3.3) with four booleans. */
class PlainModifier {
  initialized = true;
  started = false;
  ended = false;
  finalized = false;
  updates = 0;
  constructor(readonly start: number | null, readonly end: number | null) {}
  shouldStart(e: PlainEvent): boolean {
    if (this.start === null) return false;
    const c = e.currentIndex;
    return this.start <= c && (this.end === null || c < this.end);
  }
  shouldEnd(e: PlainEvent): boolean {
    return this.end !== null && e.currentIndex >= this.end;
  }
  updateEvent(e: PlainEvent, _kwargs: Record<string, unknown>): void {
    if (!this.initialized) throw new Error('Cannot update an uninitialized modifier');
    if (this.finalized) throw new Error('Cannot update a finalized modifier');
    if (e.type === 'batch_start' && !this.started && this.shouldStart(e)) {
      this.started = true;
      this.updates++;
      return;
    }
    if (e.type === 'batch_end' && !this.ended && this.shouldEnd(e)) {
      this.ended = true;
      this.updates++;
      return;
    }
    if (this.started && !this.ended) this.updates++;
  }
}

/** CompressionLifecycle.event (§6.3, 'default') with the order rule by position. */
class PlainLifecycle {
  last = 'batch_end';
  globalStep = 0;
  initialized = true;
  finalized = false;
  constructor(readonly modifiers: PlainModifier[], readonly stepsPerEpoch: number, readonly batchesPerStep: number) {}
  event(type: string, options: { globalStep?: number; loss?: unknown; batchData?: unknown }): unknown[] {
    if (!this.initialized) throw new Error('Cannot invoke event before initializing');
    if (this.finalized) throw new Error('Cannot invoke event after finalizing');
    if (type === 'initialize' || type === 'finalize') throw new Error('Cannot invoke event for initialize or finalize');
    const next = ORDER_POSITION[type];
    if (next !== undefined) {
      const last = ORDER_POSITION[this.last];
      if (next === 0 ? last === 0 : last > next) throw new Error('Lifecycle events must appear following order');
    }
    if (type === 'loss_calculated' && options.loss == null) throw new Error('Loss must be provided for loss calculated event');
    if (next !== undefined) this.last = type;
    if (options.globalStep != null) this.globalStep = options.globalStep;
    const g = this.globalStep;
    const b = this.batchesPerStep;
    const event = new PlainEvent(type, g, this.stepsPerEpoch, b, b >= 2 ? g * b : g);
    const kwargs: Record<string, unknown> = {};
    for (const key in options) if (key !== 'globalStep') kwargs[key] = options[key as keyof typeof options];
    for (let i = 0; i < this.modifiers.length; i++) this.modifiers[i].updateEvent(event, kwargs);
    return [];
  }
}

function plainSetup() {
  const modifiers = SCHEDULES.map((s) => new PlainModifier(s.start, s.end));
  // initialize's fake BATCH_START at step 0 (§3.2 step 3)
  const fake = new PlainEvent('batch_start', 0, null, null, 0);
  for (const m of modifiers) if (m.shouldStart(fake)) m.started = true;
  return { lifecycle: new PlainLifecycle(modifiers, STEPS_PER_EPOCH, 1), modifiers };
}

function runPlainSteps(lc: PlainLifecycle, from: number, to: number): void {
  for (let g = from; g < to; g++) {
    lc.event('batch_start', { globalStep: g, batchData: null });
    lc.event('loss_calculated', { globalStep: g, loss: 0.5 });
    lc.event('optim_pre_step', { globalStep: g });
    lc.event('optim_post_step', { globalStep: g });
    lc.event('batch_end', { globalStep: g });
  }
}

/** Seconds for one timed 100k-step run of each loop, best of `rounds`, alternating so both see the same machine load. */
function timeBoth(rounds: number): { ours: number; plain: number; updates: number[]; plainUpdates: number[] } {
  runSteps(setup().lifecycle, 0, 5_000);
  runPlainSteps(plainSetup().lifecycle, 0, 5_000);
  let ours = Infinity;
  let plain = Infinity;
  let updates: number[] = [];
  let plainUpdates: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const a = setup();
    let t0 = process.hrtime.bigint();
    runSteps(a.lifecycle, 0, STEPS);
    ours = Math.min(ours, Number(process.hrtime.bigint() - t0) / 1e9);
    updates = a.modifiers.map((m) => m.updates);
    const b = plainSetup();
    t0 = process.hrtime.bigint();
    runPlainSteps(b.lifecycle, 0, STEPS);
    plain = Math.min(plain, Number(process.hrtime.bigint() - t0) / 1e9);
    plainUpdates = b.modifiers.map((m) => m.updates);
  }
  return { ours, plain, updates, plainUpdates };
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

  // Warm-up (JIT, plan tables), then timed runs of ours and the plain loop, alternating.
  const both = timeBoth(3);
  const seconds = both.ours;
  const ours = events / seconds;
  const plain = events / both.plain;
  const updates = both.updates;

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
  const plainRatio = ours / plain;
  const plainSame = JSON.stringify(both.plainUpdates) === JSON.stringify(updates);
  rows.push({
    name: 'lifecycle: plain TypeScript transcription (booleans, no machines/records)',
    seconds: both.plain,
    ratio: `ours ${plainRatio.toFixed(2)}x plain${plainRatio >= 0.5 ? '' : ' (goal 0.5x: MISSED)'}`,
    note: `${(plain / 1e6).toFixed(2)} M modifier-events/s; best of 3, alternating with ours${plainSame ? '; same onUpdate counts' : `; onUpdate counts DIFFER: plain ${JSON.stringify(both.plainUpdates)}`}`,
  });

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
