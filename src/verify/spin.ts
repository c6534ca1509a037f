/**
 * Runs SPIN on a Promela export (spin -a, gcc, ./pan) in a scratch folder and reads back the
 * reachable state count, pan's own timing and the properties it saw violated. Needs `spin` and a C
 * compiler on PATH (`.ci/run` installs Debian's).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RuntimeError } from '../core/errors.ts';
import { promelaPropertyName } from './promela.ts';

export interface SpinResult {
  statesStored: number;
  transitions: number;
  /** pan's search time and rate, as pan reports them (0 / NaN below its clock's resolution). */
  seconds: number;
  statesPerSecond: number;
  /** The whole `./pan` run on the caller's clock (process start and hash table included). */
  wallSeconds: number;
  /** CPU time (user + system) of the whole `./pan` process, as bash's `times` reports it: unlike the two above, not stretched by other jobs on the machine. */
  cpuSeconds: number;
  /** `spin -a` plus gcc, apart from the search. */
  compileSeconds: number;
  violated: Set<string>;
  output: string;
}

export function spinAvailable(): boolean {
  return spawnSync('spin', ['-V'], { encoding: 'utf8' }).status === 0 && spawnSync('gcc', ['--version'], { encoding: 'utf8' }).status === 0;
}

const number = (out: string, re: RegExp): number => {
  const m = re.exec(out);
  return m ? Number(m[1]) : NaN;
};

/** The children's user + system time from bash's `times` output (its last line). */
function childCpuSeconds(stderr: string): number {
  const lines = stderr.trim().split('\n');
  const times = [...(lines[lines.length - 1] ?? '').matchAll(/(\d+)m([\d.]+)s/g)];
  return times.length === 2 ? times.reduce((a, m) => a + Number(m[1]) * 60 + Number(m[2]), 0) : NaN;
}

export interface SpinOptions {
  /** The caller's clock (seconds), used only for the compile time. */
  now?: () => number;
  /** gcc optimisation level for pan (default 2; 0 compiles several times faster, for tests). */
  optimize?: 0 | 1 | 2;
  /** log2 of pan's hash table size (default 20; raise it for exports past a million states). */
  hashBits?: number;
}

/** A compiled pan: run it as often as needed, then `dispose()` its scratch folder. */
export interface CompiledSpin {
  compileSeconds: number;
  run(): SpinResult;
  dispose(): void;
}

export function compileSpin(promela: string, options: SpinOptions = {}): CompiledSpin {
  const now = options.now ?? (() => 0);
  const dir = mkdtempSync(join(tmpdir(), 'llmc-verify-'));
  const dispose = () => rmSync(dir, { recursive: true, force: true });
  try {
    writeFileSync(join(dir, 'model.pml'), promela);
    const t0 = now();
    const compile = (cmd: string, args: string[]) => {
      const r = spawnSync(cmd, args, { cwd: dir, encoding: 'utf8', maxBuffer: 64 << 20 });
      if (r.status !== 0) throw new RuntimeError(`${cmd} ${args.join(' ')} failed (${r.status}): ${(r.stderr || r.stdout || '').slice(0, 2000)}`);
    };
    compile('spin', ['-a', 'model.pml']);
    compile('gcc', [`-O${options.optimize ?? 2}`, '-DPRINTF', '-DNOREDUCE', '-DVECTORSZ=4096', '-w', '-o', 'pan', 'pan.c']);
    const compileSeconds = now() - t0;
    const run = (): SpinResult => {
      const t1 = now();
      // Through bash, whose `times` then prints pan's CPU time (user and system, as "0m1.234s 0m0.010s") on stderr.
      const r = spawnSync('bash', ['-c', '"$0" "$@"; s=$?; times >&2; exit $s', join(dir, 'pan'), '-m1000000', `-w${options.hashBits ?? 20}`], {
        cwd: dir,
        encoding: 'utf8',
        maxBuffer: 256 << 20,
      });
      const wallSeconds = now() - t1;
      if (r.status !== 0) throw new RuntimeError(`./pan failed (${r.status}): ${(r.stderr || r.stdout || '').slice(0, 2000)}`);
      const out = r.stdout;
      const violated = new Set<string>();
      for (const m of out.matchAll(/VIOLATION (\d+)/g)) violated.add(promelaPropertyName(Number(m[1])));
      return {
        statesStored: number(out, /(\d+) states, stored/),
        transitions: number(out, /(\d+) transitions \(= stored\+matched\)/),
        seconds: number(out, /pan: elapsed time ([\d.e+-]+) seconds/),
        statesPerSecond: number(out, /pan: rate\s+([\d.e+-]+) states\/second/),
        wallSeconds,
        cpuSeconds: childCpuSeconds(r.stderr),
        compileSeconds,
        violated,
        output: out,
      };
    };
    return { compileSeconds, run, dispose };
  } catch (e) {
    dispose();
    throw e;
  }
}

/** Compiles and runs pan once. */
export function runSpin(promela: string, options: SpinOptions = {}): SpinResult {
  const pan = compileSpin(promela, options);
  try {
    return pan.run();
  } finally {
    pan.dispose();
  }
}
