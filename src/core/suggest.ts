/**
 * "Did you mean …?": the closest known name to a mistyped one, for error messages (recipe fields,
 * CLI subcommands). Optimal string alignment distance, so a swap of two neighbours (`strat` → `start`)
 * costs one edit like a single typo.
 */

/** Edits (insert, delete, substitute, swap neighbours) between `a` and `b`, case-insensitive. */
export function editDistance(a: string, b: string): number {
  a = a.toLowerCase();
  b = b.toLowerCase();
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * The known name closest to `given`, or null when none is close: at most a third of the longer name's
 * letters may differ (at least one), so `strat` finds `start` but `xyz` finds nothing. Ties go to the
 * earlier name in `known`.
 */
export function closestName(given: string, known: Iterable<string>): string | null {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const name of known) {
    if (name === given) continue;
    const distance = editDistance(given, name);
    const limit = Math.max(1, Math.floor(Math.max(given.length, name.length) / 3));
    if (distance <= limit && distance < bestDistance) {
      best = name;
      bestDistance = distance;
    }
  }
  return best;
}

/** ` Did you mean 'x'?` (with the leading space), or '' when nothing is close. */
export function didYouMean(given: string, known: Iterable<string>): string {
  const name = closestName(given, known);
  return name === null ? '' : ` Did you mean '${name}'?`;
}
