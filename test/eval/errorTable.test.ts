/** The error table (FP / RTN / rotations + RTN; drift with and without centring). */
import { describe, expect, it } from 'vitest';
import { computeErrorTable, formatErrorTable } from '../../src/eval/errorTable.ts';
import { createSyntheticModel } from '../../src/model/synthetic.ts';

describe('computeErrorTable', () => {
  const model = createSyntheticModel({ dim: 64, hiddenDim: 128, layers: 1, heads: 4, kvHeads: 2, vocab: 128 });
  const hash = model.contentHash();
  const table = computeErrorTable(model, { quantization: { scheme: 'W4A4', ignore: ['lm_head'] }, samples: 2, sampleLength: 12, seed: 3 });

  it('has FP, RTN and one row per rotation setting; FP is exact', () => {
    expect(table.rows.map((r) => r.label)).toEqual(['FP', 'RTN', 'R1+R2 + RTN']);
    expect(table.rows[0]).toMatchObject({ logitMse: 0, kl: 0 });
    expect(table.rows[1].logitMse).toBeGreaterThan(0);
    expect(table.rows[0].perplexity).toBeGreaterThan(1);
    expect(table.sequences).toHaveLength(2);
    expect(table.sequences[0]).toHaveLength(12);
  });

  it('reports centring drift and rounding-level rotation drift, and leaves the model alone', () => {
    const [d] = table.drift;
    expect(d.withCentering.centering.maxAbs).toBeGreaterThan(0);
    expect(d.withoutCentering.centering.maxAbs).toBe(0);
    expect(d.withoutCentering.rotations.maxAbs).toBeLessThan(1e-3);
    expect(table.warnings.some((w) => w.startsWith('center_embeddings changed'))).toBe(true);
    expect(model.contentHash()).toBe(hash);
    expect(formatErrorTable(table)).toMatch(/^\s+logit MSE\s+KL \(nats\)\s+perplexity\nFP /);
  });

  it('is deterministic', () => {
    const again = computeErrorTable(model, { quantization: { scheme: 'W4A4', ignore: ['lm_head'] }, samples: 2, sampleLength: 12, seed: 3 });
    expect(again.rows).toEqual(table.rows);
  });
});
