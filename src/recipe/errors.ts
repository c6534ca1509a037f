/**
 * Recipe errors (lifecycle.md §10, E50–E56). Each class builds the spec's text from data; the
 * spec's message is always the first line, so `grep` for it keeps working. Errors about one place
 * in a recipe are wrapped in {@link RecipeError}, which adds where it happened on the lines after.
 */
import { RuntimeError, ValueError, specError } from '../core/errors.ts';

/** Where in a recipe something happened: the file (or `<string>`), the line and the key path. */
export interface RecipeLocation {
  readonly file: string;
  readonly line: number | null;
  readonly path: readonly string[];
}

/** `  in <file> line <n>, <a.b.c>` (the line is left out when unknown). */
export function formatLocation(loc: RecipeLocation): string {
  const where = loc.line === null ? loc.file : `${loc.file} line ${loc.line}`;
  return loc.path.length ? `${where}, ${loc.path.join('.')}` : where;
}

/**
 * An error about one place in a recipe. The message is the cause's message (the spec's text,
 * unchanged) followed by `\n  in <file> line <n>, <stage>.<group>.<Modifier>[.<field>]` and any
 * hint. `code` is the cause's (e.g. `E20`).
 */
export class RecipeError extends ValueError {
  readonly file: string;
  readonly line: number | null;
  readonly path: readonly string[];
  readonly code: string | undefined;

  constructor(cause: Error, location: RecipeLocation, hint?: string) {
    super(`${cause.message}\n  in ${formatLocation(location)}${hint ? `; ${hint}` : ''}`);
    this.cause = cause;
    this.file = location.file;
    this.line = location.line;
    this.path = location.path;
    this.code = (cause as { code?: unknown }).code as string | undefined;
  }
}

/** E50 (RuntimeError, as upstream). */
export class RecipeFrontMatterError extends specError(
  RuntimeError,
  'E50',
  (file: string) => `Could not extract YAML front matter from recipe card: ${file}`,
  'file',
) {}

/** E51. `detail` (e.g. the parser's line and column) goes on the following line. */
export class RecipePathParseError extends specError(
  ValueError,
  'E51',
  (file: string, detail?: string) => `Could not parse recipe from path ${file}${detail ? `\n  ${detail}` : ''}`,
  'file',
  'detail',
) {}

/** E52. `detail` (the YAML parser's message with line and column) goes on the following line. */
export class RecipeStringParseError extends specError(
  ValueError,
  'E52',
  (content: string, detail?: string) => `Could not parse recipe from string ${content}${detail ? `\n  ${detail}` : ''}`,
  'content',
  'detail',
) {}

/** E53: the text parsed, but not to a mapping. */
export class RecipeNotMappingError extends ValueError {
  readonly code = 'E53';
  /** What it parsed to (`list`, `str`, `null`, …). */
  constructor(readonly content: string, readonly got: string = 'not a mapping') {
    super(
      `Could not parse recipe from string ${content}. If you meant load from a file, please make sure that the specified file path exists`,
    );
  }
}

/** E54 */
export class RecipeModifiersTypeError extends specError(ValueError, 'E54', () => 'modifiers must be a list of Modifier instances') {}

/** E55 (ours; Python's `TypeError: got multiple values for keyword argument 'group'`), `'reference'` only (Q17). */
export class ModifierGroupArgumentError extends specError(
  ValueError,
  'E55',
  (modifierType: string) => `Modifier arguments for '${modifierType}' must not contain 'group' (got multiple values for keyword argument 'group')`,
  'modifierType',
) {}

/** E56 (ours; Python's `AttributeError` on `None.get`), `'reference'` only (Q18). */
export class ModifierEmptyBodyError extends specError(
  ValueError,
  'E56',
  (modifierType: string, group: string) => `Modifier '${modifierType}' in group '${group}' has no arguments (null); use {} for none`,
  'modifierType',
  'group',
) {}

/** Ours (Python: `AttributeError`/`TypeError`): a modifier body that is neither a mapping nor null. */
export class ModifierArgumentsTypeError extends specError(
  ValueError,
  null,
  (modifierType: string, got: string) => `Modifier arguments for '${modifierType}' must be a mapping of field names to values (got ${got})`,
  'modifierType',
  'got',
) {}

/** Ours: a recipe input that is none of path, text, Modifier, list of Modifiers or Recipe. */
export class RecipeInputTypeError extends specError(
  ValueError,
  null,
  (got: string) => `Recipe input must be a file path, YAML/JSON text, a Modifier, a list of Modifiers or a Recipe (got ${got})`,
  'got',
) {}

/** `describe` for messages: Python-ish type names of parsed YAML/JSON values. */
export function kindOf(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'list';
  if (v instanceof Date) return 'date';
  if (typeof v === 'object') return 'mapping';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'boolean') return 'bool';
  return typeof v === 'string' ? 'str' : typeof v;
}
