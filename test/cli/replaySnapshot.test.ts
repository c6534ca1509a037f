import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readJournal, writeJournal } from '../../src/log/index.ts';
import { trainingRun } from '../log/fixture.ts';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const cli = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], { encoding: 'utf8' });

describe('llmc-sim replay --to N with the snapshot cache FILE.snap', () => {
  it('writes FILE.snap, then answers from it with the same output; a damaged one is said on stderr and rebuilt; --no-snapshot leaves none', () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmc-replay-snap-'));
    const file = join(dir, 'run.llog');
    const { header, calls } = trainingRun(0, 4, 4);
    writeJournal(file, header, calls);
    const journalBytes = readFileSync(file);
    const n = String(readJournal(file).calls.length - 1);
    const first = cli(['replay', file, '--to', n]);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stderr).toBe('');
    expect(existsSync(`${file}.snap`)).toBe(true);
    const second = cli(['replay', file, '--to', n]);
    expect(second.stdout).toBe(first.stdout);
    expect(second.stderr).toBe('');
    const bytes = readFileSync(`${file}.snap`);
    bytes[20] ^= 0xff;
    writeFileSync(`${file}.snap`, bytes);
    const damaged = cli(['replay', file, '--to', n]);
    expect(damaged.stdout).toBe(first.stdout);
    expect(damaged.stderr).toMatch(/snapshot: .*run\.llog\.snap ignored: damaged .*; rebuilding it/);
    expect(readFileSync(`${file}.snap`).equals(bytes)).toBe(false);
    const other = join(dir, 'other.llog');
    const again = trainingRun(0, 4, 4); // the first run changed its model in place: a fresh one
    writeJournal(other, again.header, again.calls);
    const none = cli(['replay', other, '--to', n, '--no-snapshot']);
    expect(none.stdout).toBe(first.stdout);
    expect(existsSync(`${other}.snap`)).toBe(false);
    expect(readFileSync(file).equals(journalBytes)).toBe(true);
  });
});
