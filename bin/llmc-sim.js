#!/usr/bin/env node
// Runs the TypeScript CLI in one child node process with tsx's loader, so `npm ci` is the whole install.
// Signals sent to this process (SIGTERM from a supervisor, SIGINT, SIGHUP) are passed on to the child,
// which stops cleanly; this process then exits with the child's code (128 + n when a signal ended it).
// A child busy in a long synchronous stretch acts on a signal only when it ends: a second signal kills
// it at once (its target files stay untouched; a hidden .llmc-*.tmp beside one may remain).
import { spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { constants } from 'node:os';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const loader = pathToFileURL(require.resolve('tsx')).href;
const child = spawn(process.execPath, ['--import', loader, join(root, 'src/cli/main.ts'), ...process.argv.slice(2)], { stdio: 'inherit' });

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
child.on('exit', (code, signal) => {
  process.exit(code ?? 128 + (constants.signals[signal] ?? 0));
});
