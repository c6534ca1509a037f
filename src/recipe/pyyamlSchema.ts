/**
 * PyYAML's implicit scalar resolution (YAML 1.1, `yaml.safe_load`), as custom tags for the `yaml`
 * package's `yaml-1.1` schema. The package's own 1.1 tags differ from PyYAML in a few places that a
 * recipe can hit: `y`/`n` are booleans there (strings in PyYAML), `1e-3` is a float there (a string
 * in PyYAML: its float pattern needs a dot and a signed exponent), `09` is an int there (a string in
 * PyYAML). The patterns below are PyYAML's `resolver.py`; the conversions are `constructor.py`'s.
 * The same tags drive `toYaml`, so a string that PyYAML would read as another type gets quoted.
 */
import type { ScalarTag, Tags } from 'yaml';

const BOOL = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
const TRUE = /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/;
const INT = /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
const FLOAT =
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;

/** Base-60 digits (`1:30` is 90), as PyYAML's constructor reads them. */
function sexagesimal(digits: string, part: (s: string) => number): number {
  return digits.split(':').reduce((acc, d) => acc * 60 + part(d), 0);
}

/** `construct_yaml_int`. */
export function pyYamlInt(text: string): number {
  let value = text.replace(/_/g, '');
  let sign = 1;
  if (value[0] === '-') sign = -1;
  if (value[0] === '-' || value[0] === '+') value = value.slice(1);
  if (value === '0') return 0;
  if (value.startsWith('0b')) return sign * parseInt(value.slice(2), 2);
  if (value.startsWith('0x')) return sign * parseInt(value.slice(2), 16);
  if (value.includes(':')) return sign * sexagesimal(value, (d) => parseInt(d, 10));
  if (value[0] === '0') return sign * parseInt(value, 8);
  return sign * parseInt(value, 10);
}

/** `construct_yaml_float`. */
export function pyYamlFloat(text: string): number {
  let value = text.replace(/_/g, '').toLowerCase();
  let sign = 1;
  if (value[0] === '-') sign = -1;
  if (value[0] === '-' || value[0] === '+') value = value.slice(1);
  if (value === '.inf') return sign * Infinity;
  if (value === '.nan') return NaN;
  if (value.includes(':')) return sign * sexagesimal(value, (d) => parseFloat(d));
  return sign * Number(value);
}

/** PyYAML's `represent_float`: `repr(x).lower()`, with `.0` added before an exponent that has no dot. */
export function pyYamlFloatText(x: number): string {
  if (Number.isNaN(x)) return '.nan';
  if (x === Infinity) return '.inf';
  if (x === -Infinity) return '-.inf';
  let s = String(x).toLowerCase(); // JS: 1e-7, 1.5e+21; Python: 1e-07, 1.5e+21
  if (s.includes('e') && !s.includes('.')) s = s.replace('e', '.0e');
  return s;
}

const isPlainInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

export const pyBool: ScalarTag = {
  identify: (v) => typeof v === 'boolean',
  default: true,
  tag: 'tag:yaml.org,2002:bool',
  test: BOOL,
  resolve: (s) => TRUE.test(s),
  stringify: ({ value }) => (value ? 'true' : 'false'),
};

export const pyInt: ScalarTag = {
  identify: isPlainInt,
  default: true,
  tag: 'tag:yaml.org,2002:int',
  test: INT,
  resolve: (s) => pyYamlInt(s),
  stringify: ({ value }) => String(value),
};

export const pyFloat: ScalarTag = {
  identify: (v) => typeof v === 'number' && !isPlainInt(v),
  default: true,
  tag: 'tag:yaml.org,2002:float',
  test: FLOAT,
  resolve: (s) => pyYamlFloat(s),
  stringify: ({ value }) => pyYamlFloatText(value as number),
};

/** Python's `float()` on what `construct_yaml_float` passes it (after `_` removal and lower-casing). */
const PY_FLOAT_TEXT = /^\s*[-+]?(?:(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?|\.?inf(?:inity)?|\.?nan)\s*$/;
/** What Python's `int(value, base)` accepts in `construct_yaml_int` (digits of the base, `_`, base-60 parts). */
const PY_INT_TEXT = /^[-+]?(?:0b[01_]+|0x[0-9a-f_]+|0[0-7_]*|[1-9][0-9_]*(?::[0-9_]+)*)$/i;

/**
 * Explicitly tagged scalars (`!!float 1`, `!!int "3"`, `!!bool yes`): PyYAML runs the constructor on
 * the text whatever its form, and fails where Python's conversion fails. Never chosen when writing.
 */
const explicit = (tag: ScalarTag, valid: (s: string) => boolean, what: string): ScalarTag => ({
  ...tag,
  identify: () => false,
  default: false,
  test: undefined,
  resolve: (s, onError) => {
    if (!valid(s)) onError(`could not convert ${JSON.stringify(s)} to ${what}`);
    return tag.resolve(s, onError, {} as never);
  },
});

const REPLACED = new Set(['tag:yaml.org,2002:bool', 'tag:yaml.org,2002:int', 'tag:yaml.org,2002:float']);

/**
 * For `customTags`: the package's `yaml-1.1` tags with bool/int/float replaced by PyYAML's
 * (null, timestamps, merge keys, `!!binary`, `!!set`, … stay the package's).
 */
export function pyYamlTags(tags: Tags): Tags {
  const kept = tags.filter((t) => typeof t === 'string' || !REPLACED.has(t.tag));
  return [
    ...kept, pyBool, pyInt, pyFloat,
    explicit(pyBool, (s) => BOOL.test(s), 'bool'),
    explicit(pyInt, (s) => PY_INT_TEXT.test(s), 'int'),
    explicit(pyFloat, (s) => PY_FLOAT_TEXT.test(s.replace(/_/g, '').toLowerCase()) || FLOAT.test(s), 'float'),
  ];
}

/** The options that make the `yaml` package read and write scalars the way PyYAML does. */
export const PYYAML_OPTIONS = { version: '1.1', customTags: pyYamlTags, uniqueKeys: false } as const;
