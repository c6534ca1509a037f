/**
 * `llmc-sim timeline RECIPE|RECORDS`: draws when each modifier is active, as ASCII (terminal), SVG or
 * a self-contained HTML report. A recipe is run through the training simulator (no optimizer step:
 * phases do not depend on weights); a journal (`run --log`, replayed) and an NDJSON record file
 * (`run --records`) are drawn as recorded.
 */
import { existsSync } from 'node:fs';
import { extname } from 'node:path';
import type { Fidelity } from '../../../core/fidelity.ts';
import { createSyntheticModel } from '../../../model/synthetic.ts';
import { loadModel } from '../../../model/load/index.ts';
import { recordRecipeRun } from '../../../viz/fromRecipe.ts';
import { readRecordsFile } from '../../../viz/readRecords.ts';
import { scheduleFromRecords } from '../../../viz/scheduleFromRecords.ts';
import { recordJournalRun } from '../../../viz/fromJournal.ts';
import { buildTimeline, type Timeline } from '../../../viz/timeline.ts';
import { renderAscii } from '../../../viz/ascii.ts';
import { renderSvg } from '../../../viz/svg.ts';
import { renderHtml } from '../../../viz/html.ts';
import { machineDiagrams } from '../../../viz/diagram.ts';
import { UsageError } from '../../errors.ts';
import { modelProblemExit } from '../replay/index.ts';
import { emit } from './output.ts';

export type TimelineFormat = 'ascii' | 'svg' | 'html';

export interface TimelineOptions {
  format?: TimelineFormat;
  output?: string;
  epochs: number;
  stepsPerEpoch: number;
  batchesPerStep: number;
  seed: number;
  fidelity: Fidelity;
  model?: string;
  /** Terminal width for ASCII (`process.stdout.columns`). */
  columns?: number;
}

/** The format: as asked, else from the output file's extension, else ASCII. */
export function formatFor(options: Pick<TimelineOptions, 'format' | 'output'>): TimelineFormat {
  if (options.format) return options.format;
  const ext = options.output ? extname(options.output).toLowerCase() : '';
  return ext === '.svg' ? 'svg' : ext === '.html' || ext === '.htm' ? 'html' : 'ascii';
}

async function timelineOf(source: string, options: TimelineOptions): Promise<Timeline> {
  if (!existsSync(source)) throw new UsageError('timeline', `no such file: ${source}`);
  const ext = extname(source).toLowerCase();
  if (ext === '.ndjson' || ext === '.jsonl') {
    const records = readRecordsFile(source);
    return buildTimeline(records, scheduleFromRecords(records, { fidelity: options.fidelity }));
  }
  if (ext === '.llog') {
    // A journal built on a model file needs it again (`--model`); a synthetic one is rebuilt from its header.
    // One whose model is another journal's final model replays that journal first (a problem with it exits as `replay` does).
    const given = options.model ? { model: await loadModel(options.model) } : {};
    try {
      const run = recordJournalRun(source, given);
      return buildTimeline(run.records, run.schedule);
    } catch (e) {
      throw modelProblemExit(e, source);
    }
  }
  const model = options.model ? await loadModel(options.model) : createSyntheticModel({ seed: options.seed });
  const run = recordRecipeRun({
    recipe: source,
    epochs: options.epochs,
    stepsPerEpoch: options.stepsPerEpoch,
    batchesPerStep: options.batchesPerStep,
    fidelity: options.fidelity,
    model,
    seed: options.seed,
  });
  return buildTimeline(run.records, run.schedule, { modelSparsity: run.modelSparsity });
}

export async function timeline(source: string, options: TimelineOptions, out: (line: string) => void): Promise<void> {
  const format = formatFor(options);
  const t = await timelineOf(source, options);
  const text =
    format === 'ascii'
      ? `${renderAscii(t, { columns: options.columns })}\n`
      : format === 'svg'
        ? `${renderSvg(t)}\n`
        : renderHtml(t, { title: `llmc-sim timeline · ${source}`, diagrams: await machineDiagrams() });
  await emit(text, options.output, out);
}
