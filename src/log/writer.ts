/**
 * Recording: `recordTo` attaches a journal's tap to a lifecycle (`lifecycle.attachTap`, no `records$`
 * subscription); `writeJournal` runs a list of calls on a fresh lifecycle and records them. Records are
 * buffered and written whole (append-only, see src/io/appendOnly.ts): after each burst of synchronous
 * calls (a microtask), when the buffer fills, once a finalize call is recorded, at `close()` and on
 * process exit. A process killed mid-run leaves an intact prefix without the closing record, which
 * `replay --recover` replays.
 */
import { CompressionLifecycle } from '../lifecycle/lifecycle.ts';
import { applyCall, type LifecycleCall } from '../lifecycle/calls.ts';
import { openAppendOnly } from '../io/appendOnly.ts';
import { simulatedOptimizerStep } from '../sim/training.ts';
import type { Model } from '../model/model.ts';
import { applyCalibrationCall, calibrationContext, isCalibrationCall, type CalibrationCall } from '../sim/pipelines/calls.ts';
import { journalOptions } from './callRecorder.ts';
import { JournalEncoder, type JournalSink } from './encoder.ts';
import type { JournalCall, JournalHeader } from './format.ts';
import { makeHeader, type HeaderInput } from './header.ts';
import { CallTap } from './tap.ts';

export type { JournalSink } from './encoder.ts';

export interface Recorder {
  readonly header: JournalHeader;
  /** Calls recorded so far. */
  readonly calls: number;
  /** Tell the journal the simulated optimizer changed the weights (SimulateOptions.onOptimizerStep). */
  optimizerStep(globalStep: number, lr: number): void;
  /** A one-shot pipeline's step (`oneshot({ onCalibrationStep })`): `apply` runs it, recorded as one call. */
  calibration(call: CalibrationCall, apply: () => void): void;
  /** Record the remaining call, write the closing record, flush and close. Idempotent. */
  close(): void;
}

export interface RecordOptions {
  /** Overwrite an existing file. */
  force?: boolean;
  /** The files the run reads (recipe, model): never overwritten, even with `force`. */
  inputs?: readonly string[];
}

/** The model a header input names, for hashing weights after calls. */
const modelOf = (input: HeaderInput): Model | null => input.model?.model ?? null;

/**
 * Records every call of `lifecycle` from now on into `target` (a path, `-` for stdout, or a sink).
 * Attach before the first call. See the file comment for when bytes reach the file.
 */
export function recordTo(lifecycle: CompressionLifecycle, target: string | JournalSink, header: HeaderInput, options: RecordOptions = {}): Recorder {
  const full = makeHeader({ ...header, fidelity: lifecycle.fidelity });
  let scheduled = false;
  let closed = false;
  const flushBurst = () => {
    scheduled = false;
    tap.endBurst();
    if (closed) return;
    tap.commit();
    encoder.flush();
  };
  const scheduleFlush = () => {
    if (!scheduled) {
      scheduled = true;
      queueMicrotask(flushBurst);
    }
  };
  // The tap first: a lifecycle that already has one refuses it before any file is opened.
  const tap: CallTap = new CallTap(lifecycle, {
    recipeRef: full.recipe !== null,
    model: modelOf(header),
    quiet: true,
    onCall: (c) => {
      encoder.tapCall(c);
      // A finalized run is on disk at once, whatever the driver does next.
      if (c.call?.call === 'finalize') encoder.flush();
      else scheduleFlush();
    },
  });
  let sink: JournalSink;
  try {
    sink = typeof target === 'string' ? openAppendOnly(target, { force: options.force, inputs: options.inputs }) : target;
  } catch (e) {
    tap.close();
    throw e;
  }
  const encoder = new JournalEncoder(sink, full);
  tap.writeTo(encoder, scheduleFlush);
  const close = () => {
    if (closed) return;
    closed = true;
    process.off('exit', close);
    tap.close();
    encoder.end(tap.calls);
    sink.close();
  };
  process.on('exit', close);
  return {
    header: full,
    get calls() {
      return tap.calls;
    },
    optimizerStep: (g, lr) => tap.optimizerStep(g, lr),
    calibration: (c, apply) => {
      tap.commit(); // the lifecycle call before it is complete: what `apply` records is this call's
      tap.expect(c);
      try {
        apply();
      } finally {
        tap.endCall();
      }
    },
    close,
  };
}

/** The simulated optimizer's step, as a call a journal can hold. */
export interface OptimizerStepCall {
  call: 'optimizerStep';
  globalStep: number;
  lr?: number;
}

export type DriverCall = LifecycleCall | OptimizerStepCall | CalibrationCall;

/** A call as the journal stores it (the same encoding the tap gives when the lifecycle records). */
export function toJournalCall(c: DriverCall, recipeRef: boolean): JournalCall {
  const opts = (o: Record<string, unknown>) => journalOptions(o, recipeRef);
  switch (c.call) {
    case 'initialize':
      return { call: 'initialize', options: opts(c.options as Record<string, unknown>) };
    case 'event':
      return { call: 'event', type: c.type, options: opts(c.options) };
    case 'finalize':
      return { call: 'finalize', options: opts(c.options) };
    case 'reset':
      return { call: 'reset' };
    case 'optimizerStep':
      return { call: 'optimizerStep', globalStep: c.globalStep, lr: c.lr ?? 1e-3 };
    default:
      return c;
  }
}

/**
 * Runs `calls` on a fresh lifecycle (fidelity from the header) and records them at `target`.
 * Refused and throwing calls are recorded (their error is in their effects) and the run goes on.
 */
export function writeJournal(target: string | JournalSink, header: HeaderInput, calls: Iterable<DriverCall>, options: RecordOptions = {}): { calls: number } {
  const lifecycle = new CompressionLifecycle({ fidelity: header.fidelity });
  const model = modelOf(header);
  const sink = typeof target === 'string' ? openAppendOnly(target, { force: options.force, inputs: options.inputs }) : target;
  const full = makeHeader(header);
  const encoder = new JournalEncoder(sink, full);
  const tap = new CallTap(lifecycle, { recipeRef: full.recipe !== null, model, onCall: (c) => encoder.tapCall(c) });
  try {
    for (const c of calls) {
      if (c.call === 'optimizerStep') {
        const lr = c.lr ?? 1e-3;
        if (model) simulatedOptimizerStep(model, full.seed, c.globalStep, lr);
        tap.optimizerStep(c.globalStep, lr);
        continue;
      }
      tap.expect(toJournalCall(c, full.recipe !== null));
      try {
        if (isCalibrationCall(c)) applyCalibrationCall(c, calibrationContext(lifecycle));
        else applyCall(lifecycle, c);
      } catch {
        // recorded: a refused call as call.rejected, a throwing one as effect.error
      }
      tap.endCall();
    }
    tap.close();
    encoder.end(tap.calls);
  } finally {
    sink.close();
  }
  return { calls: tap.calls };
}

/** A sink that collects bytes in memory (tests, benchmarks, `diff` of a fresh run). */
export function memorySink(): JournalSink & { bytes(): Uint8Array } {
  const chunks: Uint8Array[] = [];
  return { write: (b) => void chunks.push(b.slice()), close: () => {}, bytes: () => Buffer.concat(chunks) };
}
