/**
 * Writing one file: stdout, in place (pipes, devices) or through a temporary file renamed over the
 * target, so a reader never sees a half-written regular file and a failure leaves the old one.
 * @internal
 */
import { constants } from 'node:fs';
import path from 'node:path';
import { OutputError } from './errors.ts';
import { resolveTarget, type Target } from './target.ts';
import { removeQuietly, tempName, track, untrack } from './temp.ts';
import { sys } from './sys.ts';

export interface WriteOptions {
  /** The files this run reads: a target that is one of them (same device and inode) is refused. */
  readonly inputs?: readonly string[];
}

const KEPT = '; the old file, if any, is unchanged';

const pause = new Int32Array(new SharedArrayBuffer(4));

/** Writes every byte; a FIFO opened non-blocking answers EAGAIN while its reader is behind: wait and retry. */
function writeAll(fd: number, data: Uint8Array): void {
  for (let off = 0; off < data.byteLength; ) {
    try {
      off += sys.writeSync(fd, data, off, data.byteLength - off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      Atomics.wait(pause, 0, 0, 5);
    }
  }
}

/**
 * Opens a pipe or device in place. A FIFO is opened non-blocking, so a FIFO nobody reads is an
 * ENXIO error at once instead of a write that waits for ever.
 */
function openDirect(t: { path: string; fifo: boolean }): number {
  return t.fifo ? sys.openSync(t.path, constants.O_WRONLY | constants.O_NONBLOCK) : sys.openSync(t.path, 'w');
}

const bytes = (data: Uint8Array | string) => (typeof data === 'string' ? Buffer.from(data, 'utf8') : data);

/** Writes `data` into a new temporary file beside `target`, flushed to disk; returns its name. */
export function writeTemp(target: string, data: Uint8Array): string {
  const tmp = tempName(path.dirname(target));
  let fd: number | null = null;
  track(tmp);
  try {
    fd = sys.openSync(tmp, 'wx', 0o666);
    writeAll(fd, data);
    sys.fsyncSync(fd);
    sys.closeSync(fd);
    fd = null;
    return tmp;
  } catch (e) {
    if (fd !== null) try { sys.closeSync(fd); } catch { /* already failing */ }
    removeQuietly(tmp);
    throw OutputError.from(target, e, KEPT);
  }
}

/** Writes `data` to an already resolved target. */
export function writeResolved(t: Target, display: string, data: Uint8Array): void {
  if (t.kind === 'stdout') {
    process.stdout.write(data);
    return;
  }
  if (t.kind === 'direct') {
    let fd: number | null = null;
    try {
      fd = openDirect(t);
      writeAll(fd, data);
    } catch (e) {
      throw OutputError.from(display, e);
    } finally {
      if (fd !== null) try { sys.closeSync(fd); } catch { /* reported above if it mattered */ }
    }
    return;
  }
  const tmp = writeTemp(t.path, data);
  try {
    sys.renameSync(tmp, t.path);
    untrack(tmp);
  } catch (e) {
    removeQuietly(tmp);
    throw OutputError.from(display, e, KEPT);
  }
}

/**
 * Writes `data` to `file` (`-` = stdout). A regular file is replaced whole or not at all; a pipe or
 * device is written in place.
 * @throws {OutputIsInputError} `file` is one of `options.inputs`.
 * @throws {OutputTargetError} `file` is a directory or a dangling link.
 * @throws {OutputError} the system refused (missing directory, permissions, full disk, name too long).
 */
export function writeOutput(file: string, data: Uint8Array | string, options: WriteOptions = {}): void {
  writeResolved(resolveTarget(file, options.inputs), file, bytes(data));
}

/** An output written piece by piece (records as they come): nothing replaces the target until {@link commit}. */
export interface Output {
  /** Appends text; after a failure further writes are dropped and `commit` reports the failure. */
  write(text: string): void;
  /** Flushes and puts the file in place; throws the first write failure as an OutputError. */
  commit(): void;
  /** Drops what was written (a regular target keeps its old contents). Safe to call twice. */
  abort(): void;
}

const FLUSH_AT = 1 << 16;

/** Opens `file` for piecewise writing (`-` = stdout). Checks the target now, so a bad path fails before any work. */
export function openOutput(file: string, options: WriteOptions = {}): Output {
  const t = resolveTarget(file, options.inputs);
  if (t.kind === 'stdout') {
    return { write: (s) => void process.stdout.write(s), commit: () => {}, abort: () => {} };
  }
  const where = t.kind === 'replace' ? tempName(path.dirname(t.path)) : t.path;
  let fd: number | null;
  if (t.kind === 'replace') track(where);
  try {
    fd = t.kind === 'replace' ? sys.openSync(where, 'wx', 0o666) : openDirect(t);
  } catch (e) {
    if (t.kind === 'replace') removeQuietly(where);
    throw OutputError.from(file, e);
  }
  let buffered: string[] = [];
  let size = 0;
  let failure: unknown = null;
  let done = false;
  const flush = () => {
    if (failure !== null || fd === null || !buffered.length) return;
    try {
      writeAll(fd, Buffer.from(buffered.join(''), 'utf8'));
    } catch (e) {
      failure = e;
    }
    buffered = [];
    size = 0;
  };
  const close = () => {
    if (fd !== null) try { sys.closeSync(fd); } catch (e) { failure ??= e; }
    fd = null;
  };
  const abort = () => {
    if (done) return;
    done = true;
    buffered = [];
    close();
    if (t.kind === 'replace') removeQuietly(where);
  };
  return {
    write(text) {
      if (done || failure !== null) return;
      buffered.push(text);
      size += text.length;
      if (size >= FLUSH_AT) flush();
    },
    commit() {
      if (done) return;
      flush();
      if (failure === null && t.kind === 'replace' && fd !== null) try { sys.fsyncSync(fd); } catch (e) { failure = e; }
      close();
      if (failure !== null) {
        const e = failure;
        abort();
        throw OutputError.from(file, e, t.kind === 'replace' ? KEPT : '');
      }
      done = true;
      if (t.kind !== 'replace') return;
      try {
        sys.renameSync(where, t.path);
        untrack(where);
      } catch (e) {
        removeQuietly(where);
        throw OutputError.from(file, e, KEPT);
      }
    },
    abort,
  };
}
