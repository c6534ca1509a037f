/**
 * Upstream `_parse_recipe_from_md`: the YAML front matter of a recipe card. The pattern is
 * upstream's (`^\s*(?:---|\+\+\+)(.*?)(?:---|\+\+\+)` with DOTALL and MULTILINE): the first block
 * between `---` or `+++` delimiters, leading whitespace allowed, `^` at any line start.
 */
import { RecipeFrontMatterError } from './errors.ts';

const FRONT_MATTER = /^\s*(?:---|\+\+\+)([\s\S]*?)(?:---|\+\+\+)/m;

/** The front matter text and its offset in `content`; E50 when there is none. */
export function extractFrontMatter(file: string, content: string): { text: string; offset: number } {
  const m = FRONT_MATTER.exec(content);
  if (!m) throw new RecipeFrontMatterError(file);
  const offset = m.index + m[0].length - 3 - m[1].length; // both delimiters are 3 characters
  return { text: m[1], offset };
}
