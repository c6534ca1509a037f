/** Which modules a SEQUENTIAL_EPOCH_END's `modules` kwarg covers (names, modules or [name, module] pairs). */
import type { Module } from '../../model/modules.ts';

/** Names of the given modules (the root module's name is ''). */
export function moduleNames(modules: unknown): string[] {
  if (modules === null || modules === undefined) return [];
  const list = Array.isArray(modules) ? modules : modules instanceof Set || modules instanceof Map ? [...(modules as Iterable<unknown>)] : [modules];
  const out: string[] = [];
  for (const m of list) {
    if (typeof m === 'string') out.push(m);
    else if (Array.isArray(m) && typeof m[0] === 'string') out.push(m[0]);
    else if (m && typeof (m as Module).name === 'string') out.push((m as Module).name);
  }
  return out;
}

/** A predicate: is `name` one of `modules` or below one of them? */
export function coveredBy(modules: unknown): (name: string) => boolean {
  const prefixes = moduleNames(modules);
  return (name) => prefixes.some((p) => p === '' || name === p || name.startsWith(`${p}.`));
}
