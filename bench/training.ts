/**
 * Training-simulator speed: optimizer steps per second of `simulateTraining` with examples/training.yaml on
 * the synthetic model, with the `noise` optimizer (the default) and `none`, against a step that draws a
 * fresh normal per weight (the optimizer before it read a seeded table); and of the `llmc-sim run` command
 * itself (in process, its table discarded), which also recounts the model's zeros every step: the rate of a
 * long run, from the time the steps beyond the first RUN_SHORT add. Goal (issue 10):
 * `run` ≥ 200 steps/s with the default `noise` optimizer. Run alone with `npx tsx bench/training.ts`.
 */
import { fileURLToPath } from 'node:url';
import { createSyntheticModel, simulateTraining, type Model } from '../src/index.ts';
import { Rng } from '../src/tensor/rng.ts';
import type { SimulatedOptimizerKind } from '../src/sim/training.ts';
import type { BenchRow } from './types.ts';
import { medianSeconds } from './timing.ts';
import { run } from '../src/cli/commands/run/index.ts';

const RECIPE = fileURLToPath(new URL('../examples/training.yaml', import.meta.url));
const STEPS = 200;

/** The earlier optimizer step: a fresh seeded normal per Linear weight. */
function perWeightNormalStep(model: Model, seed: number, globalStep: number): void {
  const rng = new Rng(seed).split(`optim:${globalStep}`);
  for (const [, m] of model.namedModules()) {
    if (m.kind !== 'linear') continue;
    const w = m.weight.data;
    for (let i = 0; i < w.length; i++) w[i] += 1e-3 * rng.normal();
  }
}

function simulate(optimizer: SimulatedOptimizerKind, extra?: (model: Model, step: number) => void, reps = 3): number {
  const model = createSyntheticModel();
  let step = 0;
  return medianSeconds(
    () =>
      simulateTraining({
        recipe: RECIPE, epochs: STEPS / 50, stepsPerEpoch: 50, model, optimizer,
        onBatchEnd: extra ? () => extra(model, step++) : undefined,
      }),
    reps,
    reps > 1 ? 1 : 0,
  );
}

const RUN_STEPS = 500;
const RUN_SHORT = 100;

/** `llmc-sim run` (4 epochs, noise optimizer, quiet) in this process: wall and CPU seconds, median of 3. */
async function runCommand(steps: number): Promise<{ wall: number; cpu: number }> {
  const once = async () => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await run(RECIPE, { epochs: 4, stepsPerEpoch: steps / 4, batchesPerStep: 1, seed: 0, fidelity: 'default', quiet: true }, () => {}, () => {});
    const c = process.cpuUsage(c0);
    return { wall: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6 };
  };
  await once();
  const times = [await once(), await once(), await once()].sort((a, b) => a.wall - b.wall);
  return times[1];
}

export async function benchTraining(): Promise<BenchRow[]> {
  // The rate of a long run: the steps beyond RUN_SHORT over the time they add (model and recipe set-up cancel out).
  const long = await runCommand(RUN_STEPS);
  const short = await runCommand(RUN_SHORT);
  const extra = RUN_STEPS - RUN_SHORT;
  const noise = simulate('noise');
  const none = simulate('none');
  // One run: at tens of milliseconds a step, repeats would dominate the whole bench.
  const before = simulate('none', (m, g) => perWeightNormalStep(m, 0, g), 1);
  const rate = (s: number) => `${(STEPS / s).toFixed(0)} steps/s`;
  const runRate = extra / (long.wall - short.wall);
  return [
    {
      name: `llmc-sim run ${RUN_STEPS} steps, synthetic, optimizer noise (in process, table discarded)`,
      seconds: long.wall,
      ratio: `${runRate.toFixed(0)} steps/s${runRate >= 200 ? '' : ' (goal 200: MISSED)'}`,
      note: `steps ${RUN_SHORT + 1}-${RUN_STEPS}; ${(extra / (long.cpu - short.cpu)).toFixed(0)} per CPU-second (what the load leaves out); whole run ${(RUN_STEPS / long.wall).toFixed(0)} steps/s`,
    },
    { name: `simulateTraining ${STEPS} steps, synthetic, optimizer noise`, seconds: noise, ratio: `${(before / noise).toFixed(1)}x faster than per-weight normals`, note: rate(noise) },
    { name: `simulateTraining ${STEPS} steps, synthetic, optimizer none`, seconds: none, ratio: `${(noise / none).toFixed(1)}x faster than noise`, note: rate(none) },
    { name: `simulateTraining ${STEPS} steps, synthetic, per-weight normals (before)`, seconds: before, note: rate(before) },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await benchTraining()) console.log(`${r.name}: ${r.seconds.toFixed(3)} s, ${r.note}${r.ratio ? `, ${r.ratio}` : ''}`);
}
