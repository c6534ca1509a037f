/**
 * The training-loop simulator (lifecycle.md §9.5): epochs × steps × micro-batches, each micro-batch
 * firing BATCH_START, LOSS_CALCULATED, OPTIM_PRE_STEP, OPTIM_POST_STEP, BATCH_END with its global
 * step. `trainingCalls` is pure (a generator of calls); `simulateTraining` drives a lifecycle with
 * them, and between OPTIM_PRE_STEP and OPTIM_POST_STEP takes a simulated optimizer step that nudges
 * the model's Linear weights with seeded noise, so that what modifiers do to weights (pruning masks)
 * has something to hold against.
 */
import { EventType } from '../core/events.ts';
import type { LifecycleCall } from '../lifecycle/calls.ts';
import { applyCall } from '../lifecycle/calls.ts';
import { CompressionLifecycle } from '../lifecycle/lifecycle.ts';
import type { Fidelity } from '../core/fidelity.ts';
import type { RecipeInput } from '../recipe/recipe.ts';
import type { Model } from '../model/model.ts';
import { Rng } from '../tensor/rng.ts';
import { ValueError } from '../core/errors.ts';
import { requiredOptions } from '../core/options.ts';

export interface TrainingOptions {
  recipe: RecipeInput;
  epochs: number;
  stepsPerEpoch: number;
  /** Micro-batches per optimizer step (gradient accumulation); default 1. */
  batchesPerStep?: number;
  model?: Model | null;
  seed?: number;
}

/** A simulated optimizer: stands in for `torch.optim.SGD` so `compressionReady` holds. */
export interface SimulatedOptimizer {
  readonly name: 'SimulatedSGD';
  readonly lr: number;
}

export interface StepInfo {
  epoch: number;
  /** Optimizer step within the epoch. */
  step: number;
  microBatch: number;
  globalStep: number;
  loss: number;
}

function checkCount(name: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new ValueError(`training: ${name} must be an integer ≥ ${min}, got ${JSON.stringify(v)}`);
  }
  return v;
}

/** The simulated loss curve: deterministic in (seed, step). */
export function simulatedLoss(seed: number, globalStep: number, microBatch: number): number {
  const noise = new Rng(seed).split(`loss:${globalStep}:${microBatch}`).uniform();
  return Number((2.5 * Math.exp(-globalStep / 20) + 0.5 + 0.1 * noise).toFixed(6));
}

const OPTIMIZER_LR = 1e-3;

/** Every call of a training run, in order, with the step each micro-batch belongs to. */
const TRAINING_KEYS = ['recipe', 'epochs', 'stepsPerEpoch', 'batchesPerStep', 'model', 'seed'] as const;
const SIMULATE_KEYS = [...TRAINING_KEYS, 'fidelity', 'lifecycle', 'onBatchEnd', 'onOptimizerStep', 'optimizer'];

export function* trainingCalls(options: TrainingOptions): Generator<LifecycleCall & { info?: StepInfo }> {
  options = requiredOptions('trainingCalls', options, TRAINING_KEYS);
  const epochs = checkCount('epochs', options.epochs, 0);
  const S = checkCount('stepsPerEpoch', options.stepsPerEpoch, 1);
  const B = checkCount('batchesPerStep', options.batchesPerStep ?? 1, 1);
  const seed = options.seed ?? 0;
  const optimizer: SimulatedOptimizer = { name: 'SimulatedSGD', lr: OPTIMIZER_LR };
  yield {
    call: 'initialize',
    options: { recipe: options.recipe, model: options.model ?? null, optimizer, stepsPerEpoch: S, batchesPerStep: B },
  };
  for (let e = 0; e < epochs; e++) {
    for (let j = 0; j < S * B; j++) {
      const g = e * S + Math.floor(j / B);
      const loss = simulatedLoss(seed, g, j);
      const info: StepInfo = { epoch: e, step: Math.floor(j / B), microBatch: j % B, globalStep: g, loss };
      const batchData = { epoch: e, microBatch: j };
      yield { call: 'event', type: EventType.BATCH_START, options: { globalStep: g, batchData } };
      yield { call: 'event', type: EventType.LOSS_CALCULATED, options: { globalStep: g, loss } };
      yield { call: 'event', type: EventType.OPTIM_PRE_STEP, options: { globalStep: g } };
      yield { call: 'event', type: EventType.OPTIM_POST_STEP, options: { globalStep: g } };
      yield { call: 'event', type: EventType.BATCH_END, options: { globalStep: g }, info };
    }
  }
  yield { call: 'finalize', options: {} };
}

export interface SimulateOptions extends TrainingOptions {
  fidelity?: Fidelity;
  lifecycle?: CompressionLifecycle;
  /** Called after each micro-batch's BATCH_END. */
  onBatchEnd?: (info: StepInfo, lifecycle: CompressionLifecycle) => void;
  /** Called right after the simulated optimizer changed the weights (a journal records it as a call). */
  onOptimizerStep?: (globalStep: number, lr: number) => void;
  /**
   * `noise` (default): each optimizer step nudges the Linear weights (`simulatedOptimizerStep`);
   * `none`: the events fire but weights change only by what modifiers do.
   */
  optimizer?: SimulatedOptimizerKind;
}

export const SIMULATED_OPTIMIZERS = ['noise', 'none'] as const;
export type SimulatedOptimizerKind = (typeof SIMULATED_OPTIMIZERS)[number];

/** Entries in a seed's noise table (a power of two, so a wrapped index is a mask). */
const NOISE_TABLE_SIZE = 1 << 16;
const noiseTables = new Map<number, Float32Array>();

/**
 * A seed's table of standard normal draws, built once; stored twice over so a window of
 * NOISE_TABLE_SIZE entries from any offset is contiguous.
 */
function noiseTable(seed: number): Float32Array {
  let table = noiseTables.get(seed);
  if (!table) {
    const rng = new Rng(seed).split('optim:table');
    table = new Float32Array(2 * NOISE_TABLE_SIZE);
    for (let i = 0; i < NOISE_TABLE_SIZE; i++) table[i] = table[i + NOISE_TABLE_SIZE] = rng.normal();
    noiseTables.set(seed, table);
  }
  return table;
}

/** Share of each Linear's weights one simulated optimizer step nudges. */
export const NUDGED_FRACTION = 1 / 4;

/**
 * Nudges Linear weights by seeded noise: the simulated effect of an optimizer step. Each step nudges a
 * seeded window of NUDGED_FRACTION of each module's weights (wrapping around), adding noise read from the
 * seed's normal table at a seeded offset, instead of a fresh normal for every weight: within a few steps
 * every pruned weight comes back non-zero unless a mask holds it, at a fraction of the cost (see
 * `npm run bench`, training).
 */
export function simulatedOptimizerStep(model: Model, seed: number, globalStep: number, lr = 1e-3): void {
  const table = noiseTable(seed);
  const rng = new Rng(seed).split(`optim:${globalStep}`);
  for (const [, m] of model.namedModules()) {
    if (m.kind !== 'linear') continue;
    const w = m.weight.data;
    const n = w.length;
    let at = Math.floor(rng.uniform() * n);
    let left = Math.ceil(n * NUDGED_FRACTION);
    let offset = rng.nextUint32() & (NOISE_TABLE_SIZE - 1);
    while (left > 0) {
      const run = Math.min(left, n - at, NOISE_TABLE_SIZE);
      for (let k = 0; k < run; k++) w[at + k] += lr * table[offset + k];
      left -= run;
      at = (at + run) % n;
      offset = (offset + run) & (NOISE_TABLE_SIZE - 1);
    }
  }
}

/** Runs a whole training simulation; returns the lifecycle (finalized). */
export function simulateTraining(options: SimulateOptions): CompressionLifecycle {
  options = requiredOptions('simulateTraining', options, SIMULATE_KEYS);
  const lifecycle = options.lifecycle ?? new CompressionLifecycle({ fidelity: options.fidelity });
  const seed = options.seed ?? 0;
  const optimizer = options.optimizer ?? 'noise';
  if (!(SIMULATED_OPTIMIZERS as readonly string[]).includes(optimizer)) {
    throw new ValueError(`simulateTraining: optimizer must be one of ${SIMULATED_OPTIMIZERS.map((o) => `'${o}'`).join(', ')}, got ${JSON.stringify(optimizer)}`);
  }
  const training: Record<string, unknown> = {};
  for (const k of TRAINING_KEYS) if (k in options) training[k] = options[k];
  for (const c of trainingCalls(training as unknown as TrainingOptions)) {
    if (c.call === 'event' && c.type === EventType.OPTIM_POST_STEP && options.model && optimizer === 'noise') {
      simulatedOptimizerStep(options.model, seed, c.options.globalStep as number, OPTIMIZER_LR);
      options.onOptimizerStep?.(c.options.globalStep as number, OPTIMIZER_LR);
    }
    applyCall(lifecycle, c);
    if (c.call === 'event' && c.info) options.onBatchEnd?.(c.info, lifecycle);
  }
  return lifecycle;
}
