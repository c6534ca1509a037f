/**
 * Journal benchmark (issue 8): recording overhead on the lifecycle-only workload (8 modifiers,
 * 100k steps × 5 events), replay-verify speed on a 1,000,000-call journal beside the floor of merely
 * reading and JSON.parse-ing the same calls as JSON Lines, bytes per call beside `--records` NDJSON,
 * and the model hash per step beside the simulated optimizer step it follows.
 *
 *   npx tsx bench/journal.ts
 */
import { fileURLToPath } from 'node:url';
import { CompressionLifecycle } from '../src/lifecycle/lifecycle.ts';
import { CountingModifier, runSteps, SCHEDULES, STEPS_PER_EPOCH } from './lifecycle.ts';
import { createSyntheticModel } from '../src/model/synthetic.ts';
import { simulatedOptimizerStep, simulateTraining } from '../src/sim/training.ts';
import { readFileSync } from 'node:fs';
import { memorySink, modelSha256, readJournal, recordTo, replayJournal } from '../src/log/index.ts';
import { medianSeconds } from './timing.ts';
import type { BenchRow } from './types.ts';

const TRAINING_RECIPE = readFileSync(fileURLToPath(new URL('../examples/training.yaml', import.meta.url)), 'utf8');

const modifiers = () => SCHEDULES.map((s) => new CountingModifier(s));

type Mode = 'plain' | 'subscribed' | 'journal' | 'records';

/** One run of `steps` steps; returns seconds and, when recording, the bytes written. */
function timedRun(steps: number, mode: Mode): { seconds: number; bytes: number; calls: number } {
  const lc = new CompressionLifecycle({ fidelity: 'default' });
  const sink = memorySink();
  let ndjson = 0;
  const sub = mode === 'subscribed' ? lc.records$.subscribe(() => {}) : null;
  const recsub =
    mode === 'records'
      ? lc.records$.subscribe((r) => {
          ndjson += JSON.stringify(r, (_k, v) => (v && typeof v === 'object' && 'namedModules' in v ? '<model>' : v)).length + 1;
        })
      : null;
  const rec = mode === 'journal' ? recordTo(lc, sink, { recipe: null, settings: { driver: 'bench' } }) : null;
  const t0 = process.hrtime.bigint();
  lc.initialize({ recipe: modifiers(), stepsPerEpoch: STEPS_PER_EPOCH, batchesPerStep: 1 });
  runSteps(lc, 0, steps);
  lc.finalize();
  rec?.close();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  sub?.unsubscribe();
  recsub?.unsubscribe();
  return { seconds, bytes: mode === 'records' ? ndjson : sink.bytes().length, calls: steps * 5 + 2 };
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
  timedRun(5_000, 'plain');
  timedRun(5_000, 'journal');
  const plain = timedRun(STEPS, 'plain');
  const subscribed = timedRun(STEPS, 'subscribed');
  const journal = timedRun(STEPS, 'journal');
  const overhead = journal.seconds / plain.seconds - 1;
  rows.push({
    name: 'journal: record lifecycle bench (100k steps x 5 events x 8 modifiers)',
    seconds: journal.seconds,
    ratio: `+${(overhead * 100).toFixed(0)}% over unrecorded${overhead <= 0.25 ? '' : ' (goal <= 25%: MISSED)'}`,
    note: `unrecorded ${plain.seconds.toFixed(3)} s; records$ with a no-op subscriber ${subscribed.seconds.toFixed(3)} s (+${((subscribed.seconds / plain.seconds - 1) * 100).toFixed(0)}%), so the journal itself adds +${((journal.seconds / subscribed.seconds - 1) * 100).toFixed(0)}% over records$`,
  });

  process.stderr.write('journal bench: --records NDJSON size…\n');
  const records = timedRun(STEPS / 5, 'records');
  rows.push({
    name: 'journal: bytes per call (same run)',
    seconds: 0,
    ratio: `${(journal.bytes / journal.calls).toFixed(1)} B/call`,
    note: `--records NDJSON: ${(records.bytes / records.calls).toFixed(1)} B/call (${(records.bytes / records.calls / (journal.bytes / journal.calls)).toFixed(1)}x the journal); journal ${(journal.bytes / 2 ** 20).toFixed(1)} MiB for ${journal.calls} calls`,
  });

  // Replay-verify of a 1,000,000-call journal, beside reading + JSON.parse of the same calls as JSON Lines.
  process.stderr.write('journal bench: 1M-call journal…\n');
  const MILLION_STEPS = 200_000;
  const bytes = journalOf(MILLION_STEPS);
  const t0 = process.hrtime.bigint();
  const j = readJournal(bytes);
  const readSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const t1 = process.hrtime.bigint();
  const r = replayJournal(j, { recipe: modifiers, keepRecords: false });
  const replaySeconds = Number(process.hrtime.bigint() - t1) / 1e9;
  const calls = j.calls.length;
  const jsonl = j.calls.map((c) => JSON.stringify(c.c)).join('\n');
  const t2 = process.hrtime.bigint();
  let parsed = 0;
  for (const line of jsonl.split('\n')) if (JSON.parse(line)) parsed++;
  const floorSeconds = Number(process.hrtime.bigint() - t2) / 1e9;
  const total = readSeconds + replaySeconds;
  rows.push({
    name: `journal: replay-verify ${calls} calls (read + check + re-execute)`,
    seconds: total,
    ratio: `${(calls / total / 1e6).toFixed(2)} M calls/s${calls / total >= 1e6 ? '' : ' (goal >= 1 M/s: MISSED)'}`,
    note: `${r.divergence ? 'DIVERGED' : 'matches'}; read+checksums ${readSeconds.toFixed(2)} s, re-execute ${replaySeconds.toFixed(2)} s; floor (split + JSON.parse of ${parsed} call lines) ${floorSeconds.toFixed(2)} s = ${(parsed / floorSeconds / 1e6).toFixed(2)} M calls/s`,
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
  console.table(await benchJournal());
}
