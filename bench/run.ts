/**
 * `npm run bench`: runs every bench module that exists and prints one table (name, seconds,
 * ratio, note) and the machine it ran on. Missing modules are skipped with a note.
 *
 *   npm run bench
 *   npm run bench -- --only lifecycle,tensor
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import type { BenchRow } from './types.ts';

/** Bench modules, in report order; each exports `bench<Name>(): Promise<BenchRow[]>`. */
const MODULES = ['lifecycle', 'tensor', 'model', 'oneshot', 'viz', 'gptq', 'fp4', 'journal', 'training', 'verify', 'timetravel'] as const;

function parseOnly(argv: readonly string[]): Set<string> | null {
  const i = argv.findIndex((a) => a === '--only' || a.startsWith('--only='));
  if (i < 0) return null;
  const value = argv[i].includes('=') ? argv[i].slice('--only='.length) : argv[i + 1];
  if (!value) throw new Error(`--only needs a comma-separated list of: ${MODULES.join(', ')}`);
  const names = value.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !(MODULES as readonly string[]).includes(n));
  if (unknown.length) throw new Error(`--only: unknown bench ${unknown.join(', ')}; expected some of: ${MODULES.join(', ')}`);
  return new Set(names);
}

function format(rows: BenchRow[]): string {
  const cells = rows.map((r) => [r.name, r.seconds ? r.seconds.toFixed(3) : '-', r.ratio ?? '', r.note ?? '']);
  const head = ['name', 'seconds', 'ratio', 'note'];
  const width = head.map((h, c) => Math.max(h.length, ...cells.map((row) => row[c].length)));
  const line = (row: string[]) => row.map((v, c) => (c === 1 ? v.padStart(width[c]) : v.padEnd(width[c]))).join(' | ').trimEnd();
  return [line(head), width.map((w) => '-'.repeat(w)).join('-|-'), ...cells.map(line)].join('\n');
}

async function main(): Promise<void> {
  const only = parseOnly(process.argv.slice(2));
  const rows: BenchRow[] = [];
  for (const name of MODULES) {
    if (only && !only.has(name)) continue;
    const url = new URL(`./${name}.ts`, import.meta.url);
    if (!existsSync(fileURLToPath(url))) {
      rows.push({ name, seconds: 0, note: `skipped: bench/${name}.ts does not exist` });
      continue;
    }
    const fn = `bench${name[0].toUpperCase()}${name.slice(1)}`;
    try {
      const mod = (await import(url.href)) as Record<string, unknown>;
      const run = mod[fn];
      if (typeof run !== 'function') {
        rows.push({ name, seconds: 0, note: `skipped: bench/${name}.ts exports no ${fn}()` });
        continue;
      }
      process.stderr.write(`bench: ${name}…\n`);
      rows.push(...(await (run as () => Promise<BenchRow[]>)()));
    } catch (e) {
      rows.push({ name, seconds: 0, note: `failed: ${e instanceof Error ? e.message : String(e)}` });
    }
  }
  console.log(format(rows));
  const cpus = os.cpus();
  console.log(`\nmachine: node ${process.version}, ${cpus.length} cpus (${cpus[0]?.model ?? 'unknown'}), ${os.platform()} ${os.arch()}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`);
}

await main();
