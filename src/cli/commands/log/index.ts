/**
 * `llmc-sim log show FILE [--ndjson]`: a journal for people who grep and for tools. `--ndjson`
 * prints the full re-derived record stream (calls and effects) as `records$` JSON Lines, live
 * objects as hashed references; without it, the header and one line per call.
 */
import { describeDamage, replayJournal, serializeRecord } from '../../../log/index.ts';
import { ExitError } from '../../errors.ts';
import { describeDivergence, modelProblemExit, openJournal } from '../replay/index.ts';
import { Stdout } from './output.ts';

export function logShow(file: string, options: { ndjson?: boolean; recover?: boolean }): void {
  const journal = openJournal(file);
  if (journal.damage && !options.recover) {
    const d = journal.damage;
    throw new ExitError(`${file}: damaged journal at ${describeDamage(d)}`, 2);
  }
  const out = new Stdout();
  try {
    if (options.ndjson) {
      // Serialized as each call replays, so a model reference carries the hash of that moment.
      let r: ReturnType<typeof replayJournal>;
      try {
        r = replayJournal(journal, {
          recover: options.recover,
          onCall: (_stored, _got, records) => {
            if (!out.broken) for (const rec of records ?? []) out.line(JSON.stringify(serializeRecord(rec)));
          },
        });
      } catch (e) {
        throw modelProblemExit(e, file);
      }
      if (r.divergence) {
        for (const rec of r.divergence.records) out.line(JSON.stringify(serializeRecord(rec)));
        throw new ExitError(describeDivergence(r.divergence), 1);
      }
      return;
    }
    const h = journal.header;
    out.line(`${h.journal} v${journal.storedVersion}${journal.storedVersion !== h.version ? ` (read as v${h.version})` : ''} · llmc-sim ${h.llmcSim} · fidelity ${h.fidelity} · seed ${h.seed}`);
    out.line(`settings: ${JSON.stringify(h.settings)}`);
    const m = h.model;
    const hashes = m ? `sha256 ${m.sha256.slice(0, 16)}…, ${Object.keys(m.tensors).length} tensors` : '';
    const from = m && 'journal' in m ? `the final model of journal ${m.journal.file} (${m.journal.calls} calls, closing sha256 ${m.journal.sha256.slice(0, 16)}…; ${hashes})` : `${m?.source} (${hashes})`;
    out.line(`model: ${m ? from : 'none'}`);
    out.line(`recipe: ${h.recipe === null ? 'none' : `${h.recipe.split('\n').length} lines (in the header)`}`);
    for (const c of journal.calls) {
      const what = c.c.call === 'event' ? `event ${c.c.type} ${JSON.stringify(c.c.options)}` : c.c.call === 'optimizerStep' ? `optimizerStep step ${c.c.globalStep}` : c.c.call;
      out.line(`${String(c.n).padStart(6)}  ${what}  · ${c.x} records (${c.e})${c.m ? ` · model ${c.m.slice(0, 12)}…` : ''}`);
      if (out.broken) return;
    }
    out.line(journal.end ? `end: ${journal.end.end} calls, sha256 ${journal.end.sha256.slice(0, 16)}…` : `damaged: ${JSON.stringify(journal.damage)}`);
  } finally {
    out.flush();
  }
}
