/**
 * Training-simulator speed: optimizer steps per second of `simulateTraining` with examples/training.yaml on
 * the synthetic model, with the `noise` optimizer (the default) and `none`, against a step that draws a
 * fresh normal per weight (the optimizer before it read a seeded table). Run alone with `npx tsx bench/training.ts`.
 */
import { fileURLToPath } from 'node:url';
import { createSyntheticModel, simulateTraining, type Model } from '../src/index.ts';
import { Rng } from '../src/tensor/rng.ts';
import type { SimulatedOptimizerKind } from '../src/sim/training.ts';
import type { BenchRow } from './types.ts';
import { medianSeconds } from './timing.ts';

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

export async function benchTraining(): Promise<BenchRow[]> {
  const noise = simulate('noise');
  const none = simulate('none');
  // One run: at tens of milliseconds a step, repeats would dominate the whole bench.
  const before = simulate('none', (m, g) => perWeightNormalStep(m, 0, g), 1);
  const rate = (s: number) => `${(STEPS / s).toFixed(0)} steps/s`;
  return [
    { name: `simulateTraining ${STEPS} steps, synthetic, optimizer noise`, seconds: noise, ratio: `${(before / noise).toFixed(1)}x faster than per-weight normals`, note: rate(noise) },
    { name: `simulateTraining ${STEPS} steps, synthetic, optimizer none`, seconds: none, ratio: `${(noise / none).toFixed(1)}x faster than noise`, note: rate(none) },
    { name: `simulateTraining ${STEPS} steps, synthetic, per-weight normals (before)`, seconds: before, note: rate(before) },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await benchTraining()) console.log(`${r.name}: ${r.seconds.toFixed(3)} s, ${r.note}${r.ratio ? `, ${r.ratio}` : ''}`);
}
