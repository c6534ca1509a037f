/**
 * Temporary files: short names (`.llmc-<pid>-<n>.tmp`, whatever the target's name, so a 255-byte target
 * name never makes a temporary name too long), created beside the target (a rename never crosses file
 * systems), and registered until renamed or removed so a SIGINT/SIGTERM handler can remove them all.
 * @internal
 */
import path from 'node:path';
import { sys } from './sys.ts';

const pending = new Set<string>();
let counter = 0;

/** A fresh temporary name in `dir` with `suffix` (`tmp` for data, `old` for backups). */
export function tempName(dir: string, suffix = 'tmp'): string {
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
