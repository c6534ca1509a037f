/**
 * Target syntax older recipes used and LLM Compressor 0.12 no longer matches: the special tokens of
 * `utils/pytorch/module.py` and parameter names (`…down_proj.weight`), which `get_layers_params` matched up to
 * 0.10 and `match_named_modules` (0.11 on) does not. Each gets an error naming the version and the 0.12 form.
 */
import { ValueError } from '../../core/errors.ts';

/** Ours: a target only an older LLM Compressor accepted. */
export class LegacyTargetError extends ValueError {
  constructor(readonly target: string, readonly modifier: string, detail: string) {
    super(`${modifier}: ${detail}`);
  }
}

const PARAM_SUFFIX = /\.(weight|bias)\$?$/;

/** The error for a legacy `target`, or null for a target 0.12 reads. */
export function legacyTargetProblem(target: string): string | null {
  if (target === '__ALL__') {
    return '__ALL__ is no longer supported. Use explicit layer types or patterns instead. (LLM Compressor ≤ 0.10 expanded it to every layer; 0.12 expects e.g. targets: ["Linear"])';
  }
  if (target === '__ALL_PRUNABLE__' || target === '__ALL_QUANTIZABLE__') {
    const expanded = target === '__ALL_PRUNABLE__' ? "['Linear', 'Conv1d', 'Conv2d', 'Conv3d']" : "['Linear', 'Conv2d', 'Conv3d']";
    return `target '${target}' was accepted by LLM Compressor ≤ 0.10 (and, deprecated, by 0.11–0.12 pruning modifiers only); 0.12 expects explicit targets: ${expanded}`;
  }
  const bare = target.startsWith('re:') ? target.slice(3) : target;
  if (PARAM_SUFFIX.test(bare)) {
    const module = target.replace(PARAM_SUFFIX, target.endsWith('$') ? '$' : '');
    return `target '${target}' names a parameter: LLM Compressor ≤ 0.10 matched parameter names (get_layers_params); 0.11 and later match module names and classes only: use '${module}'`;
  }
  return null;
}

/** @throws {LegacyTargetError} for the first legacy target among `targets`. */
export function checkLegacyTargets(targets: readonly string[], modifier: string): void {
  for (const t of targets) {
    const problem = legacyTargetProblem(t);
    if (problem) throw new LegacyTargetError(t, modifier, problem);
  }
}
