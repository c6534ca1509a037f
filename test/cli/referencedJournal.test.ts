/**
 * The tour's out/oneshot.llog, whose model is the final model of out/run.llog, on the command line: `replay`,
 * `replay --to`, `diff`, `timeline` and `log show` rebuild its model by replaying run.llog first; a missing or
 * edited run.llog exits 2 naming it, a diverging one 1, a wrong `--model` 2, and `--model` overrides.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tour } from '../../src/cli/commands/tour/index.ts';
import { readJournal, replayJournal } from '../../src/log/index.ts';
import { saveSafetensors } from '../../src/model/load/index.ts';
import { runCli } from '../helpers/cli.ts';
import { useWarningCapture } from '../helpers/errors.ts';
import { recordPair } from '../log/referencedFixture.ts';

useWarningCapture();

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const fresh = () => mkdtempSync(join(tmpdir(), 'llmc-cli-referenced-'));

describe("the tour's one-shot journal on the command line", () => {
  const dir = fresh();
  const out = join(dir, 'out');
  const run = join(out, 'run.llog');
  const oneshot = join(out, 'oneshot.llog');
  const lines: string[] = [];
  beforeAll(async () => {
    await tour({ out, seed: 0, epochs: 3, stepsPerEpoch: 4, fidelity: 'default', columns: 100 }, (l) => lines.push(l));
  }, 60_000);

  it('the tour prints the file with the command to replay it, and that command matches', () => {
    const text = lines.join('\n');
    expect(text).toContain(`journal ${oneshot} (${readJournal(oneshot).calls.length} calls, from the final model of ${run}), replay matches`);
    const command = /\((llmc-sim replay [^)]*oneshot\.llog)\)/.exec(lines[lines.length - 1])?.[1];
    expect(command).toBe(`llmc-sim replay ${oneshot}`);
    const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...command!.split(' ').slice(1)], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(`replay matches: ${readJournal(oneshot).calls.length} calls`);
  });

  it('log show names the referenced journal', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, 'log', 'show', oneshot], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const end = readJournal(run).end!;
    expect(r.stdout).toContain(`model: the final model of journal run.llog (${end.end} calls, closing sha256 ${end.sha256.slice(0, 16)}…; sha256 `);
  });

  it('replay --to, diff, timeline and log show --ndjson read it (exit 0)', async () => {
    for (const argv of [['replay', oneshot, '--to', '3', '--no-snapshot'], ['diff', oneshot, oneshot], ['timeline', oneshot], ['log', 'show', oneshot], ['log', 'show', oneshot, '--ndjson']]) {
      const r = await runCli(argv);
      expect(r.code, `${argv.join(' ')}: ${r.stderr}`).toBe(0);
    }
  });

  it('a missing run.llog: every command exits 2 naming it', async () => {
    const d = fresh();
    const alone = join(d, 'oneshot.llog');
    copyFileSync(oneshot, alone);
    for (const argv of [['replay', alone], ['replay', alone, '--to', '2', '--no-snapshot'], ['diff', alone, alone], ['timeline', alone], ['log', 'show', alone, '--ndjson']]) {
      const r = await runCli(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr).toContain(`${alone}: its model is the final model of journal ${join(d, 'run.llog')}, which cannot be read (ENOENT)`);
    }
  });

  it('an edited run.llog: exit 2, located; run.llog is left as it was', async () => {
    const d = fresh();
    copyFileSync(oneshot, join(d, 'oneshot.llog'));
    const bytes = readFileSync(run);
    bytes[Math.floor(bytes.length / 2)] ^= 0x10;
    writeFileSync(join(d, 'run.llog'), bytes);
    const r = await runCli(['replay', join(d, 'oneshot.llog')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`final model of journal ${join(d, 'run.llog')}, which is damaged at record \\d+ \\(byte offset \\d+\\)`));
    expect(readFileSync(join(d, 'run.llog')).equals(bytes)).toBe(true);
  });

  it('a wrong --model: exit 2 naming the tensor; the right one overrides (no run.llog needed)', async () => {
    const wrong = await runCli(['replay', oneshot, '--model', 'stories260K']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(new RegExp(`${oneshot}: wrong model: tensor '[^']+' (differs|of the journal's model the final model of journal run\\.llog is missing|is not in)`));
    const d = fresh();
    copyFileSync(oneshot, join(d, 'oneshot.llog'));
    const trained = replayJournal(run, { keepRecords: false }).model!;
    await saveSafetensors(trained, join(d, 'trained'));
    const right = await runCli(['replay', join(d, 'oneshot.llog'), '--model', join(d, 'trained')]);
    expect(right.code, right.stderr).toBe(0);
  });

  it('oneshot --model run.llog --log: starts from its final model, names it in the header, and replays', async () => {
    const sub = join(dir, 'sub');
    mkdirSync(sub);
    const q = join(sub, 'q.llog');
    const r = await runCli(['oneshot', 'examples/spinquant.yaml', '--model', run, '--log', q, '--samples', '2', '--length', '8', '-q']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`model: the final model of journal ${run} (${readJournal(run).calls.length} calls)`);
    expect(readJournal(q).header.model).toMatchObject({ source: 'journal', journal: { file: '../out/run.llog', sha256: readJournal(run).end!.sha256 } });
    expect((await runCli(['replay', q])).code).toBe(0);
    const bytes = readFileSync(run);
    bytes[bytes.length - 60] ^= 0x04;
    writeFileSync(join(sub, 'edited.llog'), bytes);
    const damaged = await runCli(['oneshot', 'examples/spinquant.yaml', '--model', join(sub, 'edited.llog'), '-q']);
    expect(damaged.code).toBe(2);
    expect(damaged.stderr).toMatch(/--model: .*edited\.llog: damaged journal at record \d+ \(byte offset \d+\)/);
  });

  it('a run.llog whose replay diverges: exit 1 naming it and the call', async () => {
    const bad = recordPair(fresh(), { optimizerSeed: 5 });
    const r = await runCli(['replay', bad.oneshot]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${bad.oneshot}: its model is the final model of journal ${bad.training}, which does not replay: diverged at call 5`);
  });
});
