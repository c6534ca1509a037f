/**
 * Writing a set of files that belong together (model.safetensors + config.json) so that readers find
 * the old set or the new set, never a mix.
 *
 * 1. Every new file is written to a temporary name beside its target and flushed.
 * 2. Every target that exists is hard-linked (copied where links are not supported) to a backup name;
 *    the targets themselves stay in place.
 * 3. A marker `.llmc-set.pending` listing targets and backups is put in place (itself written atomically).
 * 4. The temporaries are renamed over the targets, one after the other, synchronously.
 * 5. The marker is removed, then the backups.
 *
 * A failure in 1–4 puts the backups back, removes what was new and the marker, and throws: the old set.
 * A process killed during 4 (SIGKILL, power loss) leaves the marker: the next {@link writeFileSet} into
 * that directory or the next model load from it ({@link recoverFileSet}) puts the backups back first.
 * A kill after 5's first step can leave hidden `.llmc-*.old` backups, never a mixed set.
 * @internal
 */
import path from 'node:path';
import { OutputError, OutputTargetError } from './errors.ts';
import { resolveTarget } from './target.ts';
import { removeQuietly, tempName, track, untrack } from './temp.ts';
import { writeResolved, writeTemp, type WriteOptions } from './write.ts';
import { sys } from './sys.ts';

export const SET_MARKER = '.llmc-set.pending';

export interface FileToWrite {
  readonly path: string;
  readonly data: Uint8Array | string;
}

interface Member {
  readonly target: string;
  readonly backup: string | null;
}

const bytes = (data: Uint8Array | string) => (typeof data === 'string' ? Buffer.from(data, 'utf8') : data);

function backupOf(target: string): string {
  const backup = tempName(path.dirname(target), 'old');
  track(backup);
  try {
    sys.linkSync(target, backup);
  } catch {
    try {
      sys.copyFileSync(target, backup);
    } catch (e) {
      removeQuietly(backup);
      throw OutputError.from(target, e, '; nothing was changed');
    }
  }
  return backup;
}

/** Puts every backup back and removes targets that were new; returns the first failure, if any. */
function rollBack(dir: string, members: readonly Member[]): unknown {
  let failure: unknown = null;
  for (const m of members) {
    const target = path.join(dir, path.basename(m.target));
    try {
      if (m.backup) {
        const backup = path.join(dir, path.basename(m.backup));
        if (sys.existsSync(backup)) sys.renameSync(backup, target);
        untrack(backup);
      } else if (sys.existsSync(target)) sys.unlinkSync(target);
    } catch (e) {
      failure ??= e;
    }
  }
  return failure;
}

/**
 * If `dir` holds the marker of an interrupted set write, puts the old set back and removes the marker.
 * Returns true when it recovered something.
 * @throws {OutputError} when the old set cannot be put back (the marker stays, so a later call retries).
 */
export function recoverFileSet(dir: string): boolean {
  const marker = path.join(dir, SET_MARKER);
  let text: string;
  try {
    text = sys.readFileSync(marker, 'utf8') as string;
  } catch {
    return false;
  }
  let members: Member[];
  try {
    members = JSON.parse(text).members;
    if (!Array.isArray(members)) throw new Error('no members');
  } catch {
    throw new OutputError(marker, 'the marker of an interrupted write is damaged; compare the files in that directory by hand, then remove it');
  }
  const failure = rollBack(dir, members);
  if (failure) throw OutputError.from(dir, failure, `; ${SET_MARKER} kept, retry later`);
  removeQuietly(marker);
  return true;
}

/**
 * Writes `files` (all in one directory) as a set: afterwards the directory holds all the new files,
 * or — on any failure, including a crash, see the module comment — all the old ones.
 * Members must be regular files or new names (a link to a regular file in the same directory counts).
 * @throws {OutputIsInputError} a member is one of `options.inputs`.
 * @throws {OutputTargetError} members in different directories, or a member that is not a regular file.
 * @throws {OutputError} the system refused; the old set is in place.
 */
export function writeFileSet(files: readonly FileToWrite[], options: WriteOptions = {}): void {
  if (files.length === 0) return;
  const targets = files.map((f) => {
    const t = resolveTarget(f.path, options.inputs);
    if (t.kind !== 'replace') throw new OutputTargetError(f.path, 'a file of a set must be a regular file or a new name (it is replaced together with the others)');
    return t;
  });
  if (files.length === 1) return writeResolved(targets[0], files[0].path, bytes(files[0].data));
  const dir = path.dirname(targets[0].path);
  for (const [i, t] of targets.entries()) {
    if (path.dirname(t.path) !== dir) throw new OutputTargetError(files[i].path, `the files of a set must be in one directory (${dir})`);
  }
  recoverFileSet(dir);
  const temps: string[] = [];
  const members: Member[] = [];
  const marker = path.join(dir, SET_MARKER);
  let renamed = 0;
  let current = files[0].path;
  try {
    for (const [i, f] of files.entries()) {
      current = f.path;
      temps.push(writeTemp(targets[i].path, bytes(f.data)));
    }
    for (const [i, t] of targets.entries()) {
      current = files[i].path;
      members.push({ target: path.basename(t.path), backup: t.exists ? path.basename(backupOf(t.path)) : null });
    }
    current = marker;
    const markerTemp = writeTemp(marker, bytes(JSON.stringify({ members })));
    sys.renameSync(markerTemp, marker);
    untrack(markerTemp);
    for (const [i, t] of targets.entries()) {
      current = files[i].path;
      sys.renameSync(temps[i], t.path);
      untrack(temps[i]);
      renamed++;
    }
  } catch (e) {
    const failure = rollBack(dir, members.slice(0, renamed));
    for (const m of members.slice(renamed)) if (m.backup) removeQuietly(path.join(dir, m.backup));
    for (const tmp of temps) removeQuietly(tmp);
    if (failure) throw OutputError.from(current, e, `; restoring the old set also failed (${(failure as Error).message}); ${SET_MARKER} kept for recovery`);
    removeQuietly(marker);
    if (e instanceof OutputError) throw e;
    throw OutputError.from(current, e, '; the old files are unchanged');
  }
  removeQuietly(marker);
  for (const m of members) if (m.backup) removeQuietly(path.join(dir, m.backup));
}
