/**
 * Drivers: what produces a journal's calls. A training run as journal calls (`trainingCalls` with the
 * simulated optimizer's step before every OPTIM_POST_STEP, as `simulateTraining` takes it, so
 * `writeJournal` reproduces `run --log`), and a one-shot run recorded as it runs.
 */
import { EventType } from '../core/events.ts';
import { trainingCalls, type TrainingOptions } from '../sim/training.ts';
import { activeSession } from '../lifecycle/session.ts';
import type { Model } from '../model/model.ts';
import { oneshot, type OneshotOptions } from '../sim/oneshot.ts';
import type { HeaderInput } from './header.ts';
import { recordTo, type DriverCall, type JournalSink, type RecordOptions } from './writer.ts';

export function* trainingDriverCalls(options: TrainingOptions): Generator<DriverCall> {
  for (const c of trainingCalls(options)) {
    if (c.call === 'event' && c.type === EventType.OPTIM_POST_STEP && options.model) {
      yield { call: 'optimizerStep', globalStep: c.options.globalStep as number, lr: 1e-3 };
    }
    const { info: _info, ...call } = c as typeof c & { info?: unknown };
    yield call as DriverCall;
  }
}

/**
 * The one-shot driver: runs `oneshot` on the active session's lifecycle with a journal attached.
 * Lifecycle calls are recorded from `records$`; the pipeline's steps between them (its choice, each
 * calibration forward, each subgraph's SEQUENTIAL_EPOCH_END) through `onCalibrationStep`, as calls
 * naming a batch or a subgraph that a replay re-applies to its own model and calibration data.
 * The header names the driver, the requested pipeline and `settings` the caller adds.
 */
export function recordOneshot(options: OneshotOptions, target: string | JournalSink, header: HeaderInput, recordOptions: RecordOptions = {}): Model {
  const lifecycle = activeSession().lifecycle;
  const settings = { driver: 'oneshot', pipeline: options.pipeline ?? null, ...(header.settings ?? {}) };
  const journal = recordTo(lifecycle, target, { ...header, seed: options.seed ?? 0, settings }, recordOptions);
  try {
    return oneshot({ ...options, onCalibrationStep: (c, apply) => journal.calibration(c, apply) });
  } finally {
    journal.close();
  }
}
