/**
 * What every fuzzer asserts for every input: a result, or a ValueError/RuntimeError (our named errors)
 * with a non-empty message — never a TypeError, a RangeError or a crash; Object.prototype unchanged;
 * the process's memory under a generous cap (a blow-up detector, not a measurement).
 *
 * Runs: `npm test` runs each property `base` times (a few seconds in all). `npm run fuzz` sets
 * LLMC_FUZZ=1 (runs × 100, or LLMC_FUZZ_RUNS exactly) and prints, per property, the inputs tried, the
 * time and the slowest input; with LLMC_FUZZ the slowest input must also stay under LLMC_FUZZ_SLOW_MS
 * (default 10 s), the hang detector. docs/bad-input.md records the campaign's figures.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { RuntimeError, ValueError } from '../../src/core/errors.ts';

const campaign = process.env.LLMC_FUZZ === '1';
const MEMORY_CAP = 3 * 2 ** 30;

export function runsFor(base: number): number {
  const exact = Number(process.env.LLMC_FUZZ_RUNS);
  if (Number.isInteger(exact) && exact > 0) return exact;
  return campaign ? base * 100 : base;
}

const protoKeys = () => Object.getOwnPropertyNames(Object.prototype).sort().join(',');
const PROTO = protoKeys();

/** Checks one outcome: `error` is undefined for a result. */
export function checkOutcome(error: unknown): void {
  if (error !== undefined) {
    const named = error instanceof ValueError || error instanceof RuntimeError;
    if (!named) throw new Error(`not a named error: ${(error as Error)?.stack ?? String(error)}`);
    expect((error as Error).message.length).toBeGreaterThan(0);
  }
  expect(protoKeys()).toBe(PROTO);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(process.memoryUsage().rss).toBeLessThan(MEMORY_CAP);
}

/** Runs `f`, returning the error it threw (or undefined). */
export function outcomeOf(f: () => unknown): unknown {
  try {
    f();
    return undefined;
  } catch (e) {
    return e;
  }
}

export async function asyncOutcomeOf(f: () => Promise<unknown>): Promise<unknown> {
  try {
    await f();
    return undefined;
  } catch (e) {
    return e;
  }
}

interface Stats {
  inputs: number;
  slowestMs: number;
  startedAt: number;
}

const begin = (): Stats => ({ inputs: 0, slowestMs: 0, startedAt: performance.now() });

function report(name: string, s: Stats): void {
  if (!campaign) return;
  const seconds = (performance.now() - s.startedAt) / 1000;
  process.stdout.write(`[fuzz] ${name}: ${s.inputs} inputs in ${seconds.toFixed(1)} s, slowest input ${s.slowestMs.toFixed(0)} ms\n`);
  expect(s.slowestMs).toBeLessThan(Number(process.env.LLMC_FUZZ_SLOW_MS ?? 10_000));
}

/** fc.assert over a synchronous check of each input, with the campaign's figures. */
export function fuzz<T>(name: string, arb: fc.Arbitrary<T>, base: number, check: (input: T) => void): void {
  const s = begin();
  fc.assert(
    fc.property(arb, (input) => {
      const t = performance.now();
      check(input);
      s.inputs++;
      s.slowestMs = Math.max(s.slowestMs, performance.now() - t);
    }),
    { numRuns: runsFor(base) },
  );
  report(name, s);
}

export async function fuzzAsync<T>(name: string, arb: fc.Arbitrary<T>, base: number, check: (input: T) => Promise<void>): Promise<void> {
  const s = begin();
  await fc.assert(
    fc.asyncProperty(arb, async (input) => {
      const t = performance.now();
      await check(input);
      s.inputs++;
      s.slowestMs = Math.max(s.slowestMs, performance.now() - t);
    }),
    { numRuns: runsFor(base) },
  );
  report(name, s);
}

/** Strings a careless user or an attacker puts anywhere a value goes. */
export const hostileString = fc.constantFrom(
  '', ' ', '-', '0', '-0', '1', '-1', '2', '3', '1.5', '1e308', '1e999', '-1e999', 'NaN', 'Infinity', '.inf', '0x10', '9007199254740993',
  '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '\u0000', '../../etc/passwd', '/dev/zero', 'a'.repeat(300), '☃',
);
