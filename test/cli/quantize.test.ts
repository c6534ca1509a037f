import { describe, expect, it } from 'vitest';
import { quantize, type QuantizeOptions } from '../../src/cli/commands/quantize/index.ts';
import { ValueError } from '../../src/index.ts';

const base: QuantizeOptions = {
  model: 'stories260K',
  scheme: 'int4-channel',
  rotations: ['R1+R2', 'R1-R4'],
  transformType: 'auto',
  samples: 2,
  length: 12,
  seed: 0,
};

async function capture(opts: Partial<QuantizeOptions>) {
  const lines: string[] = [];
  await quantize({ ...base, ...opts }, (l) => lines.push(l));
  return lines.join('\n');
}

describe('llmc-sim quantize', () => {
  it('prints FP, RTN and rotation rows with MSE, KL and perplexity, and the drift lines', async () => {
    const text = await capture({});
    expect(text).toMatch(/logit MSE\s+KL \(nats\)\s+perplexity/);
    for (const row of ['FP', 'RTN', 'R1\\+R2 \\+ RTN', 'R1-R4 \\+ RTN']) expect(text).toMatch(new RegExp(`\\n${row}\\s+\\S+\\s+\\S+\\s+\\d+\\.\\d{3}`));
    expect(text).toMatch(/R1\+R2 alone, invariance drift \(max \|Δlogit\|, MSE\): centring \S+, \S+; rotations/);
    expect(text).toContain('Embedding centring is NOT output-invariant for RMSNorm models');
    // 172-wide down_proj: R4 needs a non-Sylvester construction, which auto picks
    expect(text).toContain('R1-R4: rotations R1, R2, R3, R4, random-hadamard');
  });

  it('JSON output carries the rows', async () => {
    const json = JSON.parse(await capture({ json: true, rotations: ['R1+R2'] }));
    expect(json.rows.map((r: { label: string }) => r.label)).toEqual(['FP', 'RTN', 'R1+R2 + RTN']);
    expect(json.rows[0].logitMse).toBe(0);
  });

  it("W4A16's group 128 fails on stories260K's 64- and 172-wide layers as upstream does (T34)", async () => {
    const err = await capture({ scheme: 'W4A16' }).catch((e) => e);
    expect(err).toBeInstanceOf(ValueError);
    expect(err.message).toContain('The following layers have weight column counts not divisible by group_size.');
    expect(err.message).toContain('  - model.layers.0.mlp.down_proj (columns=172, group_size=128)');
  });

  it('names a bad scheme or rotation set', async () => {
    await expect(capture({ scheme: 'FP8' })).rejects.toThrow("--scheme: expected one of W4A4, W4A16, W4A16_ASYM, W8A16, W8A8, INT8, int4-channel, got 'FP8'");
    await expect(capture({ rotations: ['R9'] })).rejects.toThrow("--rotations: expected R1+R2 and/or R1-R4, got 'R9'");
  });
});
