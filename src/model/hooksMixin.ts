/**
 * HooksMixin (LLM Compressor `modifiers/utils/hooks.py`, lifecycle.md §3.6): modifiers register model hooks
 * through it so they can remove their own, and pipelines can switch every such hook off at once
 * (`HooksMixin.disableHooks`). The disabled flag and the keep-set are global, as upstream's class variables
 * are: leaving an inner scope re-enables every hook even while an outer scope is open (Q24).
 */
import { ValueError } from '../core/errors.ts';
import type { Tensor } from '../tensor/tensor.ts';
import type { Embedding, LlamaAttention, Linear, Module, RemovableHandle } from './modules.ts';

export type HookType = 'forward_pre' | 'forward' | 'query' | 'key' | 'value';

/** A hook as modifiers write it: the tensor in, optionally a replacement out. */
export type HookFn<M extends Module = Module> = (value: Tensor, module: M) => Tensor | void;

/** What `registerHook` returns: removable, and usable as a member of a `disableHooks` keep-set. */
export interface HookHandle extends RemovableHandle {
  readonly hookType: HookType;
  readonly moduleName: string;
}

export interface RegisterHookOptions {
  /** Run before the module's hooks registered earlier (torch `prepend=True`). */
  prepend?: boolean;
}

let disabled = false;
const keepSet = new Set<HookHandle>();

/**
 * Adds a hook to a model module's hook list; with `prepend` it goes to the front, so it runs first
 * (what upstream's online input transforms ask for).
 * @internal
 */
export function addModuleHook(target: Module, fn: HookFn, hookType: HookType, options: RegisterHookOptions = {}): RemovableHandle {
  const add = { prepend: options.prepend === true };
  if (target.kind === 'linear' && hookType === 'forward_pre') return (target as Linear).registerForwardPreHook(fn as HookFn<Linear>, add);
  if (target.kind === 'linear' && hookType === 'forward') return (target as Linear).registerForwardHook(fn as HookFn<Linear>, add);
  if (target.kind === 'embedding' && hookType === 'forward') return (target as Embedding).registerForwardHook(fn as HookFn<Embedding>, add);
  if (target.kind === 'attention' && hookType === 'query') return (target as LlamaAttention).registerQueryHook(fn as HookFn<LlamaAttention>, add);
  if (target.kind === 'attention' && hookType === 'key') return (target as LlamaAttention).registerKeyHook(fn as HookFn<LlamaAttention>, add);
  if (target.kind === 'attention' && hookType === 'value') return (target as LlamaAttention).registerValueHook(fn as HookFn<LlamaAttention>, add);
  throw new ValueError(`Cannot register a '${hookType}' hook on ${target.name || '(root)'} (${target.className}): ` +
    "Linear takes 'forward_pre' and 'forward', Embedding takes 'forward', LlamaAttention takes 'query', 'key' and 'value'");
}

export class HooksMixin {
  readonly #handles: HookHandle[] = [];

  /** Whether hooks are globally disabled right now (inside a `disableHooks` scope). */
  static get hooksDisabled(): boolean {
    return disabled;
  }

  /**
   * Runs `fn` with every HooksMixin hook disabled except those in `keep`. On exit the flag becomes false
   * (even inside an outer scope: Q24) and `keep` leaves the global keep-set.
   */
  static disableHooks<T>(keep: Iterable<HookHandle> | null | undefined, fn: () => T): T;
  static disableHooks<T>(fn: () => T): T;
  static disableHooks<T>(a: Iterable<HookHandle> | null | undefined | (() => T), b?: () => T): T {
    const fn = typeof a === 'function' ? a : b;
    if (typeof fn !== 'function') throw new ValueError('HooksMixin.disableHooks needs a function to run');
    const keep = typeof a === 'function' || a == null ? [] : [...a];
    disabled = true;
    for (const h of keep) keepSet.add(h);
    try {
      return fn();
    } finally {
      disabled = false;
      for (const h of keep) keepSet.delete(h);
    }
  }

  /**
   * Registers `hook` on `target` (`'forward_pre'`/`'forward'` on a Linear, `'query'`/`'key'`/`'value'` on a
   * LlamaAttention). The wrapper skips the hook while hooks are disabled, unless its handle is kept.
   */
  registerHook(target: Module, hook: HookFn, hookType: HookType, options: RegisterHookOptions = {}): HookHandle {
    // eslint-disable-next-line prefer-const
    let handle: HookHandle;
    const wrapped: HookFn = (value, module) => {
      if (disabled && !keepSet.has(handle)) return undefined;
      return hook(value, module);
    };
    const inner = addModuleHook(target, wrapped, hookType, options);
    handle = {
      hookType,
      moduleName: target.name,
      remove: () => inner.remove(),
    };
    this.#handles.push(handle);
    return handle;
  }

  /** Removes the given handles (default: every hook this owner registered) and forgets them. */
  removeHooks(handles?: Iterable<HookHandle>): void {
    const which = handles ? new Set(handles) : new Set(this.#handles);
    for (const h of which) h.remove();
    for (let i = this.#handles.length - 1; i >= 0; i--) if (which.has(this.#handles[i])) this.#handles.splice(i, 1);
  }

  /** The handles this owner holds, in registration order. */
  get hookHandles(): readonly HookHandle[] {
    return this.#handles;
  }
}
