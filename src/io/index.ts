/**
 * The one path by which llmc-sim writes files (records, journals, models, recipes, reports).
 *
 * API (all synchronous, so a signal handler never runs half-way through a rename sequence):
 * - `writeOutput(file, data, { inputs })`: one file. `-` is stdout; a pipe, a device or anything under
 *   /dev or /proc is written in place; a regular file (or a new name) gets a temporary file beside it,
 *   flushed, then renamed over it — the old file or the new one, never half of one. A symbolic link is
 *   followed to the regular file it names (that file is replaced; the link stays); a dangling link and a
 *   directory are refused.
 * - `openOutput(file, { inputs })` → `{ write(text), commit(), abort() }`: the same, piece by piece;
 *   nothing replaces the target before `commit()`.
 * - `writeFileSet([{ path, data }, …], { inputs })`: files in one directory that belong together
 *   (weights + config.json): afterwards all new or all old, also across a crash (see fileSet.ts).
 * - `recoverFileSet(dir)`: finishes the rollback of a set write a crash interrupted.
 * - `removePendingTemps()`: for SIGINT/SIGTERM handlers: removes every temporary file of a write in
 *   progress; completed writes stay.
 *
 * `inputs`: the files this run reads. A target that is one of them (same device and inode, so links
 * and `./a` vs `a` are caught) is refused with {@link OutputIsInputError} before anything is written.
 * Failures are {@link OutputError} (a RuntimeError naming the path, the reason and the system code:
 * missing directory, permission, full disk, name too long; temporary files are removed) or
 * {@link OutputTargetError} (a ValueError: the path cannot be a file target). Temporary names are short
 * (`.llmc-<pid>-<n>.tmp`) whatever the target's name.
 */
export { OutputError, OutputIsInputError, OutputTargetError } from './errors.ts';
export { writeOutput, openOutput, type Output, type WriteOptions } from './write.ts';
export { writeFileSet, recoverFileSet, SET_MARKER } from './fileSet.ts';
export { removePendingTemps } from './temp.ts';
