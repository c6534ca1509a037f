/**
 * Limits of the numeric CLI options, each with the reason the error message gives. They keep a typo
 * (`--epochs 1e308`, an extra zero) from turning into a run that is silent for hours or days; the
 * library API takes any size. Timings behind the limits: `npm run bench` and docs/bad-input.md.
 */
import { UsageError, type IntBounds } from './errors.ts';

const SEED: IntBounds = { min: 0, max: Number.MAX_SAFE_INTEGER, why: 'seeds are exact integers' };

export const RUN_BOUNDS = {
  epochs: { min: 0, max: 1000, why: 'each epoch runs every step of the simulated training' },
  stepsPerEpoch: { min: 1, max: 100_000, why: 'each step runs the lifecycle and an optimizer step on the model' },
  batchesPerStep: { min: 1, max: 1000, why: 'each micro-batch runs the lifecycle on the model' },
  seed: SEED,
} satisfies Record<string, IntBounds>;

/** Micro-batches in one `run`: epochs × steps × batches. Each costs a lifecycle round and model work. */
export const MAX_RUN_BATCHES = 100_000;

export const QUANTIZE_BOUNDS = {
  samples: { min: 1, max: 4096, why: 'each sequence is sampled, then evaluated in 7 one-shot runs' },
  length: { min: 2, max: 65_536, why: 'and no more than the model\'s max_position_embeddings' },
  transformBlockSize: { min: 1, max: 65_536, why: 'a block is a dense rotation of this size' },
  seed: SEED,
} satisfies Record<string, IntBounds>;

export const ALGORITHMS_BOUNDS = {
  samples: { min: 1, max: 4096, why: 'each sequence is evaluated after every row\'s one-shot run' },
  calibrationSamples: { min: 1, max: 4096, why: 'each sequence calibrates every row\'s one-shot run' },
  length: QUANTIZE_BOUNDS.length,
  seed: SEED,
} satisfies Record<string, IntBounds>;

/** Tokens sampled in one `quantize`: samples × length. */
export const MAX_QUANTIZE_TOKENS = 1 << 20;

/** Refuses a run whose plan is too large, naming its size. */
export function checkRunPlan(epochs: number, stepsPerEpoch: number, batchesPerStep: number): void {
  const total = epochs * stepsPerEpoch * batchesPerStep;
  if (total > MAX_RUN_BATCHES) {
    throw new UsageError('--epochs × --steps-per-epoch × --batches-per-step',
      `the plan has ${epochs} × ${stepsPerEpoch} × ${batchesPerStep} = ${total} micro-batches, over the limit of ${MAX_RUN_BATCHES} (each runs the lifecycle and model work; a plan this size would run for days)`);
  }
}

/** Refuses a sampling plan the model cannot hold or that is too large (no silent clamping). */
export function checkQuantizePlan(samples: number, length: number, maxPositions: number): void {
  if (length > maxPositions) {
    throw new UsageError('--length', `the model holds at most ${maxPositions} positions (max_position_embeddings), got ${length}`);
  }
  if (samples * length > MAX_QUANTIZE_TOKENS) {
    throw new UsageError('--samples × --length', `${samples} × ${length} = ${samples * length} tokens, over the limit of ${MAX_QUANTIZE_TOKENS} (every token is sampled, then evaluated in 7 one-shot runs)`);
  }
}
