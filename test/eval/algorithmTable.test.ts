/** The calibration algorithms' error table: rows run and the papers' ordering holds on the synthetic model. */
import { describe, expect, it } from 'vitest';
import { computeAlgorithmTable } from '../../src/eval/algorithmTable.ts';
import { fileURLToPath } from 'node:url';
import { createSyntheticModel } from '../../src/model/synthetic.ts';
import { loadModel } from '../../src/model/load/index.ts';

describe('computeAlgorithmTable (synthetic model)', () => {
  it('GPTQ beats RTN at W4, SparseGPT beats Wanda at 2:4, SmoothQuant helps W8A8; FP is exact', () => {
    const { rows } = computeAlgorithmTable(createSyntheticModel(), {
      samples: 2, sampleLength: 24, calibrationSamples: 4,
      rows: ['RTN W4 (channel)', 'GPTQ W4 (channel)', 'RTN W8A8', 'SmoothQuant 0.8 + W8A8', 'SparseGPT 2:4', 'Wanda 2:4'],
    });
    const by = Object.fromEntries(rows.map((r) => [r.label, r]));
    expect(by.FP.logitMse).toBe(0);
    expect(by['GPTQ W4 (channel)'].logitMse).toBeLessThan(by['RTN W4 (channel)'].logitMse);
    expect(by['SparseGPT 2:4'].logitMse).toBeLessThan(by['Wanda 2:4'].logitMse);
    expect(by['SmoothQuant 0.8 + W8A8'].logitMse).toBeLessThan(by['RTN W8A8'].logitMse);
    for (const r of rows) expect(Number.isFinite(r.perplexity)).toBe(true);
  });
});

describe('computeAlgorithmTable (stories260K): QuIP and AutoRound rows', () => {
  it('QuIP + RTN W4 and AutoRound W4 both have a smaller logit MSE than RTN W4 (seed 0)', async () => {
    const model = await loadModel(fileURLToPath(new URL('../../models/stories260K.bin', import.meta.url)));
    const { rows } = computeAlgorithmTable(model, {
      samples: 2, sampleLength: 24, calibrationSamples: 4, rows: ['RTN W4 (channel)', 'QuIP + RTN W4 (channel)', 'AutoRound W4 (channel)'],
    });
    const by = Object.fromEntries(rows.map((r) => [r.label, r]));
    expect(by['QuIP + RTN W4 (channel)'].logitMse).toBeLessThan(by['RTN W4 (channel)'].logitMse);
    expect(by['AutoRound W4 (channel)'].logitMse).toBeLessThan(by['RTN W4 (channel)'].logitMse);
  });
});
