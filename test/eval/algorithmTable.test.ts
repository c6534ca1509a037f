/** The calibration algorithms' error table: rows run and the papers' ordering holds on the synthetic model. */
import { describe, expect, it } from 'vitest';
import { computeAlgorithmTable } from '../../src/eval/algorithmTable.ts';
import { createSyntheticModel } from '../../src/model/synthetic.ts';

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
