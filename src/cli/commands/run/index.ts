/**
 * `llmc-sim run [recipe]`: simulates a training run of a recipe and shows, per optimizer step, each
 * modifier's phase and what it did. The default recipe is examples/training.yaml on the built-in
 * synthetic model.
 */
import { packageFile } from '../../../io/packageFile.ts';
import { createWriteStream, existsSync, renameSync } from 'node:fs';
import { finished } from 'node:stream/promises';
import { CompressionLifecycle } from '../../../lifecycle/lifecycle.ts';
import type { Fidelity } from '../../../core/fidelity.ts';
import type { LifecycleRecord } from '../../../core/records.ts';
import { simulateTraining, type StepInfo } from '../../../sim/training.ts';
import { createSyntheticModel } from '../../../model/synthetic.ts';
import { loadModel } from '../../../model/load/index.ts';
import type { Model } from '../../../model/model.ts';
import { formatTable } from '../../format/table.ts';
import { sparsityOf } from '../../../modifiers/pruning/masks.ts';
import type { Modifier } from '../../../modifiers/modifier.ts';
import { UsageError } from '../../errors.ts';
import { openRunLog } from '../log/recordRun.ts';

export const DEFAULT_TRAINING_RECIPE = packageFile('examples/training.yaml');

export interface RunOptions {
  epochs: number;
  stepsPerEpoch: number;
  batchesPerStep: number;
  seed: number;
  fidelity: Fidelity;
  model?: string;
  records?: string;
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
      return `${names[r.position]} ${r.kind} ${JSON.stringify(d)}`;
    }
    case 'effect.warning':
      return `warning: ${r.message}`;
    default:
      return null;
  }
}

function modelSparsity(model: Model): number {
  let zeros = 0;
  let total = 0;
  for (const [, m] of model.namedModules()) {
    if (m.kind !== 'linear' || m.name === 'lm_head') continue;
    zeros += sparsityOf(m.weight.data) * m.weight.size;
    total += m.weight.size;
  }
  return total ? zeros / total : 0;
}

/** A CLI recipe argument must name a file (the library also takes YAML text; the CLI does not guess). */
function checkRecipeFile(path: string): void {
  if (!existsSync(path)) throw new UsageError('recipe', `no such file: ${path}`);
}

/** `group/Class` labels: a recipe may hold the same class twice (in different groups). */
function labels(modifiers: readonly Modifier[]): string[] {
  const short = modifiers.map((m) => m.constructor.name.replace(/Modifier$/, ''));
  return modifiers.map((m, i) => (short.filter((s) => s === short[i]).length > 1 && m.group ? `${m.group}/${short[i]}` : short[i]));
}

const fmt = (v: number | null) => (v === null ? '–' : String(v));

export async function run(recipe: string | undefined, options: RunOptions, out: (line: string) => void): Promise<void> {
  const recipePath = recipe ?? DEFAULT_TRAINING_RECIPE;
  checkRecipeFile(recipePath);
  const model = options.model ? await loadModel(options.model) : createSyntheticModel({ seed: options.seed });
  const lifecycle = new CompressionLifecycle({ fidelity: options.fidelity });
  if (options.log === '-') out = (line) => process.stderr.write(`${line}\n`);
  const journal = options.log ? openRunLog(lifecycle, model, { ...options, log: options.log, recipePath, modelPath: options.model }) : null;
  const S = options.stepsPerEpoch;
  const B = options.batchesPerStep;

  const pending: string[] = [];
  let names: string[] = [];
  const startedAt = new Map<number, number>();
  const endedAt = new Map<number, number>();
  // Written beside the target and renamed at the end: a half-written file never replaces a good one.
  const tmp = options.records ? `${options.records}.${process.pid}.partial` : null;
  const ndjson = tmp ? createWriteStream(tmp) : null;
  const sub = lifecycle.records$.subscribe((r) => {
    if (r.type === 'effect.transition' && r.flag === 'started') startedAt.set(r.position, lifecycle.globalStep);
    if (r.type === 'effect.transition' && r.flag === 'ended') endedAt.set(r.position, lifecycle.globalStep);
    if (names.length === 0) names = labels(lifecycle.recipe.modifiers);
    const text = describeEffect(r, names);
    if (text) pending.push(text);
    if (ndjson) ndjson.write(`${JSON.stringify(r, (_k, v) => (v && typeof v === 'object' && 'namedModules' in v ? '<model>' : v))}\n`);
  });

  out(`llmc-sim run · recipe ${recipePath}`);
  out(`${options.epochs} epochs × ${S} steps × ${B} micro-batch(es) · fidelity ${options.fidelity} · seed ${options.seed}`);
  const c = model.config;
  out(`model: ${options.model ?? 'synthetic'} (hidden ${c.hiddenSize}, ${c.numHiddenLayers} layers, vocab ${c.vocabSize}) · sparsity ${(modelSparsity(model) * 100).toFixed(1)}%`);
  out('');

  const rows: string[][] = [];
  const notes = new Map<number, string[]>();
  simulateTraining({
    recipe: recipePath,
    epochs: options.epochs,
    stepsPerEpoch: S,
    batchesPerStep: B,
    model,
    seed: options.seed,
    lifecycle,
    onOptimizerStep: journal ? (g, lr) => journal.optimizerStep(g, lr) : undefined,
    onBatchEnd(info: StepInfo, lc) {
      if (info.microBatch !== B - 1) return;
      rows.push([
        String(info.globalStep),
        (info.globalStep / S).toFixed(2),
        info.loss.toFixed(4),
        (modelSparsity(model) * 100).toFixed(1) + '%',
        ...lc.recipe.modifiers.map((m) => SHORT[m.phase]),
      ]);
      if (pending.length) notes.set(rows.length - 1, pending.splice(0));
    },
  });
  const finalNotes = pending.splice(0);
  journal?.close();
  sub.unsubscribe();
  if (ndjson && tmp && options.records) {
    ndjson.end();
    await finished(ndjson);
    renameSync(tmp, options.records);
  }

  const header = ["step", "epoch", "loss", "sparsity", ...names];
  const table = formatTable(header, rows, ['r', 'r', 'r', 'r']).split('\n');
  out(table[0]);
  out(table[1]);
  table.slice(2).forEach((line, i) => {
    out(line);
    for (const n of notes.get(i) ?? []) out(`      ↳ ${n}`);
  });
  for (const n of finalNotes) out(`      ↳ ${n}`);
  out('');
  out('modifiers (schedule in epochs → what happened):');
  lifecycle.recipe.modifiers.forEach((m, i) => {
    const when = (g: number | undefined) => (g === undefined ? 'never' : `step ${g} (epoch ${(g / S).toFixed(2)})`);
    out(`  ${names[i].padEnd(Math.max(...names.map((n) => n.length)))}  start ${fmt(m.start)} end ${fmt(m.end)} update ${fmt(m.update)}  →  started ${when(startedAt.get(i))}, ended ${when(endedAt.get(i))}, now ${m.phase}`);
  });
  out(`model sparsity after training: ${(modelSparsity(model) * 100).toFixed(1)}%`);
  if (options.fidelity === 'reference') {
    out('note: reference fidelity reproduces LLM Compressor ≤ 0.12, whose lifecycle events carry no step (Q1):');
    out('      only modifiers with start ≤ 0 ever start, and end > 0 never triggers.');
  }
  if (options.records) out(`records: ${options.records}`);
  if (options.log && options.log !== '-') out(`journal: ${options.log} (llmc-sim replay ${options.log})`);
}
