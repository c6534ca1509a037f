/**
 * Versioning (docs/journal-format.md): a reader accepts every version up to FORMAT_VERSION; each
 * older version has an explicit upcaster to the next one, applied in turn, and a newer version is
 * refused by name.
 */
import { FORMAT_VERSION, type JournalHeader } from './format.ts';

type Upcaster = (header: Record<string, unknown>) => Record<string, unknown>;

/** `UPCASTERS[v]` turns a version-v header into a version v + 1 one. */
const UPCASTERS: Record<number, Upcaster> = {
  /**
   * 1 → 2: the header's fields are the same (version 2 changed the encoding, JSON Lines → binary, and
   * stores each call's effects). A version-1 journal's entries keep their version-1 digest and no
   * effects (readerV1.ts); a replay checks them with the version-1 fold.
   */
  1: (v1) => ({ ...v1 }),
  /**
   * 2 → 3: the header's fields are the same; version 3 adds the run record (event calls that each repeat
   * their code's prediction, one byte each), which a version-2 journal does not contain.
   */
  2: (v2) => ({ ...v2 }),
};

const FIELDS: Array<[string, string]> = [
  ['llmcSim', 'string'],
  ['fidelity', 'string'],
  ['seed', 'number'],
  ['settings', 'object'],
];

export function upcastHeader(raw: Record<string, unknown>): JournalHeader | string {
  let v = raw;
  const version = v.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) return `header has no valid version (${JSON.stringify(version)})`;
  if (version > FORMAT_VERSION) return `unknown journal version ${version}: this llmc-sim reads versions 1 to ${FORMAT_VERSION}`;
  for (let from = version; from < FORMAT_VERSION; from++) {
    const up = UPCASTERS[from];
    if (!up) return `no upcaster from journal version ${from}`;
    v = { ...up(v), version: from + 1 };
  }
  for (const [name, type] of FIELDS) if (typeof v[name] !== type || v[name] === null) return `header field '${name}' must be a ${type}`;
  if (v.fidelity !== 'default' && v.fidelity !== 'reference') return `header field 'fidelity' must be 'default' or 'reference'`;
  if (v.recipe !== null && typeof v.recipe !== 'string') return `header field 'recipe' must be text or null`;
  return v as unknown as JournalHeader;
}
