/**
 * The snapshot cache file beside a journal (`run.llog.snap`, docs/journal-format.md): up to
 * `MAX_SNAPSHOTS` snapshots of its replay. Layout: the 8 bytes `LLMCSNAP`, a little-endian u32 length,
 * that many bytes of JSON (format, version, llmc-sim version, the snapshots with their arrays as
 * [dtype, byte offset, length] into the blob), the blob, and the SHA-256 of everything before it.
 * Reading checks all of it and answers a reason instead of throwing; writing goes through src/io
 * (whole file or nothing) and never over anything but a regular file, nor over the journal.
 */
import { createHash } from 'node:crypto';
import { lstatSync, readFileSync } from 'node:fs';
import { writeOutput } from '../io/index.ts';
import type { SavedModifierState } from '../modifiers/restorable.ts';
import type { TensorData } from '../tensor/tensor.ts';
import { LLMC_SIM_VERSION } from './format.ts';
import type { Snapshot } from './snapshot.ts';

const MAGIC = Buffer.from('LLMCSNAP', 'latin1');
const FORMAT = 'llmc-sim-snapshots';
const VERSION = 1;
/** Snapshots one file keeps (the newest): each holds a copy of the weights. */
export const MAX_SNAPSHOTS = 4;

type ArrayRef = [dtype: 'u32' | 'f32' | 'f64', offset: number, length: number];
const DTYPES = { u32: Uint32Array, f32: Float32Array, f64: Float64Array } as const;

interface StoredSnapshot extends Omit<Snapshot, 'modifiers' | 'weights'> {
  modifiers: Array<{ type: string; stateName: string; values: SavedModifierState['values']; arrays: Record<string, ArrayRef> }>;
  weights: Array<[string, ArrayRef]> | null;
}

/** Where a journal's snapshots live. */
export const snapshotPath = (journalPath: string): string => `${journalPath}.snap`;

export function encodeSnapshots(snapshots: readonly Snapshot[]): Uint8Array {
  const chunks: Uint8Array[] = [];
  let offset = 0;
  const put = (a: Uint32Array | TensorData): ArrayRef => {
    const dtype = a instanceof Uint32Array ? 'u32' : a instanceof Float64Array ? 'f64' : 'f32';
    const ref: ArrayRef = [dtype, offset, a.length];
    chunks.push(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    offset += a.byteLength;
    return ref;
  };
  const stored: StoredSnapshot[] = snapshots.map((s) => ({
    ...s,
    modifiers: s.modifiers.map((m) => ({
      type: m.type,
      stateName: m.stateName,
      values: m.saved.values,
      arrays: Object.fromEntries(Object.entries(m.saved.arrays).map(([k, a]) => [k, put(a)])),
    })),
    weights: s.weights ? s.weights.map(([name, a]) => [name, put(a)] as [string, ArrayRef]) : null,
  }));
  const json = Buffer.from(JSON.stringify({ format: FORMAT, version: VERSION, llmcSim: LLMC_SIM_VERSION, snapshots: stored }), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32LE(json.length);
  const body = Buffer.concat([MAGIC, length, json, ...chunks]);
  return Buffer.concat([body, createHash('sha256').update(body).digest()]);
}

/** The snapshots a file holds, or why it cannot be used (damaged, another version, not a snapshot file). */
export function decodeSnapshots(bytes: Uint8Array): Snapshot[] | string {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length < MAGIC.length + 4 + 32 || !b.subarray(0, MAGIC.length).equals(MAGIC)) return 'not a snapshot file';
  const body = b.subarray(0, b.length - 32);
  if (!createHash('sha256').update(body).digest().equals(b.subarray(b.length - 32))) return 'damaged (its SHA-256 does not match)';
  const jsonLength = b.readUInt32LE(MAGIC.length);
  const blobStart = MAGIC.length + 4 + jsonLength;
  if (blobStart > body.length) return 'damaged (its index runs past the end)';
  let index: { format?: unknown; version?: unknown; llmcSim?: unknown; snapshots?: StoredSnapshot[] };
  try {
    index = JSON.parse(b.toString('utf8', MAGIC.length + 4, blobStart));
  } catch {
    return 'damaged (its index is not JSON)';
  }
  if (index.format !== FORMAT || index.version !== VERSION) return `written in another format (${JSON.stringify(index.format)} version ${JSON.stringify(index.version)})`;
  if (index.llmcSim !== LLMC_SIM_VERSION) return `written by llmc-sim ${String(index.llmcSim)}, this is ${LLMC_SIM_VERSION}`;
  const blob = body.subarray(blobStart);
  const get = ([dtype, offset, length]: ArrayRef) => {
    const T = DTYPES[dtype];
    if (!T || offset + length * T.BYTES_PER_ELEMENT > blob.length) throw new RangeError('an array runs past the end');
    // copied: the blob's offsets need not be aligned for the typed array
    return new T(Uint8Array.prototype.slice.call(blob, offset, offset + length * T.BYTES_PER_ELEMENT).buffer);
  };
  try {
    return (index.snapshots ?? []).map((s) => ({
      ...s,
      modifiers: s.modifiers.map((m) => ({
        type: m.type,
        stateName: m.stateName as Snapshot['modifiers'][number]['stateName'],
        saved: { values: m.values, arrays: Object.fromEntries(Object.entries(m.arrays).map(([k, r]) => [k, get(r) as Uint32Array])) },
      })),
      weights: s.weights ? s.weights.map(([name, r]) => [name, get(r) as TensorData] as [string, TensorData]) : null,
    }));
  } catch (e) {
    return `damaged (${(e as Error).message})`;
  }
}

/** Reads a snapshot file: the snapshots, null when there is none, or why it cannot be used. */
export function readSnapshotFile(file: string): Snapshot[] | null | string {
  let stat;
  try {
    stat = lstatSync(file);
  } catch {
    return null;
  }
  if (!stat.isFile()) return 'not a regular file';
  try {
    return decodeSnapshots(readFileSync(file));
  } catch (e) {
    return `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
  }
}

/**
 * Writes the snapshots (the newest `MAX_SNAPSHOTS`) to `file`, replacing it whole; returns why it did
 * not (a non-regular file there, a system error) — a cache that cannot be written is not an error.
 */
export function writeSnapshotFile(file: string, snapshots: readonly Snapshot[], journalPath: string): string | null {
  try {
    if (!lstatSync(file).isFile()) return `${file} is not a regular file: left alone`;
  } catch {
    // no file yet
  }
  try {
    writeOutput(file, encodeSnapshots(snapshots.slice(-MAX_SNAPSHOTS)), { inputs: [journalPath] });
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}
