/**
 * `llmc-sim oneshot RECIPE`: runs the recipe one-shot as upstream's `oneshot` does (reset the session,
 * initialize, the calibration pipeline, finalize), prints what each modifier did, and with `--output`
 * saves the compressed model (safetensors + config.json) and the recipe it ran (recipe.yaml).
 */
import { existsSync } from 'node:fs';
import { Command, Option } from 'commander';
import { createSession } from '../../../lifecycle/session.ts';
import { oneshot } from '../../../sim/oneshot.ts';
import { PIPELINES } from '../../../sim/pipelines/infer.ts';
import { sampleSequences } from '../../../eval/errorTable.ts';
import type { LifecycleRecord } from '../../../core/records.ts';
import type { Fidelity } from '../../../core/fidelity.ts';
import type { AppliedTransforms } from '../../../compressed-tensors/transform/apply.ts';
import type { Model } from '../../../model/model.ts';
import type { Modifier } from '../../../modifiers/modifier.ts';
import { setWarningSink } from '../../../core/logger.ts';
import { UsageError, parseIntOption as intArg } from '../../errors.ts';
import { loadCliModel } from '../../models.ts';
import { startProgress } from '../../progress.ts';
import { colours, warningLine } from '../../format/colour.ts';
import { describeModifiers, hasOnlineTransforms } from './summary.ts';
import { saveCompressed } from './save.ts';
import { isJournalSpec, journalFinalModel, oneshotWithLog } from './journal.ts';

export interface OneshotCliOptions {
  model?: string;
  output?: string;
  /** A journal of the run (src/log); `-` is standard output (the summary then goes to stderr). */
  log?: string;
  force?: boolean;
  pipeline?: string;
  seed: number;
  /** Calibration sequences sampled from the float model, and their length. */
  samples: number;
  length: number;
  fidelity: Fidelity;
  quiet?: boolean;
}

type Out = (line: string) => void;

export interface OneshotResult {
  model: Model;
  label: string;
  calibration: number[][];
  modifiers: Modifier[];
  records: LifecycleRecord[];
  /** The recipe as it ran (upstream saves this as recipe.yaml). */
  recipeYaml: string;
}

/** The files a one-shot run reads: neither `--output` nor `--log` may replace one. */
const oneshotInputs = (recipe: string, model: string | undefined) => [recipe, ...(model && existsSync(model) ? [model] : [])];

/** Loads the model, samples calibration data from it and runs the recipe one-shot in a new session. */
export async function compressOneshot(recipe: string, options: OneshotCliOptions, loaded: () => void = () => {}): Promise<OneshotResult> {
  const { model, label } = isJournalSpec(options.model) ? journalFinalModel(options.model as string) : await loadCliModel(options.model, options.seed);
  const calibration = sampleSequences(model, options.samples, options.length, options.seed);
  loaded();
  const records: LifecycleRecord[] = [];
  return createSession(
    (session) => {
      const sub = session.lifecycle.records$.subscribe((r) => records.push(r));
      try {
        const run = { model, recipe, pipeline: options.pipeline ?? null, calibrationData: calibration, seed: options.seed };
        if (options.log === undefined) oneshot(run);
        else oneshotWithLog(run, model, { ...options, log: options.log, recipePath: recipe, modelSpec: options.model, inputs: oneshotInputs(recipe, options.model) });
      } finally {
        sub.unsubscribe();
      }
      return { model, label, calibration, modifiers: [...session.lifecycle.recipe.modifiers], records, recipeYaml: session.lifecycle.recipe.toYaml() };
    },
    { fidelity: options.fidelity },
  );
}

export async function runOneshot(recipe: string, options: OneshotCliOptions, out: Out, err: Out): Promise<void> {
  if (!existsSync(recipe)) throw new UsageError('recipe', `no such file: ${recipe}`);
  // `--log -`: the journal is standard output, so the summary goes to stderr.
  if (options.log === '-') out = err;
  const c = colours(process.stdout);
  const ce = colours(process.stderr);
  const progress = startProgress({ label: 'oneshot', total: 3, unit: 'stages', quiet: options.quiet });
  const warnings: string[] = [];
  const previousSink = setWarningSink((m) => {
    if (warnings.includes(m)) return;
    warnings.push(m);
    progress.above(() => err(warningLine(m, ce)));
  });
  try {
    progress.tick(0, 'loading the model');
    const { model, label, calibration, modifiers, records, recipeYaml } = await compressOneshot(recipe, options, () => progress.tick(1, 'running the recipe'));
    progress.tick(1, options.output ? `saving to ${options.output}` : '');
    const inputs = oneshotInputs(recipe, options.model);
    const saved = options.output ? await saveCompressed(model, recipeYaml, options.output, inputs) : null;
    progress.tick(1);
    progress.stop();

    const cfg = model.config;
    out(c.bold(`llmc-sim oneshot · recipe ${recipe}`));
    out(`model: ${label} · hidden ${cfg.hiddenSize}, ${cfg.numHiddenLayers} layers, vocab ${cfg.vocabSize} · seed ${options.seed} · fidelity ${options.fidelity}`);
    out(`calibration: ${calibration.length} sequences × ${options.length} tokens sampled from ${isJournalSpec(options.model) ? 'that model' : 'the float model'}`);
    out('');
    for (const line of describeModifiers(modifiers, records)) out(`  ${line}`);
    out('');
    if (saved) {
      out(`saved: ${saved.model}, ${saved.config}, ${saved.recipe}`);
      const online = modifiers.some((m) => hasOnlineTransforms((m as { applied?: AppliedTransforms | null }).applied));
      const activations = records.some((r) => r.type === 'effect.modifier' && r.kind === 'quantization.applied' && (r.data as { inputActivations: string[] }).inputActivations.length > 0);
      if (online || activations) {
        const what = [online ? 'online rotations (R3/R4 hooks)' : null, activations ? 'activation fake-quantization hooks' : null].filter(Boolean).join(' and ');
        const message = `${what} are not stored in model.safetensors: a model loaded from ${options.output} computes without them (upstream stores them as compressed-tensors configs for vLLM); recipe.yaml records them`;
        warnings.push(message);
        err(warningLine(message, ce));
      }
    } else {
      out('not saved (give --output DIR to save the compressed model and the recipe)');
    }
    if (options.log && options.log !== '-') out(`journal: ${options.log} (llmc-sim replay ${options.log})`);
    if (warnings.length) out(c.yellow(`${warnings.length} warning${warnings.length === 1 ? '' : 's'} (on stderr)`));
  } finally {
    progress.stop();
    setWarningSink(previousSink);
  }
}

export function registerOneshot(program: Command): void {
  program
    .command('oneshot')
    .description('run a recipe one-shot (calibration, no training) as LLM Compressor\'s oneshot does; print what each modifier did and optionally save the model')
    .argument('<recipe>', 'recipe file (YAML, JSON or a .md card), e.g. examples/spinquant.yaml')
    .option('--model <model>', "'synthetic' (built-in), 'stories260K', a .bin / safetensors path, or a journal (.llog): its final model, replayed and checked", 'synthetic')
    .option('--output <dir>', 'save model.safetensors, config.json and recipe.yaml into DIR')
    .option('--log <file>', "write the run's journal to FILE ('-' for standard output): `llmc-sim replay FILE` re-runs and checks it")
    .option('--force', 'overwrite an existing --log file')
    .addOption(new Option('--pipeline <name>', 'calibration pipeline; inferred from the modifiers when omitted').choices([...PIPELINES]))
    .option('--seed <n>', 'seed of the synthetic model, the calibration sample and random transforms', intArg('--seed', 0), 0)
    .option('--samples <n>', 'calibration sequences sampled from the float model', intArg('--samples', 1), 8)
    .option('--length <n>', 'tokens per calibration sequence', intArg('--length', 2), 32)
    .addOption(new Option('--fidelity <mode>', "'default' fixes LLM Compressor's lifecycle quirks; 'reference' reproduces them").choices(['default', 'reference']).default('default'))
    .option('-q, --quiet', 'no progress bar on stderr')
    .addHelpText(
      'after',
      '\nExamples:\n  $ llmc-sim oneshot examples/spinquant.yaml\n  $ llmc-sim oneshot examples/spinquant.yaml --model stories260K --output out/stories-w4a4\n  $ llmc-sim oneshot examples/spinquant.yaml --pipeline sequential --seed 3\n  $ llmc-sim oneshot examples/spinquant.yaml --log out/oneshot.llog && llmc-sim replay out/oneshot.llog\n  $ llmc-sim oneshot examples/spinquant.yaml --model out/run.llog --log out/q.llog   # from the final model of a journal',
    )
    .action(async (recipe: string, opts: OneshotCliOptions) => {
      await runOneshot(recipe, opts, (line) => process.stdout.write(`${line}\n`), (line) => process.stderr.write(`${line}\n`));
    });
}
