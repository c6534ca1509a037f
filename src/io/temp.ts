/**
 * Temporary files: short names (`.llmc-<pid>-<n>.tmp`, whatever the target's name, so a 255-byte target
 * name never makes a temporary name too long), created beside the target (a rename never crosses file
 * systems), and registered until renamed or removed so a SIGINT/SIGTERM handler can remove them all.
 * A process killed outright (SIGKILL) cannot clean up: the first write into a directory removes the
 * `.tmp` files there whose writer process is gone (backups, `.old`, are left to set recovery).
 * @internal
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { sys } from './sys.ts';

const pending = new Set<string>();
const swept = new Set<string>();
let counter = 0;

const TEMP = /^\.llmc-([0-9a-z]+)-[0-9a-z]+\.tmp$/;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes temporary files in `dir` left by writers that no longer run (once per directory and process). */
function sweepStale(dir: string): void {
  if (swept.has(dir)) return;
  swept.add(dir);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const m = TEMP.exec(name);
    if (m && parseInt(m[1], 36) !== process.pid && !alive(parseInt(m[1], 36))) removeQuietly(path.join(dir, name));
  }
}

/** A fresh temporary name in `dir` with `suffix` (`tmp` for data, `old` for backups). */
export function tempName(dir: string, suffix = 'tmp'): string {
  sweepStale(dir);
  return path.join(dir, `.llmc-${process.pid.toString(36)}-${(counter++).toString(36)}.${suffix}`);
}

export const track = (file: string): void => void pending.add(file);
export const untrack = (file: string): void => void pending.delete(file);

/** Removes `file` if it is there; never throws (cleanup must not hide the error that caused it). */
export function removeQuietly(file: string): void {
  try {
    sys.unlinkSync(file);
  } catch {
    /* already gone, or nothing more we can do */
  }
  pending.delete(file);
}

/**
 * Removes every temporary file a write in progress holds (for a signal handler: synchronous, never
 * throws). Returns how many were removed. Completed writes are untouched.
 */
export function removePendingTemps(): number {
  const files = [...pending];
  for (const f of files) removeQuietly(f);
  return files.length;
}
