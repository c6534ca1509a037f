/**
 * CLI argument vectors through `main(argv)` in-process, in a scratch directory holding a recipe, a
 * hostile recipe and a FIFO: exit 0, 1 or 2 (never 70), a message on stderr for every failure, and no
 * file touched but the one a vector names with --records. Numeric values that are valid stay tiny (0 or 1),
 * so a valid vector runs in well under a second (epochs default to 0 here); quantize always carries one invalid option.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TRAINING_RECIPE } from '../../src/cli/commands/run/index.ts';
import { runCli } from '../../test/helpers/cli.ts';
import { checkOutcome, fuzzAsync } from './harness.ts';

const number = fc.constantFrom('', '0', '1', '-1', '1.5', '1e308', '1e8', 'NaN', 'Infinity', '0x10', '99999999999999999999', '100000', '1000000000', 'abc', ' 1', '+1', '1 ');
const pathValue = fc.constantFrom('out.ndjson', 'fifo', 'fifo', 'new.ndjson', '', '-', '.', 'nodir/x.ndjson', '/dev/full', 'r.yaml', 'bad.yaml', 'fifo', 'a'.repeat(300), '__proto__', '/dev/zero', 'missing.bin', 'x.safetensors');
const option = fc.oneof(
  fc.tuple(fc.constantFrom('--epochs', '--seed', '--steps-per-epoch', '--batches-per-step'), number),
  fc.tuple(fc.constantFrom('--records', '--model'), pathValue),
  fc.tuple(fc.constantFrom('--fidelity'), fc.constantFrom('default', 'reference', '', 'exact')),
  fc.tuple(fc.constantFrom('--bogus', '--epochs=1', '-h', '--', '--records=-'), fc.constant(null)),
);
const runArgv = fc.record({
  recipe: fc.option(fc.constantFrom('r.yaml', 'bad.yaml', 'missing.yaml', 'fifo', '.', '__proto__'), { nil: undefined }),
  options: fc.array(option, { maxLength: 5 }),
}).map(({ recipe, options }) => [
  'run', ...(recipe ? [recipe] : []), '--epochs', '0', '--steps-per-epoch', '1',
  ...options.flatMap(([o, v]) => (v === null ? [o] : [o, v])).map((a) => (a === '2' || a === '3' ? '1' : a)),
]);
const quantizeArgv = fc.record({
  bad: fc.tuple(fc.constantFrom('--samples', '--length', '--transform-block-size'), number.filter((v) => !/^\s*\+?[0-9]\s*$/.test(v))),
  more: fc.array(fc.oneof(
    fc.tuple(fc.constantFrom('--scheme'), fc.constantFrom('W4A4', 'W9', '', '__proto__')),
    fc.tuple(fc.constantFrom('--model'), pathValue),
    fc.tuple(fc.constantFrom('--rotations'), fc.constantFrom('R1+R2', 'R9', '')),
    fc.tuple(fc.constantFrom('--transform-type'), fc.constantFrom('auto', 'hadamard', 'bogus')),
  ), { maxLength: 3 }),
}).map(({ bad, more }) => ['quantize', ...more.flat(), ...bad]);
const argv = fc.oneof(runArgv, quantizeArgv, fc.array(fc.constantFrom('--help', '--version', 'help', 'nope', '-x', '', '__proto__'), { minLength: 1, maxLength: 3 }));

let dir = '';
const cwd = process.cwd();
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'llmc-fuzz-cli-'));
  copyFileSync(DEFAULT_TRAINING_RECIPE, path.join(dir, 'r.yaml'));
  writeFileSync(path.join(dir, 'bad.yaml'), 'a_stage:\n  b_modifiers:\n    x: !!python/object/apply:os.system ["echo pwned"]\n');
  execFileSync('mkfifo', [path.join(dir, 'fifo')]);
  process.chdir(dir);
});
afterAll(() => {
  process.chdir(cwd);
  rmSync(dir, { recursive: true, force: true });
});

/** The files a vector names as outputs (`--records X`, `--records=X`): the only ones it may change. */
function outputsNamedBy(args: readonly string[]): Set<string> {
  const named = new Set<string>();
  args.forEach((a, i) => {
    if (a === '--records' && i + 1 < args.length) named.add(args[i + 1]);
    if (a.startsWith('--records=')) named.add(a.slice('--records='.length));
  });
  return named;
}

/** Every entry of the scratch directory with its size and modification time. */
const snapshot = () => readdirSync(dir).sort().map((n) => {
  const s = statSync(path.join(dir, n));
  return `${n} ${s.size} ${s.mtimeMs}`;
});

describe('fuzz: CLI argument vectors', () => {
  it('exit 0/1/2 with a message, never 70; nothing touched but the named output', async () => {
    await fuzzAsync('cli argv', argv, 20, async (args) => {
      const named = outputsNamedBy(args);
      const others = () => snapshot().filter((l) => !named.has(l.slice(0, l.indexOf(' '))));
      const before = others();
      const r = await runCli(args);
      expect([0, 1, 2], `${JSON.stringify(args)} → ${r.code}: ${r.stderr}`).toContain(r.code);
      if (r.code !== 0) expect(r.stderr.trim().length).toBeGreaterThan(0);
      expect(r.stderr).not.toContain('internal error');
      expect(others(), JSON.stringify(args)).toEqual(before);
      checkOutcome(undefined);
    });
  });
});
