/**
 * The error-table rows for AWQ + RTN W4 beside RTN W4 (README's settings: 8 calibration sequences, 8 evaluation
 * sequences of 48 tokens, seed 0) on the synthetic model and stories260K: `npx tsx scripts/awq-error-rows.ts`.
 */
import { builtinModelPath, createSyntheticModel, loadModel } from '../src/index.ts';
import { computeAlgorithmTable } from '../src/eval/algorithmTable.ts';

const rows = ['RTN W4 (channel)', 'AWQ + RTN W4 (channel)'];
for (const [name, model] of [['synthetic', createSyntheticModel()], ['stories260K', await loadModel(builtinModelPath('stories260K'))]] as const) {
  const t0 = performance.now();
  const r = computeAlgorithmTable(model, { samples: 8, sampleLength: 48, calibrationSamples: 8, seed: 0, rows });
  for (const row of r.rows) console.log(`${name}\t${row.label}\tlogit MSE ${row.logitMse.toPrecision(4)}\tKL ${row.kl.toPrecision(3)}\tppl ${row.perplexity.toPrecision(4)}`);
  console.log(`${name}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
