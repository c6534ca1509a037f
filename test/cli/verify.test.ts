import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.ts';
import { loadCounterexample } from '../../src/verify/saveCounterexample.ts';

/** Runs the CLI in-process, capturing stdout and stderr. */
async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const o = process.stdout.write.bind(process.stdout);
  const e = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string) => (out.push(String(s)), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => (err.push(String(s)), true)) as typeof process.stderr.write;
  try {
    const code = await main(argv);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.stdout.write = o;
    process.stderr.write = e;
  }
}

const fixture = (name: string) => new URL(`../fixtures/verify/${name}`, import.meta.url).pathname;
const scratch = () => mkdtempSync(join(tmpdir(), 'llmc-verify-cli-'));

describe('llmc-sim verify', () => {
  it('built-in configuration: exit 0, Q8 reported as a known quirk with its counterexample', async () => {
    const r = await cli('verify');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^explored 121 states, \d+ transitions, depth 5 \(complete: every reachable state\)/);
    expect(r.stdout).toMatch(/ended-had-started\s+violated \(known quirk Q8\)/);
    expect(r.stdout).toMatch(/order-rule\s+holds/);
    expect(r.stdout).toContain('   1. initialize(recipe)\n   2. event(BATCH_END, globalStep 2)');
    expect(r.stderr).toBe(''); // no progress line when stderr is not a terminal
  });

  it('--json, --fidelity reference, --counterexample and --promela write what they say', async () => {
    const dir = scratch();
    const r = await cli('verify', '--fidelity', 'reference', '--json', '--counterexample', join(dir, 'cx.json'), '--promela', join(dir, 'm.pml'));
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.fidelity).toBe('reference');
    expect(report.properties.find((p: { name: string }) => p.name === 'starts-on-schedule').text).toBe('violated (known quirk Q1)');
    expect(report.coverage.order.total).toBe(25);
    expect(loadCounterexample(join(dir, 'cx.json')).property).toBe('starts-on-schedule');
    expect(readFileSync(join(dir, 'm.pml'), 'utf8')).toMatch(/^\/\* llmc-sim verify export: 3 modifiers, fidelity 'reference'/);
  });

  it('a config file with hook behaviours; --property selects', async () => {
    const dir = scratch();
    const r = await cli('verify', fixture('throwing.yaml'), '--property', 'order-rule', '--property', 'start-at-most-once', '--depth', '8', '--counterexample', join(dir, 'cx.json'));
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('every property holds; no counterexample written');
    expect(existsSync(join(dir, 'cx.json'))).toBe(false);
    expect(r.stdout.match(/^ {2}\S+\s+(holds|violated.*|VIOLATED)$/gm)).toEqual(['  order-rule          holds', '  start-at-most-once  holds']);
  });

  it('exit 1 with the counterexample when a property is VIOLATED (a user property module)', async () => {
    const dir = scratch();
    const r = await cli('verify', '--properties', fixture('neverStarts.ts'), '--property', 'never-starts', '--counterexample', join(dir, 'cx.json'));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/never-starts\s+VIOLATED/);
    expect(r.stdout).toContain("counterexample for 'never-starts' (fidelity 'default', 1 calls):\n    1. initialize(recipe)".replace('    1.', '   1.'));
    expect(r.stderr).toContain("llmc-sim: property 'never-starts' is VIOLATED");
    expect(loadCounterexample(join(dir, 'cx.json')).calls).toHaveLength(1);
  });

  it('exit 2 for bad input, naming what is wrong', async () => {
    const dir = scratch();
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'steps: [a]\nrecipe: {}\n');
    expect(await cli('verify', bad)).toMatchObject({ code: 2, stderr: expect.stringContaining(`${bad}: steps must be a non-empty list of numbers`) });
    expect(await cli('verify', '--property', 'nope')).toMatchObject({ code: 2, stderr: expect.stringContaining("unknown property 'nope'") });
    expect(await cli('verify', join(dir, 'missing.yaml'))).toMatchObject({ code: 2, stderr: expect.stringContaining('cannot read') });
    expect((await cli('verify', '--depth', '-1')).code).toBe(2);
    expect((await cli('verify', '--fidelity', 'exact')).code).toBe(2);
    expect(existsSync(join(dir, 'cx.json'))).toBe(false);
  });

  it('--help shows examples; --list-properties lists every built-in with its expectations', async () => {
    const help = await cli('verify', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('$ llmc-sim verify --fidelity reference');
    const list = await cli('verify', '--list-properties');
    expect(list.stdout).toMatch(/refused-loss-keeps-order\s+transition\s+default: holds\s+reference: Q3/);
  });
});
