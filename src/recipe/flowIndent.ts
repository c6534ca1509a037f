/**
 * PyYAML accepts a flow collection (`[…]`, `{…}`) whose continuation lines sit at or left of its key's
 * indentation; the YAML 1.2 reader we use (and the spec) rejects them. This re-indents such continuation
 * lines just past the opening line's indentation, changing no line count, so the result reads as PyYAML
 * reads the original and line numbers in later errors stay true.
 */

/** The text with under-indented flow continuation lines shifted right, or null if there were none. */
export function reindentFlowContinuations(text: string): string | null {
  const lines = text.split('\n');
  let depth = 0;
  let openerIndent = 0;
  let quote: '"' | "'" | null = null;
  let changed = false;
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i];
    const indent = line.length - line.trimStart().length;
    if (depth > 0 && quote === null && line.trim() !== '' && indent <= openerIndent) {
      line = ' '.repeat(openerIndent + 1) + line.trimStart();
      lines[i] = line;
      changed = true;
    }
    for (let j = 0; j < line.length; j++) {
      const c = line[j];
      if (quote === "'") {
        if (c === "'") {
          if (line[j + 1] === "'") j++;
          else quote = null;
        }
        continue;
      }
      if (quote === '"') {
        if (c === '\\') j++;
        else if (c === '"') quote = null;
        continue;
      }
      if (c === '#' && (j === 0 || /\s/.test(line[j - 1]))) break;
      if ((c === '"' || c === "'") && (j === 0 || /[\s[{,:]/.test(line[j - 1]))) quote = c;
      else if (c === '[' || c === '{') {
        if (depth === 0) openerIndent = line.length - line.trimStart().length;
        depth++;
      } else if ((c === ']' || c === '}') && depth > 0) depth--;
    }
  }
  return changed ? lines.join('\n') : null;
}
