/**
 * Reading a version-1 journal (JSON Lines, every line ending in `,"k":"<crc32>"}` chained from the
 * previous line's): the record numbers, the header (upcast to the current version), and the closing
 * record's count and SHA-256. Its entries keep their version-1 digest and hold no effects: a replay
 * checks them with the version-1 fold (callRecorder.ts). Reading never writes.
 */
import { createHash } from 'node:crypto';
import { crc32Ascii8, hex8 } from './crc32.ts';
import { JournalDamageError } from './errors.ts';
import { FORMAT_NAME, type CallEntry, type EndEntry, type Journal, type JournalHeader } from './format.ts';
import { upcastHeader } from './upcasters.ts';

const SUFFIX_LENGTH = ',"k":"00000000"}'.length;

const decoder = new TextDecoder('utf-8', { fatal: true });
const SUFFIX_HEAD = [0x2c, 0x22, 0x6b, 0x22, 0x3a, 0x22]; // ,"k":"

function countLines(bytes: Uint8Array, from: number): number {
  let n = 0;
  let i = from;
  while (i < bytes.length) {
    const nl = bytes.indexOf(0x0a, i);
    n++;
    if (nl < 0) break;
    i = nl + 1;
  }
  return n;
}

/** Checks one line's frame and chain; returns its body (without the suffix) as parsed JSON, or the reason it is damaged. */
function frame(bytes: Buffer, start: number, nl: number, previous: number): { value: Record<string, unknown>; k: number } | string {
  const bodyEnd = nl - SUFFIX_LENGTH;
  if (bodyEnd <= start) return 'record too short to hold its checksum';
  for (let j = 0; j < SUFFIX_HEAD.length; j++) if (bytes[bodyEnd + j] !== SUFFIX_HEAD[j]) return 'record does not end with its checksum';
  if (bytes[nl - 2] !== 0x22 || bytes[nl - 1] !== 0x7d) return 'record does not end with its checksum';
  const kText = bytes.toString('latin1', bodyEnd + 6, bodyEnd + 14);
  const { crc: k, ascii } = crc32Ascii8(bytes, start, bodyEnd, previous);
  if (hex8(k) !== kText) return `checksum mismatch (stored ${JSON.stringify(kText)}, computed "${hex8(k)}"): the record was edited, or one before it was removed or moved`;
  let value: unknown;
  try {
    value = JSON.parse((ascii ? bytes.toString('latin1', start, bodyEnd) : decoder.decode(bytes.subarray(start, bodyEnd))) + '}');
  } catch (e) {
    return `not valid JSON (${(e as Error).message})`;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'not a JSON object';
  return { value: value as Record<string, unknown>, k };
}

function validCall(v: Record<string, unknown>, n: number): string | null {
  if (v.n !== n) return `expected call ${n}, found ${JSON.stringify(v.n)}`;
  const c = v.c as Record<string, unknown> | undefined;
  if (!c || typeof c !== 'object' || typeof c.call !== 'string') return 'call record without a call';
  if (typeof v.e !== 'string' || typeof v.x !== 'number') return 'call record without its effect digest';
  return null;
}

/** Reads and checks a version-1 journal. Damage is reported in the result, never thrown (but at record 0). */
export function readJournalV1(bytes: Buffer, source: string): Journal {
  const calls: CallEntry[] = [];
  let header: JournalHeader | null = null;
  let end: EndEntry | null = null;
  let k = 0;
  let start = 0;
  let record = 0;
  const fail = (reason: string, offset = start): Journal => {
    if (!header) throw new JournalDamageError(source, { record: 0, offset: 0, reason });
    return { source, header, calls, end: null, damage: { record, offset, reason }, dropped: countLines(bytes, offset), bytes: bytes.length, storedVersion: 1 };
  };
  while (start < bytes.length) {
    const nl = bytes.indexOf(0x0a, start);
    if (nl < 0) return fail('torn record: the file ends in the middle of it (truncated, or the recording process was killed)');
    const r = frame(bytes, start, nl, k);
    if (typeof r === 'string') return fail(r);
    const v = r.value;
    if (record === 0) {
      if (v.journal !== FORMAT_NAME) return fail(`not an llmc-sim journal (header has journal ${JSON.stringify(v.journal)})`);
      const up = upcastHeader(v);
      if (typeof up === 'string') return fail(up);
      header = up;
    } else if ('end' in v) {
      if (v.end !== calls.length) return fail(`closing record counts ${JSON.stringify(v.end)} calls, the journal holds ${calls.length}`);
      const digest = createHash('sha256').update(bytes.subarray(0, start)).digest('hex');
      if (v.sha256 !== digest) return fail(`closing record's SHA-256 does not match the bytes before it`);
      end = { end: v.end as number, sha256: digest };
      if (nl + 1 < bytes.length) {
        record++;
        start = nl + 1;
        return fail('bytes after the closing record');
      }
    } else {
      const bad = validCall(v, record);
      if (bad) return fail(bad);
      calls.push(v as unknown as CallEntry);
    }
    k = r.k;
    start = nl + 1;
    record++;
  }
  if (!header) throw new JournalDamageError(source, { record: 0, offset: 0, reason: 'empty file: no header' });
  if (!end) return fail('no closing record: the journal stops here (truncated, or the recording process was killed)');
  return { source, header, calls, end, damage: null, dropped: 0, bytes: bytes.length, storedVersion: 1 };
}
