/**
 * The writer's errors. Each names the path and what is wrong in words a user can act on; `code` is
 * the system error code when there was one (ENOSPC, EACCES, …). Refusing to write over an input is a
 * ValueError (the arguments are wrong); a failed write is a RuntimeError (the system said no).
 */
import { RuntimeError, ValueError } from '../core/errors.ts';

/** A system error code turned into a phrase. */
const PHRASES: Record<string, string> = {
  ENOENT: 'the directory does not exist',
  ENOTDIR: 'a part of the path is not a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'the file is too large for the file system',
  ENAMETOOLONG: 'the file name is too long',
  EISDIR: 'it is a directory',
  EEXIST: 'something is in the way',
  EXDEV: 'the temporary file and the target are on different file systems',
  EMFILE: 'too many open files',
  EIO: 'an input/output error from the device',
  EPIPE: 'the reader closed the pipe',
  ELOOP: 'too many levels of symbolic links',
  ENXIO: 'no process is reading it (a FIFO needs its reader started first)',
};

/** Writing `path` failed; the message says why and that the old contents are intact where that holds. */
export class OutputError extends RuntimeError {
  constructor(readonly path: string, readonly problem: string, readonly code?: string) {
    super(`cannot write ${path}: ${problem}`);
  }

  /** From a system error: the code's phrase plus the code itself, so both users and tools can read it. */
  static from(path: string, e: unknown, kept = ''): OutputError {
    if (e instanceof OutputError) return e;
    const code = (e as NodeJS.ErrnoException)?.code;
    const phrase = code ? `${PHRASES[code] ?? (e as Error).message} (${code})` : String((e as Error)?.message ?? e);
    return new OutputError(path, phrase + kept, code);
  }
}

/** The target is (the same file as) something this run reads. */
export class OutputIsInputError extends ValueError {
  constructor(readonly path: string, readonly input: string) {
    super(`refusing to write ${path}: it is ${path === input ? 'an input' : `the same file as the input ${input}`} of this run`);
  }
}

/** The target cannot be a file at all (a directory, a dangling link, a set member that is not a regular file). */
export class OutputTargetError extends ValueError {
  constructor(readonly path: string, readonly problem: string) {
    super(`cannot write ${path}: ${problem}`);
  }
}
