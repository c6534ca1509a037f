/**
 * CompressionSession and the active-session scope (LLM Compressor `core/session.py`,
 * `session_functions.py`). `createSession` scopes a fresh session to a call, async work included
 * (AsyncLocalStorage), and restores the previous one afterwards, also after a throw.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { CompressionLifecycle, type EventOptions, type Fidelity, type InitializeOptions } from './lifecycle.ts';
import type { EventType } from '../core/events.ts';
import type { State } from '../core/state.ts';
import { warn } from '../core/logger.ts';
import { describeValue, optionsObject } from '../core/options.ts';
import { ValueError } from '../core/errors.ts';

export interface ModifiedState {
  model: unknown;
  optimizer: unknown;
  loss: unknown;
  modifierData: unknown[];
}

/** W2 */
export const RECIPE_NOT_FOUND = 'Recipe not found in session - it may have been reset';

export class CompressionSession {
  readonly lifecycle: CompressionLifecycle;

  constructor(options: { fidelity?: Fidelity } = {}) {
    options = optionsObject('CompressionSession', options, ['fidelity']);
    this.lifecycle = new CompressionLifecycle(options);
  }

  get state(): State {
    return this.lifecycle.state;
  }

  initialize(options: InitializeOptions = {}): ModifiedState {
    const data = this.lifecycle.initialize({ attachOptimCallbacks: true, copyData: true, ...optionsObject('initialize', options) });
    return this.#modified(data ?? []);
  }

  finalize(options: Record<string, unknown> = {}): ModifiedState {
    return this.#modified(this.lifecycle.finalize(options));
  }

  /** Always passes `batchData` and `loss` keys (null when absent), so a missing loss reaches E46 (Q23). */
  event(type: EventType, options: EventOptions = {}): ModifiedState {
    options = optionsObject('event', options);
    const data = this.lifecycle.event(type, { ...options, batchData: options.batchData ?? null, loss: options.loss ?? null });
    return this.#modified(data);
  }

  reset(): void {
    this.lifecycle.reset();
  }

  /** Q22: forgets initialized/finalized only; recipe, state, step and order state stay. */
  resetStage(): void {
    this.lifecycle._resetStage();
  }

  getSerializedRecipe(): string | undefined {
    const recipe = this.lifecycle.recipe;
    if (!recipe || recipe.modifiers.length === 0) {
      warn(RECIPE_NOT_FOUND);
      return undefined;
    }
    return recipe.toYaml();
  }

  #modified(modifierData: unknown[]): ModifiedState {
    const s = this.lifecycle.state;
    return { model: s.model, optimizer: s.optimizer, loss: s.loss, modifierData };
  }
}

const globalSession = new CompressionSession();
const scope = new AsyncLocalStorage<CompressionSession>();

/** The session of the innermost `createSession` scope, else the global one. */
export function activeSession(): CompressionSession {
  return scope.getStore() ?? globalSession;
}

/** Runs `fn` with a new session active (async work included); the previous one is active again afterwards. */
export function createSession<T>(fn: (session: CompressionSession) => T, options: { fidelity?: Fidelity } = {}): T {
  if (typeof fn !== 'function') throw new ValueError(`createSession() takes a function, got ${describeValue(fn)}`);
  const session = new CompressionSession(optionsObject('createSession', options, ['fidelity']));
  return scope.run(session, () => fn(session));
}

/** Resets the active session's lifecycle. */
export function resetSession(): void {
  activeSession().reset();
}
