/**
 * Where a write goes, decided before a byte is written: stdout (`-`), a file written in place (a pipe,
 * a device, anything under /dev or /proc — never renamed over), or a regular file (or a new name)
 * replaced through a temporary file and a rename. Symbolic links are followed to a regular file, whose
 * real path is replaced; a dangling link or a directory is refused. A target that is the same file
 * (device + inode) as one of the run's inputs is refused.
 * @internal
 */
import path from 'node:path';
import type { Stats } from 'node:fs';
import { OutputError, OutputIsInputError, OutputTargetError } from './errors.ts';
import { sys } from './sys.ts';

export type Target =
  | { readonly kind: 'stdout' }
  | { readonly kind: 'direct'; readonly path: string; readonly fifo: boolean }
  | { readonly kind: 'replace'; readonly path: string; readonly exists: boolean };

const statOrNull = (p: string, follow: boolean): Stats | null => {
  try {
    return follow ? sys.statSync(p) : sys.lstatSync(p);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    if (code === 'ENOTDIR') throw OutputError.from(p, e);
    throw OutputError.from(p, e);
  }
};

/** Paths the kernel makes up (/dev/stdout, /dev/fd/3, /proc/self/fd/1): always written in place. */
const isKernelPath = (p: string) => /^\/(dev|proc)\//.test(path.resolve(p));

function checkNotInput(file: string, st: Stats, inputs: readonly string[]): void {
  for (const input of inputs) {
    const s = statOrNull(input, true);
    if (s && s.dev === st.dev && s.ino === st.ino) throw new OutputIsInputError(file, input);
  }
}

/** Refuses `file` when it is one of the run's inputs (same device and inode); a missing `file` is no input. */
export function refuseInput(file: string, inputs: readonly string[]): void {
  const st = statOrNull(file, true);
  if (st) checkNotInput(file, st, inputs);
}

function checkDirectory(file: string): void {
  const dir = path.dirname(path.resolve(file));
  const st = statOrNull(dir, true);
  if (!st) throw new OutputError(file, `the directory ${dir} does not exist`, 'ENOENT');
  if (!st.isDirectory()) throw new OutputError(file, `${dir} is not a directory`, 'ENOTDIR');
}

/** Decides how `file` is written; `inputs` are the files this run reads. */
export function resolveTarget(file: string, inputs: readonly string[] = []): Target {
  if (file === '-') return { kind: 'stdout' };
  if (typeof file !== 'string' || file === '') throw new OutputTargetError(JSON.stringify(file) ?? String(file), 'expected a file name (or - for stdout)');
  if (file.includes('\0')) throw new OutputTargetError(JSON.stringify(file), 'a file name cannot contain a NUL byte');
  const link = statOrNull(file, false);
  if (!link) {
    checkDirectory(file);
    return { kind: 'replace', path: file, exists: false };
  }
  const st = link.isSymbolicLink() ? statOrNull(file, true) : link;
  if (!st) throw new OutputTargetError(file, 'it is a symbolic link to a missing file (refused: say which file you mean)');
  if (st.isDirectory()) throw new OutputTargetError(file, 'it is a directory');
  checkNotInput(file, st, inputs);
  if (!st.isFile() || isKernelPath(file)) return { kind: 'direct', path: file, fifo: st.isFIFO() };
  if (!link.isSymbolicLink()) return { kind: 'replace', path: file, exists: true };
  try {
    return { kind: 'replace', path: sys.realpathSync(file), exists: true };
  } catch {
    return { kind: 'direct', path: file, fifo: false };
  }
}
