#!/usr/bin/env node
// The `llmc-sim` command. An installed package runs its built JavaScript (dist/) with plain node; a source
// checkout (src/ present) runs the TypeScript in one child node process with tsx's loader, so edits take
// effect without a build. Signals sent to this process (SIGTERM from a supervisor, SIGINT, SIGHUP) are passed
// on to the child, which stops cleanly; this process then exits with the child's status (128 + n when a
// signal ended it). A child busy in a long synchronous stretch acts on a signal only when it ends: a second
// signal kills it at once (its targets stay untouched; a hidden .llmc-*.tmp beside one may remain until the
// next write into that directory sweeps it).
import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { constants } from 'node:os';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'src/cli/main.ts');
const argv = process.argv.slice(2);

if (!existsSync(source)) {
  const { main, installProcessHandlers } = await import(pathToFileURL(join(root, 'dist/src/cli/main.js')).href);
  installProcessHandlers?.();
  process.exitCode = await main(argv);
} else {
  const loader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const child = spawn(process.execPath, ['--import', loader, source, ...argv], { stdio: 'inherit' });
  let received = 0;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      received += 1;
      child.kill(received === 1 ? signal : 'SIGKILL');
    });
  }
  child.on('error', (e) => {
    process.stderr.write(`llmc-sim: cannot start node: ${e.message}\n`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 0)));
}
