/**
 * `oneshot --log FILE`: the journal of a one-shot run. The header gets the recipe text as the run
 * resolved it (a `.md` card's front matter, never a path), the calibration settings and the model's
 * identity; `recordOneshot` records the pipeline's steps as calls `replay` re-applies.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AppendPathError } from '../../../io/appendOnly.ts';
import { recordOneshot, type HeaderInput } from '../../../log/index.ts';
import type { Model } from '../../../model/model.ts';
import { extractFrontMatter } from '../../../recipe/frontMatter.ts';
import type { OneshotOptions } from '../../../sim/oneshot.ts';
import { UsageError } from '../../errors.ts';

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

/** Runs `oneshot` (options as `oneshot` takes them) while writing its journal; a bad `--log` path is a usage error. */
export function oneshotWithLog(options: OneshotOptions, model: Model, o: OneshotLogOptions): Model {
  const synthetic = o.modelSpec === undefined || o.modelSpec === 'synthetic';
  const header: HeaderInput = {
    recipe: recipeText(o.recipePath),
    settings: { samples: o.samples, length: o.length },
    model: { source: synthetic ? 'synthetic' : path.basename(o.modelSpec as string), ...(synthetic ? { options: { seed: o.seed } } : {}), model },
  };
  try {
    return recordOneshot(options, o.log, header, { force: o.force, inputs: o.inputs });
  } catch (e) {
    if (e instanceof AppendPathError) throw new UsageError('--log', e.message);
    throw e;
  }
}
