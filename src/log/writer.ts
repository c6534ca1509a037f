/**
 * Recording: `recordTo` attaches a journal to a lifecycle's `records$`; `writeJournal` runs a list of
 * calls on a fresh lifecycle and records them. Lines are buffered and written whole (append-only, see
 * src/io/appendOnly.ts): after each burst of synchronous calls (a microtask), when the buffer fills,
 * at `close()` and on process exit. A process killed mid-run leaves an intact prefix without the
 * closing record, which `replay --recover` replays.
 */
import { createHash, type Hash } from 'node:crypto';
import { CompressionLifecycle } from '../lifecycle/lifecycle.ts';
import { applyCall, type LifecycleCall } from '../lifecycle/calls.ts';
import { openAppendOnly, type AppendOnlyFile } from '../io/appendOnly.ts';
import { simulatedOptimizerStep } from '../sim/training.ts';
import type { Model } from '../model/model.ts';
import { applyCalibrationCall, calibrationContext, isCalibrationCall, type CalibrationCall } from '../sim/pipelines/calls.ts';
import { CallRecorder, journalOptions } from './callRecorder.ts';
import { encodeEntryLine, encodeLine, type CallEntry, type JournalCall, type JournalHeader } from './format.ts';
import { makeHeader, type HeaderInput } from './header.ts';

/** Where journal bytes go: a file (`openAppendOnly`) or anything with the same two methods. */
export type JournalSink = Pick<AppendOnlyFile, 'write' | 'close'>;

/** Flush once this many characters are buffered (about as many bytes: lines are mostly ASCII). */
const FLUSH_CHARS = 1 << 16;

/** Encodes entries into chained lines and hands them to a sink in whole-line chunks. */
export class JournalEncoder {
  #k = 0;
  #lines: string[] = [];
  #buffered = 0;
  #written = 0;
  readonly #hash: Hash = createHash('sha256');
  #ended = false;
  constructor(readonly sink: JournalSink, header: JournalHeader) {
    this.#push(header);
    this.flush();
  }
  entry(e: CallEntry): void {
    this.#add(encodeEntryLine(e, this.#k));
    if (this.#buffered >= FLUSH_CHARS) this.flush();
  }
  /** Writes the closing record (call count and SHA-256 of everything before it) and flushes. */
  end(calls: number): void {
    if (this.#ended) return;
    this.flush();
    this.#ended = true;
    const bytes = Buffer.from(encodeLine({ end: calls, sha256: this.#hash.digest('hex') }, this.#k).line, 'utf8');
    this.sink.write(bytes);
    this.#written += bytes.length;
  }
  get bytesWritten(): number {
    return this.#written;
  }
  flush(): void {
    if (this.#lines.length === 0) return;
    const all = Buffer.from(this.#lines.join(''), 'utf8');
    this.#lines = [];
    this.#buffered = 0;
    this.#hash.update(all);
    this.sink.write(all);
    this.#written += all.length;
  }
  #push(value: object): void {
    this.#add(encodeLine(value, this.#k));
  }
  #add({ line, k }: { line: string; k: number }): void {
    this.#k = k;
    this.#lines.push(line);
    this.#buffered += line.length;
  }
}

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
  const sink = typeof target === 'string' ? openAppendOnly(target, { force: options.force, inputs: options.inputs }) : target;
  const full = makeHeader({ ...header, fidelity: lifecycle.fidelity });
  const encoder = new JournalEncoder(sink, full);
  let scheduled = false;
  let closed = false;
  const recorder: CallRecorder = new CallRecorder(lifecycle, {
    recipeRef: full.recipe !== null,
    model: modelOf(header),
    onEntry: (e) => {
      encoder.entry(e);
      if (!scheduled) {
        scheduled = true;
        queueMicrotask(() => {
          scheduled = false;
          if (closed) return;
          recorder.commit();
          encoder.flush();
        });
      }
    },
  });
  const close = () => {
    if (closed) return;
    closed = true;
    process.off('exit', close);
    recorder.close();
    encoder.end(recorder.calls);
    sink.close();
  };
  process.on('exit', close);
  return {
    header: full,
    get calls() {
      return recorder.calls;
    },
    optimizerStep: (g, lr) => recorder.optimizerStep(g, lr),
    calibration: (c, apply) => {
      recorder.commit(); // the lifecycle call before it is complete: what `apply` records is this call's
      recorder.expect(c);
      try {
        apply();
      } finally {
        recorder.endCall();
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

/** A call as the journal stores it (the same encoding `records$` gives when the lifecycle records). */
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
 * Refused and throwing calls are recorded (their error is in the digest) and the run goes on.
 */
export function writeJournal(target: string | JournalSink, header: HeaderInput, calls: Iterable<DriverCall>, options: RecordOptions = {}): { calls: number } {
  const lifecycle = new CompressionLifecycle({ fidelity: header.fidelity });
  const model = modelOf(header);
  const sink = typeof target === 'string' ? openAppendOnly(target, { force: options.force, inputs: options.inputs }) : target;
  const full = makeHeader(header);
  const encoder = new JournalEncoder(sink, full);
  const recorder = new CallRecorder(lifecycle, { recipeRef: full.recipe !== null, model, onEntry: (e) => encoder.entry(e) });
  try {
    for (const c of calls) {
      if (c.call === 'optimizerStep') {
        const lr = c.lr ?? 1e-3;
        if (model) simulatedOptimizerStep(model, full.seed, c.globalStep, lr);
        recorder.optimizerStep(c.globalStep, lr);
        continue;
      }
      recorder.expect(toJournalCall(c, full.recipe !== null));
      try {
        if (isCalibrationCall(c)) applyCalibrationCall(c, calibrationContext(lifecycle));
        else applyCall(lifecycle, c);
      } catch {
        // recorded: a refused call as call.rejected, a throwing one as effect.error
      }
      recorder.endCall();
    }
    recorder.close();
    encoder.end(recorder.calls);
  } finally {
    sink.close();
  }
  return { calls: recorder.calls };
}

/** A sink that collects bytes in memory (tests, benchmarks, `diff` of a fresh run). */
export function memorySink(): JournalSink & { bytes(): Uint8Array } {
  const chunks: Uint8Array[] = [];
  return { write: (b) => void chunks.push(Uint8Array.from(b)), close: () => {}, bytes: () => Buffer.concat(chunks) };
}
