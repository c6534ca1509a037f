/**
 * From a string input to a recipe mapping (lifecycle.md §8.3): an existing file is read (trimmed)
 * and parsed by extension (`.md` front matter, `.json`, `.yaml`/`.yml`, anything else as text with
 * failures becoming E51); any other string is JSON or YAML text (E52, E53). The result carries
 * a {@link Locator} and the name to cite in errors (the path, or `<string>`).
 */
import { readFileSync, statSync } from 'node:fs';
import { extractFrontMatter } from './frontMatter.ts';
import { RecipeNotMappingError, RecipePathParseError, RecipeStringParseError, kindOf } from './errors.ts';
import { isMapping, loadJsonOrYamlString, parseJson, parseYaml, type Locator, type Parsed } from './parseYaml.ts';

export interface RecipeSource {
  readonly mapping: Record<string, unknown>;
  readonly locate: Locator;
  /** The path as given, or `<string>`. */
  readonly file: string;
}

/** Python's `os.path.isfile`: false (not an error) for names the OS rejects. */
export function isFile(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
  } catch {
    return false;
  }
}

const countLines = (s: string): number => s.split('\n').length - 1;

function fromParsed(file: string, parsed: Parsed): { mapping: Record<string, unknown>; locate: Locator } {
  if (!parsed.ok) throw new RecipePathParseError(file, parsed.detail);
  if (!isMapping(parsed.value)) throw new RecipePathParseError(file, `the recipe must be a mapping (got ${kindOf(parsed.value)})`);
  return { mapping: parsed.value, locate: parsed.locate };
}

/** Reads a recipe file as upstream's `create_instance` does. */
export function readRecipeFile(file: string): RecipeSource {
  const raw = readFileSync(file, 'utf8');
  let content = raw.trim();
  let lineOffset = countLines(raw.slice(0, raw.length - raw.trimStart().length));
  const lower = file.toLowerCase();
  if (lower.endsWith('.md')) {
    const fm = extractFrontMatter(file, content);
    lineOffset += countLines(content.slice(0, fm.offset));
    content = fm.text;
  }
  if (lower.endsWith('.json')) return { file, ...fromParsed(file, parseJson(content, lineOffset)) };
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return { file, ...fromParsed(file, parseYaml(content, lineOffset)) };
  try {
    return { file, ...loadJsonOrYamlString(content, lineOffset) };
  } catch (e) {
    // Upstream replaces the message (E51); we keep the reason on the next line.
    if (e instanceof RecipeStringParseError) throw new RecipePathParseError(file, e.detail);
    if (e instanceof RecipeNotMappingError) throw new RecipePathParseError(file, `the recipe must be a mapping (got ${e.got})`);
    throw e;
  }
}

/** A string input: a file if one exists at that path, else recipe text. */
export function readRecipeSource(input: string): RecipeSource {
  if (isFile(input)) return readRecipeFile(input);
  return { file: '<string>', ...loadJsonOrYamlString(input) };
}
