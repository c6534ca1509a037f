// The CLI examples of issue 7: every bad argument is a named usage error (exit 2) or a named library
// error (exit 1), never an internal error (exit 70), a silent clamp or a run that goes on for days.
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { DEFAULT_TRAINING_RECIPE } from '../../src/cli/commands/run/index.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'llmc-cli-bad-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = process.env.LLMC_SIM_BACKEND;
afterEach(() => {
  if (env === undefined) delete process.env.LLMC_SIM_BACKEND;
  else process.env.LLMC_SIM_BACKEND = env;
});

describe('numeric options: digits, within limits that say why', () => {
  it.each([
    [['run', '--epochs', ''], "--epochs: expected a whole number written in digits, got \"\""],
    [['run', '--epochs', '1e308'], '--epochs: expected a whole number written in digits, got "1e308"'],
    [['run', '--epochs', '2.5'], 'expected a whole number written in digits'],
    [['run', '--epochs', '-1'], 'expected a whole number written in digits'],
    [['run', '--epochs', '100000'], '--epochs: at most 1000 (each epoch runs every step of the simulated training), got "100000"'],
    [['run', '--steps-per-epoch', '1000000000'], '--steps-per-epoch: at most 100000'],
    [['run', '--steps-per-epoch', '0'], '--steps-per-epoch: expected an integer ≥ 1, got "0"'],
    [['run', '--batches-per-step', '1e8'], '--batches-per-step: expected a whole number written in digits, got "1e8"'],
    [['run', '--batches-per-step', '100000000'], '--batches-per-step: at most 1000'],
    [['run', '--seed', '99999999999999999999'], '--seed: at most 9007199254740991 (seeds are exact integers)'],
    [['quantize', '--samples', '1000000000'], '--samples: at most 4096 (each sequence is sampled, then evaluated in 7 one-shot runs)'],
    [['quantize', '--length', '1'], '--length: expected an integer ≥ 2, got "1"'],
    [['quantize', '--transform-block-size', 'Infinity'], 'expected a whole number written in digits'],
    [['algorithms', '--calibration-samples', '5000'], "--calibration-samples: at most 4096 (each sequence calibrates every row's one-shot run)"],
    [['verify', '--depth', '1e3'], '--depth: expected a whole number written in digits, got "1e3"'],
    [['verify', '--depth', ''], '--depth: expected a whole number written in digits, got ""'],
    [['tour', '--epochs', '0'], '--epochs: expected an integer ≥ 1, got "0"'],
  ])('%j', async (argv, message) => {
    const r = await runCli(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });

  it('a plan over the size limit is refused with its size', async () => {
    const r = await runCli(['run', '--epochs', '1000', '--steps-per-epoch', '1000']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the plan has 1000 × 1000 × 1 = 1000000 micro-batches, over the limit of 100000');
  });

  it('quantize --length past the model\'s positions is refused, not clamped to 512', async () => {
    const r = await runCli(['quantize', '--model', 'stories260K', '--length', '100000']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--length: at most 65536 (and no more than the model's max_position_embeddings)");
    const r2 = await runCli(['quantize', '--model', 'stories260K', '--length', '1000']);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain('--length: the model holds at most 512 positions (max_position_embeddings), got 1000');
  });
});

describe('--records: one writer, never over an input, every failure named', () => {
  const recipe = path.join(dir, 'r.yaml');
  copyFileSync(DEFAULT_TRAINING_RECIPE, recipe);
  const original = readFileSync(recipe, 'utf8');
  const quick = ['--epochs', '1', '--steps-per-epoch', '1'];

  it('run r.yaml --records r.yaml is refused and the recipe is kept', async () => {
    const r = await runCli(['run', recipe, ...quick, '--records', recipe]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`OutputIsInputError: refusing to write ${recipe}: it is an input of this run`);
    expect(readFileSync(recipe, 'utf8')).toBe(original);
  });

  it('--records \'\' is a usage error, not ignored', async () => {
    const r = await runCli(['run', recipe, ...quick, '--records', '']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--records: expected a file name (or - for stdout), got ''");
  });

  it.each([
    ['a missing directory', () => path.join(dir, 'none', 'r.ndjson'), 1, 'the directory'],
    ['a directory', () => dir, 1, 'it is a directory'],
    ['a full disk', () => '/dev/full', 1, 'no space left on the device (ENOSPC)'],
    ['a 300-byte name', () => path.join(dir, 'n'.repeat(300)), 1, 'the file name is too long (ENAMETOOLONG)'],
  ])('%s is a named error (exit 1, never 70) and leaves no file behind', async (_name, target, code, message) => {
    const before = readdirSync(dir).sort();
    const r = await runCli(['run', recipe, ...quick, '--records', target()]);
    expect(r.code).toBe(code);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toContain('internal error');
    expect(readdirSync(dir).sort()).toEqual(before);
  });

  it('a 254-byte name works (the temporary name is short)', async () => {
    const sub = path.join(dir, 'long');
    mkdirSync(sub);
    const target = path.join(sub, 'r'.repeat(254));
    const r = await runCli(['run', recipe, ...quick, '--records', target]);
    expect(r.code).toBe(0);
    expect(readdirSync(sub)).toEqual(['r'.repeat(254)]);
    expect(readFileSync(target, 'utf8').split('\n')[0]).toContain('"call.initialize"');
  });

  it('--model \'\' is a usage error, not the synthetic model', async () => {
    const r = await runCli(['run', recipe, ...quick, '--model', '']);
    expect(r.code).toBe(2);
  });
});

describe('environment', () => {
  it('LLMC_SIM_BACKEND=bogus is a usage error before any work', async () => {
    process.env.LLMC_SIM_BACKEND = 'bogus';
    const r = await runCli(['run', '--epochs', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^llmc-sim: LLMC_SIM_BACKEND: must be one of .*; got 'bogus'\n$/);
  });
});
