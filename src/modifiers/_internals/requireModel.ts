/** The model a modifier acts on, checked once for every modifier that needs one. */
import { ValueError } from '../../core/errors.ts';
import type { Model } from '../../model/model.ts';

/**
 * `model` as a Model: it must have modules to match (and, with `forward: true`, run a forward pass).
 * @internal
 * @throws {ValueError} naming `modifier` and how to pass a model, otherwise.
 */
export function requireModel(modifier: string, model: unknown, options: { forward?: boolean } = {}): Model {
  const m = model as Model | null | undefined;
  if (!m || typeof m.namedModules !== 'function' || (options.forward && typeof m.forward !== 'function')) {
    throw new ValueError(`${modifier} needs a model: pass one to initialize({ model })`);
  }
  return m;
}
