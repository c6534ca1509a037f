/**
 * What every modifier hook receives besides the State: the lifecycle call's options (every
 * `initialize` option reaches every modifier, Q26; an event's options minus `globalStep`, §6.3 step 8)
 * and the lifecycle's fidelity. A modifier called directly, with no lifecycle, gets `'default'`
 * (lifecycle.md §0).
 */
import { ValueError } from '../core/errors.ts';
import { FIDELITIES, isFidelity, type Fidelity } from '../core/fidelity.ts';
import { describeValue } from '../core/options.ts';

export interface HookContext {
  /** How faithfully to follow LLM Compressor (lifecycle.md §0). */
  readonly fidelity: Fidelity;
  /** The run's seed (`initialize`), for modifiers that draw random numbers (SpinQuant's random rotations). */
  readonly seed?: unknown;
  /** The model, when a caller passes it as an option rather than in State. */
  readonly model?: unknown;
  /** `LOSS_CALCULATED`'s loss (it never enters State, Q23). */
  readonly loss?: unknown;
  readonly batchData?: unknown;
  /** `SEQUENTIAL_EPOCH_END`'s calibrated modules. */
  readonly modules?: unknown;
  /** Any other option of the call, passed through as given. */
  readonly [option: string]: unknown;
}

/**
 * The hook context for a call's options: as given when they carry a valid fidelity (the lifecycle's
 * case, so nothing is copied per event), with `'default'` added when they carry none.
 * @throws {ValueError} when `fidelity` is present but not a fidelity.
 */
export function hookContext(options: Readonly<Record<string, unknown>>): HookContext {
  const fidelity = options.fidelity;
  if (isFidelity(fidelity)) return options as HookContext;
  if (fidelity === undefined) return { ...options, fidelity: 'default' };
  throw new ValueError(`kwargs.fidelity must be one of ${FIDELITIES.map((f) => `'${f}'`).join(', ')}, got ${typeof fidelity === 'string' ? JSON.stringify(fidelity) : describeValue(fidelity)}`);
}
