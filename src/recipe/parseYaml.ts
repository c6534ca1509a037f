/**
 * YAML reading with PyYAML `safe_load` scalar rules ({@link PYYAML_OPTIONS}) that keeps the
 * document, so errors about a key can name its line. Also JSON (Python's `json.loads` first, as
 * upstream), and `_load_json_or_yaml_string` itself.
 */
import { LineCounter, isCollection, isMap, isScalar, parseDocument, visit, type Document } from 'yaml';
import { PYYAML_OPTIONS } from './pyyamlSchema.ts';
import { reindentFlowContinuations } from './flowIndent.ts';
import { RecipeNotMappingError, RecipeStringParseError, kindOf } from './errors.ts';

/** The 1-based line of the key at `path` (the deepest key found on the way), or null. */
export type Locator = (path: readonly string[]) => number | null;

export const noLocator: Locator = () => null;

export type Parsed = { ok: true; value: unknown; locate: Locator } | { ok: false; detail: string };

/** A plain mapping (not a list, date, set or null). */
export function isMapping(v: unknown): v is Record<string, unknown> {
  return Object.prototype.toString.call(v) === '[object Object]';
}

/** Builds a {@link Locator} over a parsed document; `lineOffset` shifts lines (front matter, trimmed text). */
export function documentLocator(doc: Document, lines: LineCounter, lineOffset = 0): Locator {
  return (path) => {
    let node: unknown = doc.contents;
    let line: number | null = null;
    for (const key of path) {
      if (!isMap(node)) break;
      // PyYAML keeps the last of duplicate keys; so does the `yaml` package with uniqueKeys off.
      let pair: (typeof node.items)[number] | undefined;
      for (const p of node.items) if (isScalar(p.key) && String(p.key.value ?? '') === key) pair = p;
      if (!pair) break;
      const range = (pair.key as { range?: [number, number, number] }).range;
      if (range) line = lines.linePos(range[0]).line + lineOffset;
      node = pair.value;
    }
    return line;
  };
}

/** `yaml.safe_load`, keeping positions. Syntax errors come back as `YAML syntax error at line L, column C: …`. */
export function parseYaml(text: string, lineOffset = 0): Parsed {
  const first = parseYamlStrict(text, lineOffset);
  if (first.ok) return first;
  const fixed = reindentFlowContinuations(text); // PyYAML's lenient flow indentation
  const second = fixed === null ? first : parseYamlStrict(fixed, lineOffset);
  return second.ok ? second : first;
}

function parseYamlStrict(text: string, lineOffset: number): Parsed {
  const lines = new LineCounter();
  let doc: Document;
  try {
    doc = parseDocument(text, { ...PYYAML_OPTIONS, lineCounter: lines, prettyErrors: false });
  } catch (e) {
    // The parser recurses per nesting level; PyYAML too has a depth it cannot pass.
    return { ok: false, detail: `YAML error: ${e instanceof RangeError ? 'nested too deeply' : (e as Error).message.split('\n')[0]}` };
  }
  const err = doc.errors[0];
  if (err) {
    const pos = lines.linePos(err.pos[0]);
    return { ok: false, detail: `YAML syntax error at line ${pos.line + lineOffset}, column ${pos.col}: ${err.message.split('\n')[0]}` };
  }
  // PyYAML's safe loader has no constructor for other tags (`!!python/object/apply:…`, `!foo`): an error, not a string.
  const tagged = doc.warnings.find((w) => w.code === 'TAG_RESOLVE_FAILED' || w.code === 'BAD_COLLECTION_TYPE');
  if (tagged) {
    const pos = lines.linePos(tagged.pos[0]);
    const why = tagged.message.split('\n')[0].replace(/^Unresolved tag: (.*)$/, "could not determine a constructor for the tag '$1' (the safe loader takes only YAML's standard tags)");
    return { ok: false, detail: `YAML error at line ${pos.line + lineOffset}, column ${pos.col}: ${why}` };
  }
  // A list or mapping as a key: PyYAML refuses it (unhashable); JavaScript would turn it into a string.
  let collectionKey: number | null = null;
  visit(doc, {
    Pair(_key, pair) {
      if (isCollection(pair.key)) {
        collectionKey = (pair.key.range?.[0] ?? 0);
        return visit.BREAK;
      }
    },
  });
  if (collectionKey !== null) {
    const pos = lines.linePos(collectionKey);
    return { ok: false, detail: `YAML error at line ${pos.line + lineOffset}, column ${pos.col}: found unhashable key (a list or mapping cannot be a key)` };
  }
  try {
    return { ok: true, value: doc.toJS({ maxAliasCount: 100 }), locate: documentLocator(doc, lines, lineOffset) };
  } catch (e) {
    return { ok: false, detail: `YAML error: ${e instanceof RangeError ? 'nested too deeply' : (e as Error).message.split('\n')[0]}` };
  }
}

/** `json.loads`; positions come from reading the same text as YAML (JSON is YAML flow syntax). */
export function parseJson(text: string, lineOffset = 0): Parsed {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, detail: `JSON syntax error: ${(e as Error).message}` };
  }
  let locate = noLocator;
  try {
    const lines = new LineCounter();
    const doc = parseDocument(text, { ...PYYAML_OPTIONS, lineCounter: lines });
    if (!doc.errors.length) locate = documentLocator(doc, lines, lineOffset);
  } catch {
    /* positions are a courtesy */
  }
  return { ok: true, value, locate };
}

/**
 * Upstream `_load_json_or_yaml_string`: JSON, else YAML (failure → E52 with the parser's line and
 * column on the next line); anything but a mapping → E53.
 */
export function loadJsonOrYamlString(content: string, lineOffset = 0): { mapping: Record<string, unknown>; locate: Locator } {
  let parsed = parseJson(content, lineOffset);
  if (!parsed.ok) {
    parsed = parseYaml(content, lineOffset);
    if (!parsed.ok) throw new RecipeStringParseError(content, parsed.detail);
  }
  if (!isMapping(parsed.value)) throw new RecipeNotMappingError(content, kindOf(parsed.value));
  return { mapping: parsed.value, locate: parsed.locate };
}
