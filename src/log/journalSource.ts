/**
 * A journal whose model is the final model of another journal (a header's `model.journal`): writing the
 * reference (`journalReference`: the other journal's file name relative to the new journal's directory,
 * its call count and closing SHA-256) and opening it again for a replay (`openReferencedJournal`: found
 * beside the journal, whole, and the very journal named, byte for byte). The replay itself is replay.ts's.
 */
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { describeDamage, JournalDamageError, JournalModelError, ReferencedJournalError, type Damage } from './errors.ts';
import type { Journal, JournalReference } from './format.ts';
import { readJournal } from './reader.ts';

const short = (h: string) => `${h.slice(0, 16)}…`;

const damaged = (journal: string, path: string, d: Damage) =>
  new ReferencedJournalError(journal, path, 'damaged', `is damaged at ${describeDamage(d)}`);

/**
 * The reference to the whole journal at `file` for a journal to be written in directory `relativeTo`.
 * Refuses a damaged or unfinished journal (one without its closing record): its final model is not known.
 */
export function journalReference(file: string, relativeTo: string): JournalReference {
  const j = readJournal(file);
  if (j.damage || !j.end) throw new JournalModelError(`${file} cannot be referenced: ${j.damage ? `damaged at ${describeDamage(j.damage)}` : 'it has no closing record'}`);
  const rel = relative(resolve(relativeTo), resolve(file)).split(sep).join('/');
  return { file: rel, calls: j.end.end, sha256: j.end.sha256 };
}

function checkReference(journal: string, ref: JournalReference): void {
  const ok = typeof ref.file === 'string' && ref.file !== '' && !isAbsolute(ref.file) && Number.isInteger(ref.calls) && ref.calls >= 0 && typeof ref.sha256 === 'string' && /^[0-9a-f]{64}$/.test(ref.sha256);
  if (!ok) throw new JournalModelError(`${journal}: header field 'model.journal' must be {file: a relative path, calls: an integer, sha256: SHA-256 hex}, got ${JSON.stringify(ref)}`);
}

/**
 * The journal `ref` names, read from beside `journal` and checked: readable, whole, and closing with the
 * count and SHA-256 the reference holds. Throws {@link ReferencedJournalError} naming it otherwise.
 */
export function openReferencedJournal(journal: Journal, ref: JournalReference): Journal {
  checkReference(journal.source, ref);
  if (journal.source === '<bytes>') {
    throw new JournalModelError(`the journal's model is the final model of journal ${ref.file}, and a journal read from bytes has no directory to find it in: give the model (ReplayOptions.model, --model PATH)`);
  }
  const path = join(dirname(journal.source), ref.file);
  let other: Journal;
  try {
    other = readJournal(path);
  } catch (e) {
    if (e instanceof JournalDamageError) throw damaged(journal.source, path, e.damage);
    const code = (e as NodeJS.ErrnoException).code;
    if (code) throw new ReferencedJournalError(journal.source, path, 'unreadable', `cannot be read (${code}): keep it at that path beside the journal, or give the model with --model PATH`);
    throw e;
  }
  if (other.damage) throw damaged(journal.source, path, other.damage);
  const end = other.end;
  if (!end || end.end !== ref.calls || end.sha256 !== ref.sha256) {
    const got = end ? `${end.end} calls, closing sha256 ${short(end.sha256)}` : 'no closing record';
    throw new ReferencedJournalError(journal.source, path, 'different', `is not the journal it was recorded from (expected ${ref.calls} calls, closing sha256 ${short(ref.sha256)}; found ${got}): it was re-recorded or edited`);
  }
  return other;
}
