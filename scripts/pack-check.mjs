#!/usr/bin/env node
// The package as users get it: `npm pack`, install the tarball into a scratch ESM project, then run every
// TypeScript snippet of the README there verbatim — with plain `node` (so the snippets must be plain JavaScript
// too: no type annotations or `!`) and type-checked by `tsc` against the shipped .d.ts — and run the `llmc-sim`
// bin. Part of .ci/run.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 1 << 26 });
const step = (what) => process.stdout.write(`pack-check: ${what}\n`);

const scratch = mkdtempSync(join(tmpdir(), 'llmc-pack-'));
try {
  step('npm pack');
  run('npm', ['pack', '--silent', '--pack-destination', scratch], root);
  const tarball = readdirSync(scratch).find((f) => f.endsWith('.tgz'));
  const listing = run('tar', ['-tzf', join(scratch, tarball)], root).split('\n').filter(Boolean);
  const stray = listing.filter((f) => /^package\/(src|test|property-tests|bench)\//.test(f));
  if (stray.length) throw new Error(`the tarball ships sources or tests: ${stray.slice(0, 5).join(', ')}`);
  step(`${tarball}: ${listing.length} files`);

  const app = join(scratch, 'app');
  run('mkdir', ['-p', app]);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'scratch', private: true, type: 'module' }));
  const typescript = JSON.parse(readFileSync(join(root, 'node_modules/typescript/package.json'), 'utf8')).version;
  const nodeTypes = JSON.parse(readFileSync(join(root, 'node_modules/@types/node/package.json'), 'utf8')).version;
  step('npm install the tarball into a scratch ESM project');
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--silent', join(scratch, tarball),
    `typescript@${typescript}`, `@types/node@${nodeTypes}`], app);

  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const snippets = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
  if (snippets.length === 0) throw new Error('README has no ```ts snippets');
  snippets.forEach((code, i) => {
    writeFileSync(join(app, `snippet${i + 1}.mjs`), code);
    writeFileSync(join(app, `snippet${i + 1}.ts`), `${code}\nexport {};\n`);
  });
  writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, types: ['node'], skipLibCheck: false },
    include: ['*.ts'],
  }));
  step(`tsc over ${snippets.length} README snippets`);
  run(join(app, 'node_modules/.bin/tsc'), ['-p', '.'], app);
  snippets.forEach((_, i) => {
    step(`node snippet${i + 1}.mjs`);
    run(process.execPath, [`snippet${i + 1}.mjs`], app);
  });
  step('llmc-sim --help and run through the installed bin');
  run(join(app, 'node_modules/.bin/llmc-sim'), ['--help'], app);
  const out = run(join(app, 'node_modules/.bin/llmc-sim'), ['run', '--epochs', '1'], app);
  if (!out.includes('model sparsity')) throw new Error(`llmc-sim run printed no summary:\n${out}`);
  step('ok');
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
