/**
 * A training run as journal calls: `trainingCalls` with the simulated optimizer's step before every
 * OPTIM_POST_STEP, as `simulateTraining` takes it, so `writeJournal` reproduces `run --log`.
 */
import { EventType } from '../core/events.ts';
import { trainingCalls, type TrainingOptions } from '../sim/training.ts';
import type { DriverCall } from './writer.ts';

export function* trainingDriverCalls(options: TrainingOptions): Generator<DriverCall> {
  for (const c of trainingCalls(options)) {
    if (c.call === 'event' && c.type === EventType.OPTIM_POST_STEP && options.model) {
      yield { call: 'optimizerStep', globalStep: c.options.globalStep as number, lr: 1e-3 };
    }
    const { info: _info, ...call } = c as typeof c & { info?: unknown };
    yield call as DriverCall;
  }
}
