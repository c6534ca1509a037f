/**
 * `llmc-sim tour` (what `npm start` runs): the whole product on the built-in synthetic Llama in one story.
 *
 * 1. Train (simulated) with the recipe's sparsity stage — gradual magnitude pruning, then a hold — recording
 *    the run as a journal (`out/run.llog`).
 * 2. Replay the journal on a fresh lifecycle and model, and compare every effect digest and model hash.
 * 3. Verify the lifecycle's default properties exhaustively to a bound (holds / known quirk / VIOLATED).
 * 4. Compress the pruned model one-shot with the recipe's quantization stage (SpinQuant rotations + W4A16),
 *    recording it as a journal (`out/oneshot.llog`) whose model is the final model of `out/run.llog`, replay
 *    that, and measure how far each stage moved the model's outputs.
 * 5. Draw the run: an ASCII timeline here, and `out/report.html` (timeline, step slider, machine diagrams, the
 *    error table) for a browser.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Fidelity } from '../../../core/fidelity.ts';
import { packageFile } from '../../../io/packageFile.ts';
import { writeOutput } from '../../../io/index.ts';
import { CompressionLifecycle } from '../../../lifecycle/lifecycle.ts';
import { createSession } from '../../../lifecycle/session.ts';
import { createSyntheticModel } from '../../../model/synthetic.ts';
import { Recipe } from '../../../recipe/recipe.ts';
import { simulateTraining } from '../../../sim/training.ts';
import { compareModels } from '../../../eval/compareModels.ts';
import { errorRowCells, formatErrorRows, sampleSequences } from '../../../eval/errorTable.ts';
import { journalRecords, journalReference, readJournal, recordOneshot, recordTo, replayJournal, type HeaderInput } from '../../../log/index.ts';
import { defaultConfig } from '../../../verify/config.ts';
import { verify } from '../../../verify/verify.ts';
import { buildTimeline, machineDiagrams, renderAscii, renderHtml, scheduleFromRecords } from '../../../viz/index.ts';
import { linearSparsity } from '../../../modifiers/pruning/masks.ts';
import { UsageError } from '../../errors.ts';

export interface TourOptions {
  recipe?: string;
  out: string;
  seed: number;
  epochs: number;
  stepsPerEpoch: number;
  fidelity: Fidelity;
  /** Terminal width for the ASCII timeline. */
  columns?: number;
}

const TRAIN_STAGE = 'sparsity_stage';
const QUANT_STAGE = 'quant_stage';

function stageText(text: string, stage: string, where: string): string {
  const recipe = Recipe.createInstance(text, { targetStage: stage });
  if (recipe.modifiers.length === 0) throw new UsageError('recipe', `${where} has no '${stage}' stage: the tour needs '${TRAIN_STAGE}' and '${QUANT_STAGE}'`);
  return recipe.toYaml();
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export async function tour(options: TourOptions, out: (line: string) => void): Promise<void> {
  const t0 = performance.now();
  const lap = () => `${((performance.now() - t0) / 1000).toFixed(1)} s`;
  const recipePath = options.recipe ?? packageFile('examples/tour.yaml');
  let text: string;
  try {
    text = readFileSync(recipePath, 'utf8');
  } catch {
    throw new UsageError('recipe', `no such file: ${recipePath}`);
  }
  const trainText = stageText(text, TRAIN_STAGE, recipePath);
  const quantText = stageText(text, QUANT_STAGE, recipePath);
  mkdirSync(options.out, { recursive: true });
  const logPath = join(options.out, 'run.llog');
  const oneshotPath = join(options.out, 'oneshot.llog');
  const reportPath = join(options.out, 'report.html');
  const { seed, epochs, stepsPerEpoch, fidelity } = options;

  out(`llmc-sim tour · recipe ${recipePath} · synthetic Llama (seed ${seed}) · fidelity ${fidelity}`);
  out('');

  // 1. Train with gradual pruning, journaled.
  const float = createSyntheticModel({ seed });
  const model = float.clone();
  const lifecycle = new CompressionLifecycle({ fidelity });
  const journal = recordTo(
    lifecycle,
    logPath,
    {
      fidelity,
      seed,
      recipe: trainText,
      settings: { driver: 'training', epochs, stepsPerEpoch, batchesPerStep: 1 },
      model: { source: 'synthetic', options: { seed }, model },
    },
    { force: true },
  );
  try {
    simulateTraining({ lifecycle, recipe: trainText, epochs, stepsPerEpoch, model, seed, onOptimizerStep: (g, lr) => journal.optimizerStep(g, lr) });
  } finally {
    journal.close();
  }
  const pruned = model.clone();
  out(`1. trained ${epochs} epochs × ${stepsPerEpoch} steps (${TRAIN_STAGE}): Linear sparsity ${pct(linearSparsity(float))} → ${pct(linearSparsity(model))}; journal ${logPath} (${journal.calls} calls)  [${lap()}]`);

  // 2. Replay it.
  const replay = replayJournal(logPath, { keepRecords: false });
  if (replay.divergence) throw new Error(`the tour's own journal did not replay: call ${replay.divergence.call}`);
  out(`2. replay matches: ${replay.calls} calls, every effect digest and model hash  [${lap()}]`);

  // 3. Verify the lifecycle's properties.
  const report = verify(defaultConfig(fidelity));
  const verdicts = report.properties.map((p) => `${p.name}: ${p.text}`);
  out(`3. verify: ${report.states} states, ${report.transitions} transitions to depth ${report.depthReached}${report.complete ? ' (exhaustive)' : ''}; ${report.ok ? 'every property holds or is a known quirk' : 'A PROPERTY IS VIOLATED'}  [${lap()}]`);
  for (const v of verdicts) out(`     ${v}`);

  // 4. Compress one-shot, journaled: its model is the final model of run.llog, which `llmc-sim replay` rebuilds by
  // replaying run.llog first. Here step 2's replay already rebuilt it (verified), so the tour gives it (checked
  // tensor by tensor against the header) instead of replaying run.llog a second time.
  const header: HeaderInput = { recipe: quantText, model: { journal: journalReference(logPath, options.out), model } };
  createSession(() => recordOneshot({ model, recipe: quantText, seed }, oneshotPath, header, { force: true }), { fidelity });
  const oneshotReplay = replayJournal(oneshotPath, { keepRecords: false, model: replay.model });
  if (oneshotReplay.divergence) throw new Error(`the tour's own one-shot journal did not replay: call ${oneshotReplay.divergence.call}`);
  const sequences = sampleSequences(float, 8, 48, seed);
  const rows = compareModels(float, { 'pruned (stage 1)': pruned, 'pruned + SpinQuant + W4A16 (stage 2)': model }, sequences);
  out(`4. one-shot ${QUANT_STAGE} on the pruned model; journal ${oneshotPath} (${oneshotReplay.calls} calls, from the final model of ${logPath}), replay matches  [${lap()}]`);
  out(`   outputs against the float model on ${sequences.length} sampled sequences:`);
  for (const line of formatErrorRows(rows, 'model')) out(`     ${line}`);

  // 5. Draw it.
  const records = journalRecords(readJournal(logPath));
  const timeline = buildTimeline(records, scheduleFromRecords(records, { epochs }));
  out(`5. timeline of ${TRAIN_STAGE}:`);
  out(renderAscii(timeline, { columns: Math.max(60, Math.min(options.columns ?? 100, 160)) }).replace(/\n$/, ''));
  const html = renderHtml(timeline, {
    title: 'llmc-sim tour',
    diagrams: await machineDiagrams(),
    errorTable: { title: 'Outputs against the float model', ...errorRowCells(rows, 'model') },
  });
  writeOutput(reportPath, html);
  out('');
  out(`done in ${lap()}. Files: ${logPath} (llmc-sim replay ${logPath} --to 10), ${oneshotPath} (llmc-sim replay ${oneshotPath}), ${reportPath} (open in a browser).`);
}
