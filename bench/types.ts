/** One line of a benchmark report. */
export type BenchRow = { name: string; seconds: number; ratio?: string; note?: string };
