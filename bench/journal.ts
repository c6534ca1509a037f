/**
 * Journal benchmark (issue 8): recording overhead on the lifecycle-only workload (8 modifiers,
 * 100k steps × 5 events), replay-verify speed on a 1,000,000-call journal beside the floor of merely
 * reading and JSON.parse-ing the same calls as JSON Lines, bytes per call beside `--records` NDJSON,
 * and the model hash per step beside the simulated optimizer step it follows.
 *
 * Each recording mode runs in its own child processes (`--mode`), so one mode's effect sinks do not
 * make the modifiers' hot call sites polymorphic for the next; times are the process's CPU seconds
 * (user + system), which a loaded machine disturbs less than wall time. A child prints JSON. V8 does
 * not inline the same way in every process (the lifecycle's own hot path, recorded or not), so each
 * mode runs in ROUNDS processes, the modes interleaved, and the median process counts. A child warms up
 * with WARM_RUNS full runs before timing: the journal's rarely called helpers (a record's framing and
 * CRC, reading stamps) turn hot only after a few hundred thousand calls, and V8 compiles them on its
 * worker threads, which adds milliseconds of CPU time to whichever run it lands in.
 *
 *   npx tsx bench/journal.ts
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CompressionLifecycle } from '../src/lifecycle/lifecycle.ts';
import { CountingModifier, runSteps, SCHEDULES, STEPS_PER_EPOCH } from './lifecycle.ts';
import { createSyntheticModel } from '../src/model/synthetic.ts';
import { simulatedOptimizerStep, simulateTraining } from '../src/sim/training.ts';
import { readFileSync } from 'node:fs';
import type { EffectSink, RecordingTap } from '../src/core/records.ts';
import { memorySink, modelSha256, readJournal, recordTo, replayJournal } from '../src/log/index.ts';
import { medianSeconds } from './timing.ts';
import type { BenchRow } from './types.ts';

const TRAINING_RECIPE = readFileSync(fileURLToPath(new URL('../examples/training.yaml', import.meta.url)), 'utf8');
const SELF = fileURLToPath(import.meta.url);

const modifiers = () => SCHEDULES.map((s) => new CountingModifier(s));

/** CPU seconds of this process so far. */
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

type Mode = 'plain' | 'counting' | 'subscribed' | 'journal' | 'records';
const MODES: readonly Mode[] = ['plain', 'counting', 'subscribed', 'journal', 'records'];

/** A tap that only counts what it is told, each hook a call into its sink: what reporting every record costs before storing anything. */
class CountingTap implements RecordingTap {
  n = 0;
  record(): void {
    this.n++;
  }
  event(): void {
    this.n++;
  }
  sinks(refs: readonly unknown[]): EffectSink[] {
    return refs.map(() => new CountingSink(this));
  }
}
class CountingSink implements EffectSink {
  constructor(readonly tap: CountingTap) {}
  reportRoutineHooks(): void {}
  hook(): void {
    this.tap.n++;
  }
  transition(): void {
    this.tap.n++;
  }
  effect(): void {
    this.tap.n++;
  }
  warning(): void {
    this.tap.n++;
  }
}

/** One run of `steps` steps; returns CPU seconds and, when recording, the bytes written. */
function timedRun(steps: number, mode: Mode): { seconds: number; bytes: number; calls: number } {
  const lc = new CompressionLifecycle({ fidelity: 'default' });
  const sink = memorySink();
  let ndjson = 0;
  const sub = mode === 'subscribed' ? lc.records$.subscribe(() => {}) : null;
  if (mode === 'counting') lc.attachTap(new CountingTap());
  const recsub =
    mode === 'records'
      ? lc.records$.subscribe((r) => {
          ndjson += JSON.stringify(r, (_k, v) => (v && typeof v === 'object' && 'namedModules' in v ? '<model>' : v)).length + 1;
        })
      : null;
  const rec = mode === 'journal' ? recordTo(lc, sink, { recipe: null, settings: { driver: 'bench' } }) : null;
  const t0 = cpu();
  lc.initialize({ recipe: modifiers(), stepsPerEpoch: STEPS_PER_EPOCH, batchesPerStep: 1 });
  runSteps(lc, 0, steps);
  lc.finalize();
  rec?.close();
  const seconds = cpu() - t0;
  sub?.unsubscribe();
  recsub?.unsubscribe();
  return { seconds, bytes: mode === 'records' ? ndjson : sink.bytes().length, calls: steps * 5 + 2 };
}

type Timed = { seconds: number; bytes: number; calls: number };

/** Processes per mode. */
const ROUNDS = 9;

/** Each mode in ROUNDS child processes, interleaved: per mode the median process, and the fastest and slowest. */
function isolatedRuns(steps: number, modes: readonly Mode[]): Map<Mode, Timed & { min: number; max: number }> {
  const runs = new Map<Mode, Timed[]>(modes.map((m) => [m, []]));
  for (let r = 0; r < ROUNDS; r++) for (const m of modes) runs.get(m)!.push(isolatedRun(steps, m));
  return new Map(
    modes.map((m) => {
      const sorted = runs.get(m)!.sort((a, b) => a.seconds - b.seconds);
      return [m, { ...sorted[ROUNDS >> 1], min: sorted[0].seconds, max: sorted[ROUNDS - 1].seconds }];
    }),
  );
}

/** Full runs a child makes before the three it times (see the file comment). */
const WARM_RUNS = 2;

/** `timedRun` in a child process of its own: the best of three runs after a warm-up. */
function isolatedRun(steps: number, mode: Mode): Timed {
  const child = spawnSync(process.execPath, ['--import', 'tsx', SELF, '--mode', mode, String(steps)], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`journal bench child (${mode}) failed: ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').at(-1)!) as Timed;
}

function journalOf(steps: number): Uint8Array {
  const lc = new CompressionLifecycle({ fidelity: 'default' });
  const sink = memorySink();
  const rec = recordTo(lc, sink, { recipe: null, settings: { driver: 'bench' } });
  lc.initialize({ recipe: modifiers(), stepsPerEpoch: STEPS_PER_EPOCH, batchesPerStep: 1 });
  runSteps(lc, 0, steps);
  lc.finalize();
  rec.close();
  return sink.bytes();
}

export async function benchJournal(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const STEPS = 100_000;
  process.stderr.write(`journal bench: recording overhead, ${ROUNDS} processes per mode…\n`);
  const runs = isolatedRuns(STEPS, ['plain', 'counting', 'subscribed', 'journal']);
  const plain = runs.get('plain')!;
  const counting = runs.get('counting')!;
  const subscribed = runs.get('subscribed')!;
  const journal = runs.get('journal')!;
  const overhead = journal.seconds / plain.seconds - 1;
  const pct = (x: { seconds: number }) => `+${((x.seconds / plain.seconds - 1) * 100).toFixed(0)}%`;
  rows.push({
    name: `journal: record lifecycle bench (100k steps x 5 events x 8 modifiers; CPU s, median of ${ROUNDS} processes per mode)`,
    seconds: journal.seconds,
    ratio: `${pct(journal)} over unrecorded${overhead <= 0.25 ? '' : ' (goal <= 25%: MISSED)'}`,
    note: `unrecorded ${plain.seconds.toFixed(3)} s (processes ${plain.min.toFixed(3)}–${plain.max.toFixed(3)}), journal processes ${journal.min.toFixed(3)}–${journal.max.toFixed(3)}; a tap that only counts each record, one sink call per hook (the journal reads stamps instead) ${counting.seconds.toFixed(3)} s (${pct(counting)}); records$ with a no-op subscriber ${subscribed.seconds.toFixed(3)} s (${pct(subscribed)})`,
  });

  process.stderr.write('journal bench: --records NDJSON size…\n');
  const records = timedRun(STEPS / 5, 'records');
  rows.push({
    name: 'journal: bytes per call (same run)',
    seconds: 0,
    ratio: `${(journal.bytes / journal.calls).toFixed(1)} B/call`,
    note: `--records NDJSON: ${(records.bytes / records.calls).toFixed(1)} B/call (${(records.bytes / records.calls / (journal.bytes / journal.calls)).toFixed(0)}x the journal); journal ${(journal.bytes / 2 ** 20).toFixed(1)} MiB for ${journal.calls} calls`,
  });

  // Replay-verify of a 1,000,000-call journal, beside reading + JSON.parse of the same calls as JSON Lines.
  process.stderr.write('journal bench: 1M-call journal…\n');
  const MILLION_STEPS = 200_000;
  const bytes = journalOf(MILLION_STEPS);
  replayJournal(readJournal(bytes), { recipe: modifiers, keepRecords: false, to: 50_000 }); // warm-up
  const t0 = cpu();
  const j = readJournal(bytes);
  const readSeconds = cpu() - t0;
  const t1 = cpu();
  const r = replayJournal(j, { recipe: modifiers, keepRecords: false });
  const replaySeconds = cpu() - t1;
  const calls = r.calls;
  const jsonl = j.calls.map((c) => JSON.stringify(c.c)).join('\n');
  const t2 = cpu();
  let parsed = 0;
  for (const line of jsonl.split('\n')) if (JSON.parse(line)) parsed++;
  const floorSeconds = cpu() - t2;
  const total = readSeconds + replaySeconds;
  rows.push({
    name: `journal: replay-verify ${calls} calls (read + check + re-execute + compare; CPU s)`,
    seconds: total,
    ratio: `${(calls / total / 1e6).toFixed(2)} M calls/s${calls / total >= 1e6 ? '' : ' (goal >= 1 M/s: MISSED)'}`,
    note: `${r.divergence ? 'DIVERGED' : 'matches'}; read + checksums ${readSeconds.toFixed(2)} s, decode + re-execute + compare ${replaySeconds.toFixed(2)} s; floor (split + JSON.parse of ${parsed} call lines) ${floorSeconds.toFixed(2)} s = ${(parsed / floorSeconds / 1e6).toFixed(2)} M calls/s`,
  });

  // A model hash per weight-changing call, beside the optimizer step that causes it (synthetic model).
  const model = createSyntheticModel({ seed: 0 });
  const hash = medianSeconds(() => void modelSha256(model), 5);
  let g = 0;
  const step = medianSeconds(() => simulatedOptimizerStep(model, 0, g++), 3);
  rows.push({
    name: 'journal: model SHA-256 (synthetic model, per weight-changing call)',
    seconds: hash,
    ratio: `${((hash / step) * 100).toFixed(0)}% of a simulated optimizer step`,
    note: `optimizer step ${step.toFixed(3)} s; a training step hashes twice (after the optimizer step and after OPTIM_POST_STEP)`,
  });

  // The run command's workload: a training run on the synthetic model, with and without a journal.
  const training = (record: boolean) => {
    const m = createSyntheticModel({ seed: 0 });
    const lc = new CompressionLifecycle();
    const rec = record ? recordTo(lc, memorySink(), { recipe: TRAINING_RECIPE, seed: 0, model: { source: 'synthetic', options: { seed: 0 }, model: m } }) : null;
    const t = process.hrtime.bigint();
    simulateTraining({ recipe: TRAINING_RECIPE, epochs: 3, stepsPerEpoch: 4, model: m, seed: 0, lifecycle: lc, onOptimizerStep: rec ? (g, lr) => rec.optimizerStep(g, lr) : undefined });
    rec?.close();
    return Number(process.hrtime.bigint() - t) / 1e9;
  };
  training(false);
  const bare = training(false);
  const logged = training(true);
  rows.push({
    name: 'journal: run --log workload (synthetic model, 3 epochs x 4 steps)',
    seconds: logged,
    ratio: `+${((logged / bare - 1) * 100).toFixed(0)}% over unrecorded`,
    note: `unrecorded ${bare.toFixed(3)} s (the optimizer step and pruning dominate; the journal hashes the model after weight-changing calls)`,
  });
  return rows;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const at = process.argv.indexOf('--mode');
  if (at >= 0) {
    const mode = process.argv[at + 1] as Mode;
    if (!MODES.includes(mode)) throw new Error(`--mode: one of ${MODES.join(', ')}`);
    const steps = Number(process.argv[at + 2]);
    timedRun(5_000, mode);
    for (let w = 0; w < WARM_RUNS; w++) timedRun(steps, mode);
    const runs = [timedRun(steps, mode), timedRun(steps, mode), timedRun(steps, mode)];
    console.log(JSON.stringify(runs.sort((a, b) => a.seconds - b.seconds)[0]));
  } else console.table(await benchJournal());
}
