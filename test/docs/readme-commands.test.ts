/**
 * The commands in the README and docs/ stay true: every concrete `llmc-sim …` invocation parses with today's CLI (options,
 * choices, numeric limits; the command's work is not run), every `npm run X` names a script, every
 * `npx tsx FILE` and every `examples/` recipe a command names exists, and every `--only` bench name is one bench/run.ts has.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
/** The README and docs/ (not the generated reference). */
const pages = ['README.md', ...readdirSync(join(root, 'docs'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.md') && !f.startsWith('reference')).map((f) => join('docs', f))];
const readme = pages.map((p) => readFileSync(join(root, p), 'utf8')).join('\n');
const scripts = Object.keys(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts as Record<string, string>);

/** Inline code spans and the lines of shell blocks, without a trailing `# comment`. */
function commandsIn(text: string): string[] {
  const shell = [...text.matchAll(/```(?:sh|bash|console)\n([\s\S]*?)```/g)].flatMap((m) => m[1].split('\n'));
  const inline = [...text.replace(/```[\s\S]*?```/g, '').matchAll(/`([^`\n]+)`/g)].map((m) => m[1]);
  return [...shell, ...inline].map((c) => c.replace(/\s+#.*$/, '').replace(/\\\|/g, '|').trim()).filter(Boolean);
}

/** Words as a POSIX shell splits them (single and double quotes; no expansions needed here). */
function shellWords(line: string): string[] {
  const words: string[] = [];
  for (const m of line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) words.push(m[1] ?? m[2] ?? m[3]);
  return words;
}

/** A synopsis (`llmc-sim replay LOG`, `[recipe]`, `a|b`, `…`) documents a form; only concrete invocations parse. */
const isSynopsis = (words: string[]) => words.some((w) => /[[\]|…<>]/.test(w) || /^[A-Z][A-Z.]*$/.test(w));

const commands = commandsIn(readme);
const cli = commands.map(shellWords).filter((w) => (w[0] === 'llmc-sim' || (w[0] === 'npx' && w[1] === 'llmc-sim')) && !isSynopsis(w));

/**
 * Prose names a command or an option without its argument (`llmc-sim oneshot --output`): those words must still
 * exist; a missing argument is the only error a mention may cause. `--help` is an invocation that exits early.
 */
const MENTION_ONLY = new Set(['commander.missingArgument', 'commander.optionMissingArgument', 'commander.helpDisplayed']);

/** The program with every action replaced by a no-op: parsing checks the words, nothing runs. */
function parseOnly(argv: string[]): void {
  const program = buildProgram();
  const quiet = (c: Command) => {
    c.exitOverride().configureOutput({ writeOut: () => {}, writeErr: () => {} });
    if (c.commands.length === 0) c.action(() => {});
    c.commands.forEach(quiet);
  };
  quiet(program);
  try {
    program.parse(argv, { from: 'user' });
  } catch (e) {
    if (!MENTION_ONLY.has((e as { code?: string }).code ?? '')) throw e;
  }
}

describe('README and docs commands', () => {
  it('finds the commands the README shows', () => {
    expect(cli.length).toBeGreaterThanOrEqual(10);
  });

  it.each(cli.map((w) => [w.join(' '), w]))('%s parses', (_line, words) => {
    const argv = words[0] === 'npx' ? words.slice(2) : words.slice(1);
    expect(() => parseOnly(argv)).not.toThrow();
    for (const w of argv) if (/^examples\/.*\.ya?ml$/.test(w)) expect(existsSync(join(root, w)), w).toBe(true);
  });

  it('every npm run script exists, with its --only benches', () => {
    const runs = commands.map(shellWords).filter((w) => w[0] === 'npm' && w[1] === 'run');
    expect(runs.length).toBeGreaterThan(0);
    const benchSource = readFileSync(join(root, 'bench/run.ts'), 'utf8');
    for (const w of runs) {
      expect(scripts, w.join(' ')).toContain(w[2]);
      const only = w.indexOf('--only');
      if (only > 0) for (const name of w[only + 1].split(',')) expect(benchSource, `bench '${name}'`).toContain(`'${name}'`);
    }
  });

  it('every npx tsx file exists', () => {
    const files = commands.map(shellWords).filter((w) => w[0] === 'npx' && w[1] === 'tsx').map((w) => w[2]);
    for (const f of files) expect(existsSync(join(root, f)), f).toBe(true);
  });
});
