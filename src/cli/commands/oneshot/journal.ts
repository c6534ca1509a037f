/**
 * `oneshot --log FILE`: the journal of a one-shot run. The header gets the recipe text as the run
 * resolved it (a `.md` card's front matter, never a path), the calibration settings and the model's
 * identity; `recordOneshot` records the pipeline's steps as calls `replay` re-applies.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AppendPathError } from '../../../io/appendOnly.ts';
import { describeDamage, journalReference, recordOneshot, replayJournal, type HeaderInput, type HeaderModel } from '../../../log/index.ts';
import type { Model } from '../../../model/model.ts';
import { extractFrontMatter } from '../../../recipe/frontMatter.ts';
import type { OneshotOptions } from '../../../sim/oneshot.ts';
import { ExitError, UsageError } from '../../errors.ts';
import type { CliModel } from '../../models.ts';
import { describeDivergence, modelProblemExit, openJournal } from '../replay/index.ts';

export interface OneshotLogOptions {
  log: string;
  force?: boolean;
  recipePath: string;
  /** The `--model` given (a path or a built-in name), or undefined for the synthetic model. */
  modelSpec?: string;
  seed: number;
  samples: number;
  length: number;
  /** The files the run reads: the journal never overwrites one of them. */
  inputs: readonly string[];
}

/** The recipe text a replay parses to the same recipe the run read from `file`. */
export function recipeText(file: string): string {
  const raw = readFileSync(file, 'utf8');
  return file.toLowerCase().endsWith('.md') ? extractFrontMatter(file, raw.trim()).text : raw;
}

/** `--model FILE.llog`: the one-shot run starts from the final model of a journal (`run --log`, `tour`'s run.llog). */
export const isJournalSpec = (spec: string | undefined): boolean => spec !== undefined && spec.toLowerCase().endsWith('.llog');

/**
 * The final model of the journal `file`, rebuilt by replaying it and checking every effect and model hash: a
 * damaged or unreadable journal exits 2, a diverging one 1 (as `llmc-sim replay` would).
 */
export function journalFinalModel(file: string): CliModel {
  const journal = openJournal(file);
  const d = journal.damage;
  if (d) throw new UsageError('--model', `${file}: damaged journal at ${describeDamage(d)}`);
  let r: ReturnType<typeof replayJournal>;
  try {
    r = replayJournal(journal, { keepRecords: false });
  } catch (e) {
    throw modelProblemExit(e, file);
  }
  if (r.divergence) throw new ExitError(`--model: ${file} does not replay: ${describeDivergence(r.divergence)}`, 1);
  if (!r.model) throw new UsageError('--model', `${file} names no model (its run had none)`);
  return { model: r.model, label: `the final model of journal ${file} (${r.calls} calls)` };
}

/** Runs `oneshot` (options as `oneshot` takes them) while writing its journal; a bad `--log` path is a usage error. */
export function oneshotWithLog(options: OneshotOptions, model: Model, o: OneshotLogOptions): Model {
  const synthetic = o.modelSpec === undefined || o.modelSpec === 'synthetic';
  // From a journal's final model: the header names that journal relative to this one's directory (a replay rebuilds it).
  const headerModel: HeaderModel = isJournalSpec(o.modelSpec)
    ? { journal: journalReference(o.modelSpec as string, o.log === '-' ? '.' : path.dirname(o.log)), model }
    : { source: synthetic ? 'synthetic' : path.basename(o.modelSpec as string), ...(synthetic ? { options: { seed: o.seed } } : {}), model };
  const header: HeaderInput = {
    recipe: recipeText(o.recipePath),
    settings: { samples: o.samples, length: o.length },
    model: headerModel,
  };
  try {
    return recordOneshot(options, o.log, header, { force: o.force, inputs: o.inputs });
  } catch (e) {
    if (e instanceof AppendPathError) throw new UsageError('--log', e.message);
    throw e;
  }
}
