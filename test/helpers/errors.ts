/** Test helpers for errors and warnings, shared by every suite. */
import { afterEach, beforeEach } from 'vitest';
import { setWarningSink } from '../../src/core/logger.ts';

/** Calls `fn` and returns what it threw (fails if it did not throw). */
export function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
}

/**
 * Routes warnings into an array for every test of the calling file, restoring the sink after
 * each; returns a function reading the current test's warnings.
 */
export function useWarningCapture(): () => string[] {
  let warnings: string[] = [];
  let restore: ReturnType<typeof setWarningSink>;
  beforeEach(() => {
    warnings = [];
    restore = setWarningSink((m) => warnings.push(m));
  });
  afterEach(() => setWarningSink(restore));
  return () => warnings;
}
