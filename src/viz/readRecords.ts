/**
 * Records from an NDJSON file (`llmc-sim run --records FILE`): one LifecycleRecord per line. A line
 * that is not a record is a named error citing the file and line; the file is never changed.
 */
import { readFileSync } from 'node:fs';
import { ValueError } from '../core/errors.ts';
import type { LifecycleRecord } from '../core/records.ts';

export class RecordsFileError extends ValueError {
  constructor(file: string, line: number, problem: string) {
    super(`${file}:${line}: ${problem}`);
  }
}

export function parseRecordLines(text: string, file: string): LifecycleRecord[] {
  const out: LifecycleRecord[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (e) {
      throw new RecordsFileError(file, i + 1, `not JSON (${(e as Error).message})`);
    }
    const r = v as { type?: unknown; seq?: unknown };
    if (!r || typeof r !== 'object' || typeof r.type !== 'string' || !/^(call|effect)\./.test(r.type) || typeof r.seq !== 'number') {
      throw new RecordsFileError(file, i + 1, 'not a lifecycle record (needs a numeric "seq" and a "type" starting with call. or effect.)');
    }
    out.push(v as LifecycleRecord);
  });
  return out;
}

export function readRecordsFile(file: string): LifecycleRecord[] {
  return parseRecordLines(readFileSync(file, 'utf8'), file);
}
