/** Plain-text tables for people (NDJSON for machines lives elsewhere). */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[], align: readonly ('l' | 'r')[] = []): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const cell = (s: string, i: number) => ((align[i] ?? 'l') === 'r' ? s.padStart(widths[i]) : s.padEnd(widths[i]));
  const line = (r: readonly string[]) => r.map(cell).join('  ').trimEnd();
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
