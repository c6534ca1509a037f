/**
 * Law: the same calls on a fresh lifecycle give the same records$ stream, byte for byte (JSON of
 * every record as emitted), and the same hook trace and outcomes.
 */
import { expect } from 'vitest';
import type { LifecycleCall } from '../arbitraries/lifecycleCall.ts';
import type { LifecycleSetup } from '../arbitraries/lifecycleSetup.ts';
import { applyCall, createSubject } from '../harness/subject.ts';

export interface Run {
  records: string[];
  trace: string[];
  outcomes: string[];
}

export function runScript(setup: LifecycleSetup, calls: readonly LifecycleCall[]): Run {
  const s = createSubject({ ...setup, recording: true });
  try {
    const outcomes = calls.map((c) => JSON.stringify(applyCall(s, c)));
    return { records: s.records, trace: s.trace, outcomes };
  } finally {
    s.dispose();
  }
}

export function sameCallsSameRecords(setup: LifecycleSetup, calls: readonly LifecycleCall[]): void {
  const first = runScript(setup, calls);
  const second = runScript(setup, calls);
  expect(second.records.join('\n')).toBe(first.records.join('\n'));
  expect(second.trace).toEqual(first.trace);
  expect(second.outcomes).toEqual(first.outcomes);
}
