// `npx llmc-sim` (bin/llmc-sim.js) passes SIGTERM on to the process doing the work: it no longer keeps
// running after the command was stopped. A second signal kills a child stuck in a synchronous stretch;
// the records target is never created half-written, and the next write into the directory sweeps the
// dead writer's temporary file.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { writeOutput } from '../../src/io/index.ts';

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
  it('SIGTERM reaches the worker; a second one stops it at once; no half-written target; the temp is swept later', async () => {
    const target = path.join(dir, 'records.ndjson');
    const bin = spawn(process.execPath, [BIN, 'run', '--epochs', '200', '--steps-per-epoch', '100', '--records', target], { stdio: 'ignore' });
    started.push(bin.pid!);
    const exited = new Promise<number | null>((r) => bin.on('exit', (code) => r(code)));
    // Wait until the worker has opened its temporary records file (it is then deep in the run).
    while (!readdirSync(dir).some((n) => n.endsWith('.tmp'))) await sleep(50);
    const [worker] = childrenOf(bin.pid!);
    started.push(worker);
    expect(alive(worker)).toBe(true);
    bin.kill('SIGTERM');
    await sleep(500); // two signals of one kind sent at once can arrive as one
    expect(alive(worker)).toBe(true); // busy in its synchronous training loop: it stops when that ends
    bin.kill('SIGTERM');
    const code = await exited;
    while (alive(worker)) await sleep(50);
    expect(code).toBe(128 + 9);
    expect(existsSync(target)).toBe(false);
    writeOutput(path.join(dir, 'other.txt'), 'x');
    expect(readdirSync(dir).sort()).toEqual(['other.txt']);
  });
});
