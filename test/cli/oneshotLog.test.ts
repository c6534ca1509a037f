import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runOneshot, type OneshotCliOptions } from '../../src/cli/commands/oneshot/index.ts';
import { ExitError } from '../../src/cli/errors.ts';
import { readJournal } from '../../src/log/index.ts';
import { useWarningCapture } from '../helpers/errors.ts';

useWarningCapture();

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const cli = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], { encoding: 'utf8' });
const sh = (script: string) => spawnSync('bash', ['-c', script], { encoding: 'utf8', env: { ...process.env, MAIN } });
const defaults: OneshotCliOptions = { seed: 0, samples: 2, length: 8, fidelity: 'default', quiet: true };
const SMALL = ['--samples', '2', '--length', '8', '-q'];

async function oneshotCli(opts: Partial<OneshotCliOptions>, recipe = 'examples/spinquant.yaml') {
  const out: string[] = [];
  await runOneshot(recipe, { ...defaults, ...opts }, (l) => out.push(l), () => {});
  return out.join('\n');
}

describe('llmc-sim oneshot --log', () => {
  const dir = mkdtempSync(join(tmpdir(), 'llmc-oneshot-log-'));
  const file = join(dir, 'oneshot.llog');

  it('records the run; replay matches it; --to names the calibration step; diff of the same run says same', () => {
    const run = cli(['oneshot', 'examples/upstream/smoothquant_gptq_w8a8.yaml', '--log', file, ...SMALL]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain(`journal: ${file} (llmc-sim replay ${file})`);
    const j = readJournal(file);
    expect(j.header.settings).toMatchObject({ driver: 'oneshot', samples: 2, length: 8 });
    expect(j.header.recipe).toContain('GPTQModifier');
    const replay = cli(['replay', file]);
    expect(replay.status, replay.stderr).toBe(0);
    expect(replay.stdout.trim()).toBe(`replay matches: ${j.calls.length} calls`);
    const at = j.calls.findIndex((c) => c.c.call === 'sequentialEpochEnd') + 1;
    const to = cli(['replay', file, '--to', String(at)]);
    expect(to.status, to.stderr).toBe(0);
    expect(to.stdout).toContain(`state after call ${at} (sequentialEpochEnd subgraph 0)`);
    expect(to.stdout).toContain('gptq.quantize');
  });

  it('never overwrites without --force; a missing directory is a usage error naming it', async () => {
    writeFileSync(join(dir, 'taken.llog'), 'keep');
    await expect(oneshotCli({ log: join(dir, 'taken.llog') })).rejects.toThrow(/--log: .*already exists; pass --force/);
    expect(readFileSync(join(dir, 'taken.llog'), 'utf8')).toBe('keep');
    const forced = await oneshotCli({ log: join(dir, 'taken.llog'), force: true });
    expect(forced).toContain('journal:');
    expect(readJournal(join(dir, 'taken.llog')).damage).toBeNull();
    const missing = oneshotCli({ log: join(dir, 'no', 'x.llog') });
    await expect(missing).rejects.toThrow(ExitError);
    await expect(oneshotCli({ log: join(dir, 'no', 'x.llog') })).rejects.toThrow(`no such directory: ${join(dir, 'no')}`);
    const recipe = readFileSync('examples/spinquant.yaml', 'utf8');
    await expect(oneshotCli({ log: 'examples/spinquant.yaml', force: true })).rejects.toThrow(/refusing to write examples\/spinquant\.yaml: it is an input/);
    expect(readFileSync('examples/spinquant.yaml', 'utf8')).toBe(recipe);
  });

  it('--log - writes the journal to stdout and the summary to stderr; it replays', () => {
    const r = sh(`node --import tsx "$MAIN" oneshot examples/spinquant.yaml ${SMALL.join(' ')} --log - > "${dir}/stdout.llog"`);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('SpinQuantModifier: rotated');
    expect(readJournal(join(dir, 'stdout.llog')).damage).toBeNull();
    expect(cli(['replay', join(dir, 'stdout.llog')]).status).toBe(0);
  });

  it('--help shows it', () => {
    const help = cli(['oneshot', '--help']);
    expect(help.stdout).toContain('--log <file>');
    expect(help.stdout).toContain('--force');
    expect(help.stdout).toContain('llmc-sim replay out/oneshot.llog');
  });
});
