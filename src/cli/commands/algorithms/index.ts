/**
 * `llmc-sim algorithms`: the calibration algorithms' error table (src/eval/algorithmTable.ts) for a model —
 * each row a one-shot recipe on a copy of the model, compared with the float model on sampled text.
 */
import { ALGORITHM_ROWS, computeAlgorithmTable, type AlgorithmTable } from '../../../eval/algorithmTable.ts';
import { formatErrorRows } from '../../../eval/errorTable.ts';
import { UsageError } from '../../errors.ts';
import { checkQuantizePlan } from '../../bounds.ts';
import { loadCliModel } from '../../models.ts';
import { startProgress } from '../../progress.ts';
import { didYouMean } from '../../../core/suggest.ts';

export interface AlgorithmsOptions {
  model: string;
  row: string[];
  listRows?: boolean;
  samples: number;
  calibrationSamples: number;
  length: number;
  seed: number;
  json?: boolean;
  quiet?: boolean;
}

/** The rows asked for, in the table's order; an unknown label is a usage error that suggests the nearest. */
function selectedRows(asked: readonly string[]): string[] {
  const all = Object.keys(ALGORITHM_ROWS);
  for (const label of asked) {
    if (!all.includes(label)) throw new UsageError('--row', `no row '${label}'.${didYouMean(label, all)} Rows: ${all.join(', ')}`);
  }
  return asked.length === 0 ? all : all.filter((l) => asked.includes(l));
}

export async function algorithms(options: AlgorithmsOptions, out: (line: string) => void, progress: (line: string) => void = () => {}): Promise<void> {
  const rows = selectedRows(options.row);
  const { model, label } = await loadCliModel(options.model);
  if (options.listRows) {
    for (const row of rows) out(`${row}: ${ALGORITHM_ROWS[row](model).map((m) => m.constructor.name).join(' + ')}`);
    return;
  }
  checkQuantizePlan(Math.max(options.samples, options.calibrationSamples), options.length, model.config.maxPositionEmbeddings);
  const bar = startProgress({ label: 'algorithms', total: rows.length, unit: 'runs', quiet: options.quiet });
  if (!bar.visible && !options.quiet) progress(`running ${rows.length} one-shot recipes on copies of ${label}…`);
  let table: AlgorithmTable;
  try {
    table = computeAlgorithmTable(model, {
      rows,
      samples: options.samples,
      calibrationSamples: options.calibrationSamples,
      sampleLength: options.length,
      seed: options.seed,
      onRun: (row) => bar.tick(1, row),
    });
  } finally {
    bar.stop();
  }
  if (options.json) {
    out(JSON.stringify({ model: label, samples: options.samples, calibrationSamples: options.calibrationSamples, length: options.length, seed: options.seed, ...table }));
    return;
  }
  out(`llmc-sim algorithms · ${label}`);
  out(`${options.calibrationSamples} calibration and ${options.samples} evaluation sequences × ${options.length} tokens sampled from the float model (seeds ${options.seed + 1}, ${options.seed}); lm_head in float; W4 = 4-bit weights per output channel`);
  out('');
  for (const line of formatErrorRows(table.rows)) out(line);
  for (const [row, names] of Object.entries(table.leftInFloat)) {
    out(`${row}: ${names.length} Linear(s) left in float, their width not a multiple of the group (compressed-tensors refuses them): ${names.join(', ')}`);
  }
  for (const w of table.warnings) out(`warning: ${w}`);
}
