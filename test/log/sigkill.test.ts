import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readJournal, replayJournal } from '../../src/log/index.ts';

const CHILD = fileURLToPath(new URL('./fixtures/recordForever.ts', import.meta.url));

describe('a recording killed with SIGKILL', () => {
  it('leaves an intact prefix that replays', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'llmc-kill-')), 'run.llog');
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, file], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    // Wait until several flushes reached the file, then kill without warning.
    await new Promise<void>((resolve, reject) => {
      const poll = setInterval(() => {
        if (existsSync(file) && statSync(file).size > 200_000) {
          clearInterval(poll);
          child.kill('SIGKILL');
          resolve();
        }
      }, 20);
      child.on('exit', () => {
        clearInterval(poll);
        reject(new Error('the recording child exited before it was killed'));
      });
    });
    expect(await exited).toBe('SIGKILL');
    const journal = readJournal(file);
    expect(journal.damage).not.toBeNull();
    expect(journal.damage!.reason).toMatch(/no closing record|torn record/);
    expect(journal.calls.length).toBeGreaterThan(100);
    const r = replayJournal(journal, { recover: true });
    expect(r.divergence).toBeNull();
    expect(r.calls).toBe(journal.calls.length);
  });
});
