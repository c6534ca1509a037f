/** Plain-text tables for people (NDJSON for machines lives elsewhere). */

type Align = 'l' | 'r';
/** Styles a padded cell (e.g. colour): gets the padded text, the raw text and the column. */
export type CellStyle = (padded: string, raw: string, column: number) => string;

function liner(widths: readonly number[], align: readonly Align[]) {
  const cell = (s: string, i: number) => ((align[i] ?? 'l') === 'r' ? s.padStart(widths[i]) : s.padEnd(widths[i]));
  return (r: readonly string[], style?: CellStyle) => {
    const plain = r.map(cell).join('  ').trimEnd();
    if (!style) return plain;
    // Pad first, then style, so escape codes never count towards a width.
    return r.map((s, i) => style(i === r.length - 1 ? cell(s, i).trimEnd() : cell(s, i), s, i)).join('  ');
  };
}

const rule = (widths: readonly number[]) => widths.map((w) => '─'.repeat(w)).join('  ');

export function formatTable(header: readonly string[], rows: readonly (readonly string[])[], align: readonly Align[] = []): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = liner(widths, align);
  return [line(header), rule(widths), ...rows.map((r) => line(r))].join('\n');
}

/**
 * A table printed row by row as rows arrive: the column widths are fixed up front (at least the
 * header's), so nothing waits for the last row.
 */
export function streamingTable(header: readonly string[], minWidths: readonly number[], align: readonly Align[] = []) {
  const widths = header.map((h, i) => Math.max(h.length, minWidths[i] ?? 0));
  const line = liner(widths, align);
  return { header: [line(header), rule(widths)] as const, row: line };
}
