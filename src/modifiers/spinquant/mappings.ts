/**
 * SpinQuant's module mappings (LLM Compressor `modifiers/transform/spinquant/{mappings,norm_mappings}.py`,
 * spinquant.md §4): which modules R1–R4 touch, and which norms fuse into which linears. Both registries
 * are keyed by the root class name and hold only `LlamaForCausalLM`; other classes fall back to Llama's.
 */
import { FieldTypeError } from '../../core/fields.ts';

export interface SpinQuantMapping {
  embedding: string;
  attn: string;
  attnQ: string;
  attnK: string;
  attnV: string;
  attnO: string;
  /** Unused (upstream keeps it for future head-wise rotations). */
  attnHeadDim: number | null;
  mlpIn: string[];
  mlpOut: string[];
  lmHead: string;
}

export interface NormMapping {
  norm: string;
  linears: string[];
}

export const LLAMA_SPINQUANT_MAPPING: Readonly<SpinQuantMapping> = Object.freeze({
  embedding: 're:.*embed_tokens$',
  attn: 're:.*self_attn$',
  attnQ: 're:.*q_proj$',
  attnK: 're:.*k_proj$',
  attnV: 're:.*v_proj$',
  attnO: 're:.*o_proj$',
  attnHeadDim: null,
  mlpIn: ['re:.*up_proj$', 're:.*gate_proj$'],
  mlpOut: ['re:.*down_proj$'],
  lmHead: 'lm_head',
});

export const LLAMA_NORM_MAPPINGS: readonly Readonly<NormMapping>[] = Object.freeze([
  { norm: 're:.*input_layernorm$', linears: ['re:.*q_proj$', 're:.*k_proj$', 're:.*v_proj$'] },
  { norm: 're:.*post_attention_layernorm$', linears: ['re:.*up_proj$', 're:.*gate_proj$'] },
  { norm: 'model.norm', linears: ['lm_head'] },
]);

const SPINQUANT_MAPPING_REGISTRY: Record<string, Readonly<SpinQuantMapping>> = { LlamaForCausalLM: LLAMA_SPINQUANT_MAPPING };
const NORM_MAPPING_REGISTRY: Record<string, readonly Readonly<NormMapping>[]> = { LlamaForCausalLM: LLAMA_NORM_MAPPINGS };

export const unrecognizedArchitecture = (cls: string) => `Unrecognized model architecture ${cls}. Falling back to default mappings`;

const copyMapping = (m: Readonly<SpinQuantMapping>): SpinQuantMapping => ({ ...m, mlpIn: [...m.mlpIn], mlpOut: [...m.mlpOut] });

/** `infer_mapping_from_model`: the mapping for the root class, or Llama's with a warning. */
export function inferMappingFromModel(rootClass: string, warn: (m: string) => void): SpinQuantMapping {
  const hit = SPINQUANT_MAPPING_REGISTRY[rootClass];
  if (!hit) warn(unrecognizedArchitecture(rootClass));
  return copyMapping(hit ?? LLAMA_SPINQUANT_MAPPING);
}

/** `infer_norm_mapping_from_model`. */
export function inferNormMappingFromModel(rootClass: string, warn: (m: string) => void): NormMapping[] {
  const hit = NORM_MAPPING_REGISTRY[rootClass];
  if (!hit) warn(unrecognizedArchitecture(rootClass));
  return (hit ?? LLAMA_NORM_MAPPINGS).map((n) => ({ norm: n.norm, linears: [...n.linears] }));
}

// ---- parsing (recipe values: Python or TS names) -------------------------------------------------

const MAPPING_KEYS: ReadonlyArray<readonly [string, keyof SpinQuantMapping]> = [
  ['embedding', 'embedding'], ['attn', 'attn'], ['attn_q', 'attnQ'], ['attn_k', 'attnK'], ['attn_v', 'attnV'],
  ['attn_o', 'attnO'], ['attn_head_dim', 'attnHeadDim'], ['mlp_in', 'mlpIn'], ['mlp_out', 'mlpOut'], ['lm_head', 'lmHead'],
];

const isMapping = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const describe = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'list' : typeof v);

function str(v: unknown, path: string): string {
  if (typeof v === 'string') return v;
  throw new FieldTypeError(`Input should be a valid string (got ${describe(v)} ${JSON.stringify(v)})`, path);
}
function strList(v: unknown, path: string): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return [...v];
  throw new FieldTypeError(`Input should be a valid list of strings (got ${describe(v)} ${JSON.stringify(v)})`, path);
}

/** A `SpinQuantMapping` from a recipe value; `mlp_in`/`mlp_out` bare strings are wrapped. */
export function parseSpinQuantMapping(v: unknown): SpinQuantMapping | null {
  if (v === null || v === undefined) return null;
  if (!isMapping(v)) throw new FieldTypeError(`Input should be a valid dictionary or instance of SpinQuantMapping (got ${describe(v)})`);
  const byName = new Map<string, keyof SpinQuantMapping>();
  for (const [py, ts] of MAPPING_KEYS) {
    byName.set(py, ts);
    byName.set(ts, ts);
  }
  const got: Partial<Record<keyof SpinQuantMapping, unknown>> = {};
  for (const [k, value] of Object.entries(v)) {
    const ts = byName.get(k);
    if (!ts) throw new FieldTypeError('Extra inputs are not permitted', k);
    got[ts] = value;
  }
  const pyName = (ts: keyof SpinQuantMapping) => MAPPING_KEYS.find(([, t]) => t === ts)![0];
  const need = (ts: keyof SpinQuantMapping): unknown => {
    if (got[ts] === undefined) {
      if (ts === 'attnHeadDim') return null;
      throw new FieldTypeError('Field required', pyName(ts));
    }
    return got[ts];
  };
  const headDim = need('attnHeadDim');
  if (headDim !== null && !(typeof headDim === 'number' && Number.isInteger(headDim))) {
    throw new FieldTypeError(`Input should be a valid integer (got ${JSON.stringify(headDim)})`, 'attn_head_dim');
  }
  return {
    embedding: str(need('embedding'), 'embedding'),
    attn: str(need('attn'), 'attn'),
    attnQ: str(need('attnQ'), 'attn_q'),
    attnK: str(need('attnK'), 'attn_k'),
    attnV: str(need('attnV'), 'attn_v'),
    attnO: str(need('attnO'), 'attn_o'),
    attnHeadDim: headDim as number | null,
    mlpIn: strList(need('mlpIn'), 'mlp_in'),
    mlpOut: strList(need('mlpOut'), 'mlp_out'),
    lmHead: str(need('lmHead'), 'lm_head'),
  };
}

/** A `NormMapping[]` from a recipe value; `linears` bare strings are wrapped. */
export function parseNormMappings(v: unknown): NormMapping[] | null {
  if (v === null || v === undefined) return null;
  if (!Array.isArray(v)) throw new FieldTypeError(`Input should be a valid list (got ${describe(v)})`);
  return v.map((entry, i) => {
    if (!isMapping(entry)) throw new FieldTypeError(`Input should be a valid dictionary or instance of NormMapping (got ${describe(entry)})`, String(i));
    for (const k of Object.keys(entry)) if (k !== 'norm' && k !== 'linears') throw new FieldTypeError('Extra inputs are not permitted', `${i}.${k}`);
    if (entry.norm === undefined) throw new FieldTypeError('Field required', `${i}.norm`);
    if (entry.linears === undefined) throw new FieldTypeError('Field required', `${i}.linears`);
    return { norm: str(entry.norm, `${i}.norm`), linears: strList(entry.linears, `${i}.linears`) };
  });
}
