/**
 * Models shipped inside the package (`models/` at its root), found relative to this file so the same
 * name works from the source checkout (src/model/) and from the built package (dist/src/model/).
 */
import { existsSync } from 'node:fs';
import { ValueError } from '../core/errors.ts';
import { packageFile } from '../io/packageFile.ts';

const FILES = { stories260K: 'stories260K.bin' } as const;

export type BuiltinModelName = keyof typeof FILES;

/** Names `builtinModelPath` accepts. */
export const BUILTIN_MODELS = Object.keys(FILES) as readonly BuiltinModelName[];

export function isBuiltinModelName(name: string): name is BuiltinModelName {
  return Object.hasOwn(FILES, name);
}

/**
 * The absolute path of a shipped model, e.g. `loadModel(builtinModelPath('stories260K'))`.
 * @throws {ValueError} for a name that is not shipped, or a package whose models/ folder is missing.
 */
export function builtinModelPath(name: BuiltinModelName): string {
  if (!isBuiltinModelName(name)) {
    throw new ValueError(`builtinModelPath: unknown model ${JSON.stringify(name)}; shipped: ${BUILTIN_MODELS.join(', ')}`);
  }
  const path = packageFile(`models/${FILES[name]}`);
  if (existsSync(path)) return path;
  throw new ValueError(`builtinModelPath: models/${FILES[name]} is missing from this llmc-sim installation`);
}
