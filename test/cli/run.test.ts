import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/cli/commands/run/index.ts';
import { ExitError } from '../../src/cli/errors.ts';

const defaults = { epochs: 3, stepsPerEpoch: 4, batchesPerStep: 1, seed: 0, fidelity: 'default' as const };

async function capture(recipe: string | undefined, opts = {}) {
  const lines: string[] = [];
  await run(recipe, { ...defaults, ...opts }, (l) => lines.push(l), () => {});
  return lines.join('\n');
}

describe('llmc-sim run (the npm start job)', () => {
  it('prints, per step, each modifier phase of the example recipe and what it did', async () => {
    const text = await capture(undefined);
    expect(text).toMatch(/step\s+epoch\s+loss\(sim\)\s+sparsity\s+pruning\/MagnitudePruning\s+ConstantPruning\s+mlp\/MagnitudePruning/);
    expect(text).toMatch(/\n\s+2\s+0\.50\s+\S+\s+\S+\s+STARTED\s+initialized\s+initialized/);
    expect(text).toContain('↳ ConstantPruning started');
    expect(text).toMatch(/mlp\/MagnitudePruning\s+start 1 end 2 update –\s+→\s+started step 4 \(epoch 1.00\), ended step 8 \(epoch 2.00\), now finalized/);
    expect(text).toContain('↳ mlp/MagnitudePruning released its masks');
    expect(text).toContain('loss(sim) is a seeded stand-in curve');
  });

  it('is deterministic: the same seed prints the same run', async () => {
    expect(await capture(undefined, { seed: 4 })).toBe(await capture(undefined, { seed: 4 }));
  });

  it('in reference fidelity nothing with start > 0 starts, and says why', async () => {
    const text = await capture(undefined, { fidelity: 'reference', epochs: 1 });
    expect(text).not.toContain('STARTED');
    expect(text).toContain('lifecycle events carry no step (Q1)');
  });

  it('writes NDJSON records atomically when asked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmc-run-'));
    const file = join(dir, 'records.ndjson');
    await capture(undefined, { records: file, epochs: 1 });
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[0].type).toBe('call.initialize');
    expect(lines.at(-1).type).toMatch(/^(call|effect)\./);
    expect(lines.map((l) => l.seq)).toEqual(lines.map((_, i) => i));
    expect(existsSync(`${file}.${process.pid}.partial`)).toBe(false);
  });

  it('says a one-shot recipe belongs to `oneshot` (exit 2) instead of quantizing nothing', async () => {
    const err = await capture('examples/spinquant.yaml').catch((e) => e);
    expect(err).toBeInstanceOf(ExitError);
    expect(err.exitCode).toBe(2);
    expect(err.message).toContain('examples/spinquant.yaml is a one-shot recipe: no modifier has a `start`');
    expect(err.message).toContain('llmc-sim oneshot examples/spinquant.yaml');
  });

  it('prints each warning once, on stderr only, and counts it under the table', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmc-run-'));
    const recipe = join(dir, 'recipe.yaml');
    writeFileSync(recipe, 'test_stage:\n  pruning_modifiers:\n    MagnitudePruningModifier:\n      start: 0\n      end: 1\n      leave_enabled: true\n');
    const out: string[] = [];
    const err: string[] = [];
    await run(recipe, { ...defaults, epochs: 2 }, (l) => out.push(l), (l) => err.push(l));
    expect(err.filter((l) => l.includes('leave_enabled has been deprecated'))).toHaveLength(1);
    expect(out.join('\n')).not.toContain('deprecated');
    expect(out.join('\n')).toContain('↳ 1 warning (on stderr)');
  });

  it('warns about the modifiers of a training recipe that have no `start` (they never start)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmc-run-'));
    const recipe = join(dir, 'recipe.yaml');
    writeFileSync(recipe, 'test_stage:\n  pruning_modifiers:\n    MagnitudePruningModifier:\n      start: 0\n      end: 1\n    ConstantPruningModifier: {}\n');
    const err: string[] = [];
    await run(recipe, { ...defaults, epochs: 1 }, () => {}, (l) => err.push(l));
    expect(err).toEqual([expect.stringContaining('ConstantPruningModifier has no `start`: it never starts in a training run')]);
  });

  it('--optimizer none keeps the schedule and holds sparsity without nudges', async () => {
    const text = await capture(undefined, { optimizer: 'none' });
    expect(text).toContain('optimizer none');
    expect(text).toMatch(/\n\s+2\s+0\.50\s+\S+\s+\S+\s+STARTED\s+initialized\s+initialized/);
    expect(text).toContain('model sparsity after training: 36.7%');
  });

  it('names a missing recipe file', async () => {
    await expect(capture('no/such/recipe.yaml')).rejects.toThrow('recipe: no such file: no/such/recipe.yaml');
  });
});
