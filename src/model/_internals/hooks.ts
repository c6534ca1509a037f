/**
 * An ordered list of hook functions whose registrations can each be removed.
 * @internal
 */
export interface RemovableHandle {
  /** Unregister this hook. Idempotent; other registrations (even of the same function) stay. */
  remove(): void;
}

/** Options of `HookList.add` (torch's `register_forward_pre_hook(…, prepend=…)`). */
export interface HookAddOptions {
  /** Run before the hooks registered earlier (default false: after them). */
  prepend?: boolean;
}

export class HookList<F> {
  private entries: Array<{ fn: F }> = [];

  /** Registers `fn` at the end of the list, or at its front with `prepend`. */
  add(fn: F, options: HookAddOptions = {}): RemovableHandle {
    const entry = { fn };
    if (options.prepend) this.entries.unshift(entry);
    else this.entries.push(entry);
    return {
      remove: () => {
        const i = this.entries.indexOf(entry);
        if (i >= 0) this.entries.splice(i, 1);
      },
    };
  }

  get size(): number {
    return this.entries.length;
  }

  /** The functions in registration order (a snapshot: hooks may remove themselves while running). */
  fns(): F[] {
    return this.entries.map((e) => e.fn);
  }

  /** A new list holding the same functions (fresh registrations: handles of this list don't reach it). */
  copy(): HookList<F> {
    const out = new HookList<F>();
    for (const e of this.entries) out.add(e.fn);
    return out;
  }
}
