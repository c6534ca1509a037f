#!/usr/bin/env node
// The `llmc-sim` command. An installed package runs its built JavaScript (dist/) with plain node; a source
// checkout (src/ present) runs the TypeScript through tsx, so edits take effect without a build.
import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'src/cli/main.ts');
const argv = process.argv.slice(2);

if (!existsSync(source)) {
  const { main } = await import(pathToFileURL(join(root, 'dist/src/cli/main.js')).href);
  process.exitCode = await main(argv);
} else {
  const tsx = createRequire(import.meta.url).resolve('tsx/cli');
  const child = spawn(process.execPath, [tsx, source, ...argv], { stdio: 'inherit' });
  // Signals reach the real process, and we leave with its status (128 + signal number when it was killed).
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => {
    if (signal) process.kill(process.pid, signal);
    else process.exit(code ?? 1);
  });
}
