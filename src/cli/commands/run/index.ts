/**
 * `llmc-sim run [recipe]`: simulates a training run of a recipe and shows, per optimizer step, each
 * modifier's phase and what it did. The default recipe is examples/training.yaml on the built-in
 * synthetic model.
 */
import { packageFile } from '../../../io/packageFile.ts';
import { existsSync, statSync } from 'node:fs';
import { CompressionLifecycle } from '../../../lifecycle/lifecycle.ts';
import type { Fidelity } from '../../../core/fidelity.ts';
import type { LifecycleRecord } from '../../../core/records.ts';
import { simulateTrainingAsync, type SimulatedOptimizerKind, type StepInfo } from '../../../sim/training.ts';
import { modelInputFiles } from '../../../model/load/index.ts';
import { openOutput, type Output } from '../../../io/index.ts';
import { checkRunPlan } from '../../bounds.ts';
import type { Model } from '../../../model/model.ts';
import { streamingTable } from '../../format/table.ts';
import { linearSparsity } from '../../../modifiers/pruning/masks.ts';
import type { Modifier } from '../../../modifiers/modifier.ts';
import { setWarningSink } from '../../../core/logger.ts';
import { UsageError } from '../../errors.ts';
import { loadCliModel, type CliModel } from '../../models.ts';
import { startProgress } from '../../progress.ts';
import { colours, warningLine, type Colours } from '../../format/colour.ts';
import { oneShotModifiers } from './oneshotRecipe.ts';
import { openRunLog } from '../log/recordRun.ts';
import { serializeRecord } from '../../../log/index.ts';

export const DEFAULT_TRAINING_RECIPE = packageFile('examples/training.yaml');

export interface RunOptions {
  epochs: number;
  stepsPerEpoch: number;
  batchesPerStep: number;
  seed: number;
  fidelity: Fidelity;
  model?: string;
  records?: string;
  /** `noise` (default) nudges weights each optimizer step; `none` leaves them to the modifiers. */
  optimizer?: SimulatedOptimizerKind;
  /** No progress bar on stderr. */
  quiet?: boolean;
  /** A journal of the run (src/log); `-` is standard output (the table then goes to stderr). */
  log?: string;
  force?: boolean;
}

const SHORT: Record<string, string> = {
  uninitialized: '·',
  initialized: 'initialized',
  started: 'STARTED',
  ended: 'ended',
  finalized: 'finalized',
};

function describeEffect(r: LifecycleRecord, names: readonly string[]): string | null {
  switch (r.type) {
    case 'effect.transition':
      return r.flag === 'started' || r.flag === 'ended' ? `${names[r.position]} ${r.flag}` : null;
    case 'effect.modifier': {
      const d = r.data as Record<string, unknown>;
      if (r.kind === 'pruning.sparsity') return `${names[r.position]} pruned its targets to ${(Number(d.measured) * 100).toFixed(1)}% sparsity`;
      if (r.kind === 'pruning.hold') return `${names[r.position]} holds its targets' ${(Number(d.sparsity) * 100).toFixed(1)}% zeros from now on`;
      if (r.kind === 'pruning.release') return `${names[r.position]} released its masks: optimizer steps may revive its ${(Number(d.sparsity) * 100).toFixed(1)}% zeros`;
      if (r.kind === 'quantization.applied') return `${names[r.position]} quantized the weights of ${(d.weights as string[]).length} modules`;
      return `${names[r.position]} ${r.kind} ${JSON.stringify(d)}`;
    }
    default:
      return null;
  }
}

/** A CLI recipe argument must name a file (the library also takes YAML text; the CLI does not guess). */
function checkRecipeFile(path: string): void {
  if (!existsSync(path)) throw new UsageError('recipe', `no such file: ${path}`);
}

/** The files this run reads: `--records` may not name one of them. */
function runInputs(recipePath: string, model: string | undefined): string[] {
  if (!model) return [recipePath];
  let isDir = false;
  try {
    isDir = statSync(model).isDirectory();
  } catch {
    /* loadModel names the problem */
  }
  return [recipePath, ...modelInputFiles(model, isDir)];
}

/** `group/Class` labels: a recipe may hold the same class twice (in different groups). */
function labels(modifiers: readonly Modifier[]): string[] {
  const short = modifiers.map((m) => m.constructor.name.replace(/Modifier$/, ''));
  return modifiers.map((m, i) => (short.filter((s) => s === short[i]).length > 1 && m.group ? `${m.group}/${short[i]}` : short[i]));
}

const fmt = (v: number | null) => (v === null ? '–' : String(v));

/** Phase cells in colour: the active phase stands out, the finished ones recede. */
function phaseStyle(c: Colours, firstPhaseColumn: number) {
  return (padded: string, raw: string, column: number) => {
    if (column < firstPhaseColumn) return padded;
    if (raw === SHORT.started) return c.green(c.bold(padded));
    if (raw === SHORT.ended || raw === SHORT.finalized) return c.dim(padded);
    return padded;
  };
}

/** The legend under the header: the loss column is not computed from the model. */
const LOSS_LEGEND = 'loss(sim) is a seeded stand-in curve (2.5·e^(−step/20) + 0.5 + noise), not the model\'s loss';

export async function run(recipe: string | undefined, options: RunOptions, out: (line: string) => void, err: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<void> {
  const recipePath = recipe ?? DEFAULT_TRAINING_RECIPE;
  checkRecipeFile(recipePath);
  checkRunPlan(options.epochs, options.stepsPerEpoch, options.batchesPerStep);
  // A one-shot recipe (no modifier has a schedule) does nothing in a training run: say so, exit 2.
  const oneShot = oneShotModifiers(recipePath, options.fidelity);
  if (oneShot.all) {
    throw new UsageError('recipe', `${recipePath} is a one-shot recipe: no modifier has a \`start\`, so in a training run ${oneShot.names.join(', ')} would never start. Run it with \`llmc-sim oneshot ${recipePath}\``);
  }
  const inputs = runInputs(recipePath, options.model);
  // Opened before any work, so a bad --records path fails at once; nothing replaces it until commit.
  const ndjson = options.records !== undefined ? openOutput(options.records, { inputs }) : null;
  const c = colours(process.stdout);
  const ce = colours(process.stderr);
  let progress: ReturnType<typeof startProgress> | null = null;
  // Each warning once, on stderr (the table only counts them).
  const seen = new Set<string>();
  const warn = (m: string) => {
    if (seen.has(m)) return;
    seen.add(m);
    if (progress) progress.above(() => err(warningLine(m, ce)));
    else err(warningLine(m, ce));
  };
  const previousSink = setWarningSink(warn);
  try {
    const loaded = await loadCliModel(options.model, options.seed);
    progress = startProgress({ label: 'run', total: options.epochs * options.stepsPerEpoch, unit: 'steps', quiet: options.quiet });
    for (const name of oneShot.names) warn(`${name} has no \`start\`: it never starts in a training run (a one-shot modifier: see \`llmc-sim oneshot\`)`);
    await simulate({ recipePath, inputs }, loaded, options, out, progress, c, seen, ndjson);
    ndjson?.commit();
  } catch (e) {
    ndjson?.abort();
    throw e;
  } finally {
    progress?.stop();
    setWarningSink(previousSink);
  }
}

async function simulate(
  { recipePath, inputs }: { recipePath: string; inputs: string[] },
  { model, label }: CliModel,
  options: RunOptions,
  out: (line: string) => void,
  progress: ReturnType<typeof startProgress>,
  c: Colours,
  warnings: ReadonlySet<string>,
  ndjson: Output | null,
): Promise<void> {
  const lifecycle = new CompressionLifecycle({ fidelity: options.fidelity });
  if (options.log === '-') out = (line) => process.stderr.write(`${line}\n`);
  const journal = options.log ? openRunLog(lifecycle, model, { ...options, log: options.log, recipePath, modelPath: options.model, inputs }) : null;
  const S = options.stepsPerEpoch;
  const B = options.batchesPerStep;
  const totalSteps = options.epochs * S;

  const pending: string[] = [];
  let names: string[] = [];
  const startedAt = new Map<number, number>();
  const endedAt = new Map<number, number>();
  // With `--optimizer none` weights change only when a modifier acts (a transition or an effect it
  // records): recount zeros only after one.
  let weightsChanged = true;
  const sub = lifecycle.records$.subscribe((r) => {
    if (r.type === 'effect.modifier' || r.type === 'effect.transition') weightsChanged = true;
    if (r.type === 'effect.transition' && r.flag === 'started') startedAt.set(r.position, lifecycle.globalStep);
    if (r.type === 'effect.transition' && r.flag === 'ended') endedAt.set(r.position, lifecycle.globalStep);
    if (names.length === 0) names = labels(lifecycle.recipe.modifiers);
    const text = describeEffect(r, names);
    if (text) pending.push(text);
    if (ndjson) ndjson.write(`${JSON.stringify(serializeRecord(r))}\n`);
  });
  // Everything goes out above the progress bar.
  const say = (line: string) => progress.above(() => out(line));

  say(c.bold(`llmc-sim run · recipe ${recipePath}`));
  say(`${options.epochs} epochs × ${S} steps × ${B} micro-batch(es) · fidelity ${options.fidelity} · seed ${options.seed} · optimizer ${options.optimizer ?? 'noise'}`);
  const cfg = model.config;
  say(`model: ${label} · hidden ${cfg.hiddenSize}, ${cfg.numHiddenLayers} layers, vocab ${cfg.vocabSize} · sparsity ${(linearSparsity(model) * 100).toFixed(1)}%`);
  say('');

  let table: ReturnType<typeof streamingTable> | null = null;
  let sparsity = 0;
  const note = (n: string) => say(c.dim(`      ↳ ${n}`));
  const warningsBefore = warnings.size;
  // Async: the loop hands control back every few ms, so SIGINT/SIGTERM stop a long run at once (src/cli/stop.ts).
  await simulateTrainingAsync({
    recipe: recipePath,
    epochs: options.epochs,
    stepsPerEpoch: S,
    batchesPerStep: B,
    model,
    seed: options.seed,
    lifecycle,
    optimizer: options.optimizer,
    onOptimizerStep: journal ? (g, lr) => journal.optimizerStep(g, lr) : undefined,
    onBatchEnd(info: StepInfo, lc) {
      if (info.microBatch !== B - 1) return;
      if (!table) {
        // Widths fixed before the first row: the largest step and epoch, a loss, 100.0%, the phase names.
        const header = ['step', 'epoch', 'loss(sim)', 'sparsity', ...names];
        table = streamingTable(header, [String(totalSteps).length, (totalSteps / S).toFixed(2).length, 7, 6, ...names.map(() => SHORT.initialized.length)], ['r', 'r', 'r', 'r']);
        say(c.bold(table.header[0]));
        say(table.header[1]);
      }
      if (weightsChanged || options.optimizer !== 'none') sparsity = linearSparsity(model);
      weightsChanged = false;
      const row = [String(info.globalStep), (info.globalStep / S).toFixed(2), info.loss.toFixed(4), (sparsity * 100).toFixed(1) + '%', ...lc.recipe.modifiers.map((m) => SHORT[m.phase])];
      say(table.row(row, phaseStyle(c, 4)));
      for (const n of pending.splice(0)) note(n);
      progress.tick(1, `step ${info.globalStep}`);
    },
  });
  for (const n of pending.splice(0)) note(n);
  const newWarnings = warnings.size - warningsBefore;
  if (newWarnings > 0) note(c.yellow(`${newWarnings} warning${newWarnings === 1 ? '' : 's'} (on stderr)`));
  journal?.close();
  sub.unsubscribe();
  progress.stop();

  if (table) out(c.dim(LOSS_LEGEND));
  out('');
  out('modifiers (schedule in epochs → what happened):');
  lifecycle.recipe.modifiers.forEach((m, i) => {
    const when = (g: number | undefined) => (g === undefined ? 'never' : `step ${g} (epoch ${(g / S).toFixed(2)})`);
    out(`  ${names[i].padEnd(Math.max(...names.map((n) => n.length)))}  start ${fmt(m.start)} end ${fmt(m.end)} update ${fmt(m.update)}  →  started ${when(startedAt.get(i))}, ended ${when(endedAt.get(i))}, now ${m.phase}`);
  });
  out(`model sparsity after training: ${(linearSparsity(model) * 100).toFixed(1)}%`);
  if (options.fidelity === 'reference') {
    out('note: reference fidelity reproduces LLM Compressor ≤ 0.12, whose lifecycle events carry no step (Q1):');
    out('      only modifiers with start ≤ 0 ever start, and end > 0 never triggers.');
  }
  if (options.records !== undefined && options.records !== '-') out(`records: ${options.records}`);
  if (options.log && options.log !== '-') out(`journal: ${options.log} (llmc-sim replay ${options.log})`);
}
