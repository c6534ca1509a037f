/**
 * ProbeModifier: a modifier whose only behaviour is what its fields say, for exploring the lifecycle
 * (`llmc-sim verify`). It is a registered class (experimental registry), so a configuration of probes
 * is plain recipe text and a counterexample replays from that text alone.
 *
 * Fields beyond the base ones:
 * - `initialize_returns` (default true): what `onInitialize` returns (false exercises Q6);
 * - `finalize_returns` (default true): what `onFinalize` returns;
 * - `raises_in` (default null): a hook name; every call of that hook throws `ProbeHookError`.
 *
 * Every hook call is logged in `hookLog` (with whether it raised) so tools can compare runs.
 */
import { RuntimeError } from '../core/errors.ts';
import type { Event } from '../core/events.ts';
import type { State } from '../core/state.ts';
import { asBool, field, FieldTypeError, type FieldSpecs } from '../core/fields.ts';
import type { HookName } from '../core/records.ts';
import { registerBuiltinModule } from './factory.ts';
import { Modifier, type Kwargs } from './modifier.ts';

const PROBE_HOOKS: readonly HookName[] = ['onInitialize', 'onStart', 'onUpdate', 'onEnd', 'onEvent', 'onFinalize'];

const asOptionalHook = (v: unknown): HookName | null => {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' && (PROBE_HOOKS as readonly string[]).includes(v)) return v as HookName;
  throw new FieldTypeError(`Input should be null or one of ${PROBE_HOOKS.map((h) => `'${h}'`).join(', ')} (got ${JSON.stringify(v)})`);
};

/** The error a probe's `raises_in` hook throws. */
export class ProbeHookError extends RuntimeError {
  constructor(readonly hook: HookName) {
    super(`ProbeModifier: ${hook} raised (raises_in: ${hook})`);
  }
}

export interface ProbeHookCall {
  hook: HookName;
  /** Whether the call threw (`raises_in`). */
  raised: boolean;
}

export class ProbeModifier extends Modifier {
  static override readonly fields: FieldSpecs = [
    ...Modifier.fields,
    field('initialize_returns', 'initializeReturns', true, asBool),
    field('finalize_returns', 'finalizeReturns', true, asBool),
    field('raises_in', 'raisesIn', null, asOptionalHook),
  ];
  declare initializeReturns: boolean;
  declare finalizeReturns: boolean;
  declare raisesIn: HookName | null;

  /** Every hook call so far, in order. */
  readonly hookLog: ProbeHookCall[] = [];

  #hook(hook: HookName): void {
    const raised = this.raisesIn === hook;
    this.hookLog.push({ hook, raised });
    if (raised) throw new ProbeHookError(hook);
  }

  protected override onInitialize(_state: State, _kwargs: Kwargs): boolean {
    this.#hook('onInitialize');
    return this.initializeReturns;
  }
  protected override onFinalize(_state: State, _kwargs: Kwargs): boolean {
    this.#hook('onFinalize');
    return this.finalizeReturns;
  }
  protected override onStart(_state: State, _event: Event | null, _kwargs: Kwargs): void {
    this.#hook('onStart');
  }
  protected override onUpdate(_state: State, _event: Event | null, _kwargs: Kwargs): void {
    this.#hook('onUpdate');
  }
  protected override onEnd(_state: State, _event: Event | null, _kwargs: Kwargs): void {
    this.#hook('onEnd');
  }
  protected override onEvent(_state: State, _event: Event, _kwargs: Kwargs): void {
    this.#hook('onEvent');
  }
}

registerBuiltinModule(() => ({ ProbeModifier }), true);
