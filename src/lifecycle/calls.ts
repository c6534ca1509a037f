/**
 * A lifecycle call as data. Drivers (training and calibration simulators) produce calls; one
 * function applies them. Keeping calls as values lets a run be generated purely, recorded and
 * replayed by the same code path.
 */
import type { EventType } from '../core/events.ts';
import type { CompressionLifecycle, EventOptions, InitializeOptions } from './lifecycle.ts';

export type LifecycleCall =
  | { call: 'initialize'; options: InitializeOptions }
  | { call: 'event'; type: EventType; options: EventOptions }
  | { call: 'finalize'; options: Record<string, unknown> }
  | { call: 'reset' };

/** Applies one call; errors propagate as the lifecycle throws them. */
export function applyCall(lifecycle: CompressionLifecycle, c: LifecycleCall): unknown {
  switch (c.call) {
    case 'initialize':
      return lifecycle.initialize(c.options);
    case 'event':
      return lifecycle.event(c.type, c.options);
    case 'finalize':
      return lifecycle.finalize(c.options);
    case 'reset':
      return lifecycle.reset();
  }
}
