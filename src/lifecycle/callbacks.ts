/**
 * The callbacks training and calibration code calls (LLM Compressor `core/session_functions.py`
 * `LifecycleCallbacks`). Each acts on `activeSession()` and returns its ModifiedState.
 */
import { EventType } from '../core/events.ts';
import { ReservedEventTypeError } from '../core/lifecycleErrors.ts';
import { activeSession, type ModifiedState } from './session.ts';
import type { EventOptions } from './lifecycle.ts';

type Opts = EventOptions;

function event(type: EventType, options: Opts = {}): ModifiedState {
  if (type === EventType.INITIALIZE || type === EventType.FINALIZE) throw new ReservedEventTypeError(type);
  return activeSession().event(type, options);
}

export const callbacks = {
  event,
  batchStart: (options: Opts = {}) => event(EventType.BATCH_START, options),
  lossCalculated: (options: Opts = {}) => event(EventType.LOSS_CALCULATED, options),
  optimPreStep: (options: Opts = {}) => event(EventType.OPTIM_PRE_STEP, options),
  optimPostStep: (options: Opts = {}) => event(EventType.OPTIM_POST_STEP, options),
  batchEnd: (options: Opts = {}) => event(EventType.BATCH_END, options),
  calibrationEpochStart: (options: Opts = {}) => event(EventType.CALIBRATION_EPOCH_START, options),
  sequentialEpochEnd: (modules: unknown, options: Opts = {}) => event(EventType.SEQUENTIAL_EPOCH_END, { modules, ...options }),
  calibrationEpochEnd: (options: Opts = {}) => event(EventType.CALIBRATION_EPOCH_END, options),
} as const;
