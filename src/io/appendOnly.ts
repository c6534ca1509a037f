/**
 * Opening a file for an append-only log. A new regular file is created exclusively (an existing
 * one is refused unless `force`); `-` is standard output; a pipe, a terminal or another device is
 * written in place, never renamed over or replaced. Writes are synchronous and whole, so a process
 * killed between two writes leaves every earlier byte on disk. A reader that went away (`EPIPE`)
 * ends the writing quietly: the rest is dropped and `broken` says so.
 */
import { closeSync, existsSync, openSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { ValueError } from '../core/errors.ts';
import { refuseInput } from './target.ts';

/** The path cannot be written as asked: missing directory, existing file without force, a directory. */
export class AppendPathError extends ValueError {
  constructor(readonly path: string, readonly problem: string) {
    super(`${path}: ${problem}`);
  }
}

export type AppendTarget = 'stdout' | 'file' | 'device';

export interface AppendOnlyFile {
  readonly path: string;
  readonly target: AppendTarget;
  /** True once the reader went away (EPIPE); later writes are dropped. */
  readonly broken: boolean;
  write(bytes: Uint8Array): void;
  close(): void;
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

class Appender implements AppendOnlyFile {
  broken = false;
  #fd: number | null;
  constructor(readonly path: string, readonly target: AppendTarget, fd: number) {
    this.#fd = fd;
  }
  write(bytes: Uint8Array): void {
    if (this.broken || this.#fd === null) return;
    let off = 0;
    while (off < bytes.length) {
      try {
        off += writeSync(this.#fd, bytes, off, bytes.length - off);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') {
          sleep(1); // a non-blocking pipe is full: wait for the reader
          continue;
        }
        if (code === 'EPIPE') {
          this.broken = true;
          return;
        }
        throw e;
      }
    }
  }
  close(): void {
    if (this.#fd === null) return;
    if (this.target !== 'stdout') closeSync(this.#fd);
    this.#fd = null;
  }
}

function openDevice(file: string): number {
  try {
    return openSync(file, 'a');
  } catch (e) {
    throw new AppendPathError(file, `cannot be opened for writing (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/** Opens `file` for appending a new log (see the file comment). */
/** `inputs`: the files this run reads; none of them is ever opened for writing, `force` or not. */
export function openAppendOnly(file: string, options: { force?: boolean; inputs?: readonly string[] } = {}): AppendOnlyFile {
  if (file === '-') return new Appender('-', 'stdout', 1);
  // /dev/stdout, /dev/fd/N, /proc/self/fd/N: whatever they lead to (a terminal, a pipe, the file a shell
  // redirected to) is the caller's stream, written in place as it is.
  if (/^\/(dev|proc)\//.test(file) && existsSync(file)) return new Appender(file, 'device', openDevice(file));
  let existing: ReturnType<typeof statSync> | null = null;
  try {
    existing = statSync(file);
  } catch {
    existing = null;
  }
  if (existing?.isDirectory()) throw new AppendPathError(file, 'is a directory');
  if (existing) refuseInput(file, options.inputs ?? []);
  if (existing && !existing.isFile()) return new Appender(file, 'device', openDevice(file));
  if (existing && !options.force) throw new AppendPathError(file, 'already exists; pass --force to overwrite it');
  const dir = path.dirname(file);
  if (!existsSync(dir)) throw new AppendPathError(file, `no such directory: ${dir}`);
  try {
    return new Appender(file, 'file', openSync(file, options.force ? 'w' : 'wx'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new AppendPathError(file, 'already exists; pass --force to overwrite it');
    if (code === 'ENOENT') throw new AppendPathError(file, `no such directory: ${dir}`);
    if (code === 'EACCES' || code === 'EPERM') throw new AppendPathError(file, 'permission denied');
    throw e;
  }
}
