import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readJournal, journalRecords } from '../../src/log/index.ts';
import { JournalEncoder } from '../../src/log/encoder.ts';
import { eventCode, hookWord } from '../../src/log/effects.ts';
import { memorySink } from '../../src/log/index.ts';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const cli = (args: string[], input?: string) =>
  spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], { encoding: 'utf8', input });
const sh = (script: string) => spawnSync('bash', ['-c', script], { encoding: 'utf8', env: { ...process.env, MAIN } });

describe('llmc-sim run --log, replay, diff, log show', () => {
  const dir = mkdtempSync(join(tmpdir(), 'llmc-cli-journal-'));
  const file = join(dir, 'run.llog');

  it('records a run, replays it (exit 0), refuses to overwrite it (exit 2)', () => {
    const run = cli(['run', '--epochs', '1', '--steps-per-epoch', '2', '--log', file]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`journal: ${file}`);
    const j = readJournal(file);
    expect(j.header.recipe).toContain('MagnitudePruningModifier');
    expect(JSON.stringify(j.header)).not.toContain('examples/training.yaml');
    const replay = cli(['replay', file]);
    expect(replay.status).toBe(0);
    expect(replay.stdout.trim()).toBe(`replay matches: ${j.calls.length} calls`);
    const again = cli(['run', '--epochs', '1', '--steps-per-epoch', '2', '--log', file]);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain('already exists; pass --force');
    const missing = cli(['run', '--epochs', '1', '--steps-per-epoch', '2', '--log', join(dir, 'no', 'x.llog')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain(`no such directory: ${join(dir, 'no')}`);
  });

  it('--to prints the state after call N; log show and diff read the same journal', () => {
    const to = cli(['replay', file, '--to', '3']);
    expect(to.status).toBe(0);
    expect(to.stdout).toMatch(/state after call 3 \(event loss_calculated\)/);
    expect(to.stdout).toMatch(/order state loss_calculated/);
    expect(to.stdout).toContain('model sparsity per Linear:');
    const nd = cli(['log', 'show', file, '--ndjson']);
    expect(nd.status).toBe(0);
    const lines = nd.stdout.trim().split('\n');
    expect(lines.length).toBe(journalRecords(file).length);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThan(4000);
    const same = cli(['diff', file, file]);
    expect(same.status).toBe(0);
    expect(same.stdout).toContain('calls: same');
  });

  it('damage is exit 2 with record and offset; --recover replays the prefix and never changes the file', () => {
    const bytes = readFileSync(file);
    const cut = join(dir, 'cut.llog');
    writeFileSync(cut, bytes.subarray(0, bytes.length - 150));
    const r = cli(['replay', cut]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/damaged journal at record \d+ \(byte offset \d+\)/);
    const rec = cli(['replay', cut, '--recover']);
    expect(rec.status).toBe(0);
    expect(rec.stderr).toMatch(/dropped 1 record\(s\)/);
    expect(readFileSync(cut).equals(bytes.subarray(0, bytes.length - 150))).toBe(true);
  });

  it('a divergence is exit 1 naming the call, step and event', () => {
    const j = readJournal(file);
    const sink = memorySink();
    const enc = new JournalEncoder(sink, j.header);
    // Call 6 (optim_post_step) claims one more effect: modifier #1 started.
    for (const c of j.calls) enc.entry(c.n === 6 ? { ...c, fx: { w: [...c.fx!.w, hookWord(1, 1, eventCode('optim_post_step'))], g: c.fx!.g } } : c);
    enc.end(j.calls.length);
    const bad = join(dir, 'bad.llog');
    writeFileSync(bad, sink.bytes());
    const r = cli(['replay', bad]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/diverged at call 6 \(step 0, event optim_post_step\): expected \d+ effects \(digest [0-9a-f]{8}\) got \d+ \(digest [0-9a-f]{8}\), first differing effect: #\d+ expected \w+#1 onStart \(optim_post_step\), got nothing/);
    const json = cli(['replay', bad, '--json']);
    expect(json.status).toBe(1);
    expect(JSON.parse(json.stdout).divergence).toMatchObject({ call: 6, what: 'effects', effect: { expected: expect.stringMatching(/#1 onStart/), got: null }, message: expect.stringMatching(/^diverged at call 6/) });
    const d = cli(['diff', file, bad]);
    expect(d.status).toBe(1);
    expect(d.stdout).toContain('first difference at call 6 (effects)');
  });

  it("--log - writes the journal to stdout (the table to stderr), and a closed pipe ends quietly", () => {
    const r = sh(`node --import tsx "$MAIN" run --epochs 1 --steps-per-epoch 2 --log - > "${dir}/stdout.llog"`);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('model sparsity after training');
    expect(readJournal(join(dir, 'stdout.llog')).damage).toBeNull();
    const head = sh(`node --import tsx "$MAIN" run --epochs 3 --log - | head -c 10 > /dev/null; echo "status \${PIPESTATUS[0]}"`);
    expect(head.stdout).toContain('status 0');
    expect(head.stderr).not.toContain('EPIPE');
    const show = sh(`node --import tsx "$MAIN" log show "${file}" --ndjson | head -1 > /dev/null; echo "status \${PIPESTATUS[0]}"`);
    expect(show.stdout).toContain('status 0');
    expect(show.stderr).not.toContain('EPIPE');
    copyFileSync(file, join(dir, 'copy.llog'));
  });
});

describe('run --log never writes over an input', () => {
  it('refuses --log naming the recipe, even with --force, and leaves the recipe as it was', async () => {
    const { mkdtempSync, readFileSync, copyFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { main } = await import('../../src/cli/main.ts');
    const { packageFile } = await import('../../src/io/packageFile.ts');
    const dir = mkdtempSync(join(tmpdir(), 'llmc-log-input-'));
    const recipe = join(dir, 'r.yaml');
    copyFileSync(packageFile('examples/training.yaml'), recipe);
    const before = readFileSync(recipe, 'utf8');
    const err = process.stderr.write;
    const out = process.stdout.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    process.stdout.write = (() => true) as typeof process.stdout.write;
    let code: number;
    try {
      code = await main(['run', recipe, '--epochs', '1', '--log', recipe, '--force', '-q']);
    } finally {
      process.stderr.write = err;
      process.stdout.write = out;
    }
    expect(code).not.toBe(0);
    expect(code).not.toBe(70);
    expect(readFileSync(recipe, 'utf8')).toBe(before);
  });
});
