/**
 * Reading a journal (path or bytes): version 2 (binary, readerV2.ts) or version 1 (JSON Lines,
 * readerV1.ts), told apart by the first byte. Every record's chained CRC, the header's format and
 * version (older versions through `upcasters.ts`), and the closing record's count and SHA-256 are
 * checked. The first record that is not intact stops the reading; what came before it is returned as
 * the intact prefix with the damage located (record number, byte offset, reason). Reading never writes.
 */
import { readFileSync } from 'node:fs';
import { JournalDamageError } from './errors.ts';
import { MAGIC, type Journal } from './format.ts';
import { readJournalV1 } from './readerV1.ts';
import { readJournalV2 } from './readerV2.ts';

export type { Journal } from './format.ts';

/** Reads and checks a journal (path or bytes). Damage is reported in the result, never thrown (but a bad header: record 0). */
export function readJournal(input: string | Uint8Array): Journal {
  const source = typeof input === 'string' ? input : '<bytes>';
  const bytes = typeof input === 'string' ? readFileSync(input) : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (bytes.length === 0) throw new JournalDamageError(source, { record: 0, offset: 0, reason: 'empty file: no header' });
  if (bytes[0] === MAGIC[0]) return readJournalV2(bytes, source);
  if (bytes[0] === 0x7b /* '{' */) return readJournalV1(bytes, source);
  throw new JournalDamageError(source, { record: 0, offset: 0, reason: 'not an llmc-sim journal (it starts with neither the binary magic nor a JSON header)' });
}

/** `readJournal`, throwing {@link JournalDamageError} unless the journal is whole. */
export function readWholeJournal(input: string | Uint8Array): Journal {
  const j = readJournal(input);
  if (j.damage) throw new JournalDamageError(j.source, j.damage);
  return j;
}
