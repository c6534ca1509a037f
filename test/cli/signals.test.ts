// `npx llmc-sim` (bin/llmc-sim.js) passes SIGTERM on to the process doing the work, which stops at once even in
// the middle of a long training run (the loop yields to the event loop): the records target is never created
// half-written, its temporary file is removed, and the journal keeps its complete prefix, which replays.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { readJournal, replayJournal } from '../../src/log/index.ts';

const BIN = fileURLToPath(new URL('../../bin/llmc-sim.js', import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'llmc-signals-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The children of `pid`, from /proc (no procps needed). */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) out.push(Number(name));
    } catch {
      /* gone meanwhile */
    }
  }
  return out;
}
/** Running (not gone, not a zombie waiting to be reaped). */
const alive = (pid: number) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
};
const started: number[] = [];
afterAll(() => {
  for (const pid of started) if (alive(pid)) process.kill(pid, 'SIGKILL');
});

describe('signals through bin/llmc-sim.js', () => {
  it('SIGTERM stops a long run at once; no half-written records; the journal keeps a prefix that replays', async () => {
    const target = path.join(dir, 'records.ndjson');
    const log = path.join(dir, 'run.llog');
    const bin = spawn(process.execPath, [BIN, 'run', '--epochs', '200', '--steps-per-epoch', '100', '--records', target, '--log', log, '-q'], { stdio: 'ignore' });
    started.push(bin.pid!);
    const exited = new Promise<number | null>((r) => bin.on('exit', (code, signal) => r(code ?? (signal ? 128 + 15 : null))));
    // Wait until the worker has opened its temporary records file (it is then deep in the run).
    while (!readdirSync(dir).some((n) => n.endsWith('.tmp'))) await sleep(50);
    await sleep(300);
    const [worker] = childrenOf(bin.pid!);
    started.push(worker);
    expect(alive(worker)).toBe(true);
    bin.kill('SIGTERM');
    const code = await exited;
    while (alive(worker)) await sleep(50);
    expect(code).toBe(128 + 15);
    expect(existsSync(target)).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(['run.llog']);
    const journal = readJournal(log);
    expect(journal.calls.length).toBeGreaterThan(0);
    const replay = replayJournal(journal, { recover: true, keepRecords: false });
    expect(replay.divergence).toBeNull();
    expect(replay.calls).toBe(journal.calls.length);
  });
});
