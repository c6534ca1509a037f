/** Small drivers shared by the lifecycle and session tests. */
import { CompressionLifecycle, type Fidelity } from '../../src/lifecycle/lifecycle.ts';
import { EventType } from '../../src/core/events.ts';
import type { LifecycleRecord } from '../../src/core/records.ts';
import { setWarningSink } from '../../src/core/logger.ts';
import { TestModifier } from './testModifier.ts';

export const FIDELITIES: Fidelity[] = ['default', 'reference'];

/** Shorthand for event types in sequence tables. */
export const T = {
  s: EventType.BATCH_START,
  l: EventType.LOSS_CALCULATED,
  pre: EventType.OPTIM_PRE_STEP,
  post: EventType.OPTIM_POST_STEP,
  e: EventType.BATCH_END,
  ces: EventType.CALIBRATION_EPOCH_START,
  see: EventType.SEQUENTIAL_EPOCH_END,
  cee: EventType.CALIBRATION_EPOCH_END,
} as const;

/** An initialized lifecycle over fresh test modifiers. */
export function started(fidelity: Fidelity, args: ConstructorParameters<typeof TestModifier>[0][] = [{}], init: Record<string, unknown> = {}) {
  const lifecycle = new CompressionLifecycle({ fidelity });
  const modifiers = args.map((a) => new TestModifier(a));
  lifecycle.initialize({ recipe: modifiers, ...init });
  for (const m of modifiers) m.calls = [];
  return { lifecycle, modifiers };
}

export { thrown } from './errors.ts';

/** Collects warnings while `fn` runs. */
export function captureWarnings<T>(fn: () => T): { result: T; warnings: string[] } {
  const warnings: string[] = [];
  const prev = setWarningSink((m) => warnings.push(m));
  try {
    return { result: fn(), warnings };
  } finally {
    setWarningSink(prev);
  }
}

/** Collects records while `fn` runs. */
export function captureRecords(lifecycle: CompressionLifecycle, fn: () => void): LifecycleRecord[] {
  const records: LifecycleRecord[] = [];
  const sub = lifecycle.records$.subscribe((r) => records.push(r));
  try {
    fn();
  } catch {
    // the records up to the throw are what the caller looks at
  } finally {
    sub.unsubscribe();
  }
  return records;
}
