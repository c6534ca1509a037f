/**
 * QuIPModifier (LLM Compressor 0.12 `transform/quip/base.py`): fields `rotations` (['v', 'u']),
 * `transform_type`, `targets` ('Linear'), `randomize`/`learnable` (True is NotImplementedError upstream),
 * `precision`, `transform_block_size`, `ignore` ('lm_head'), `transform_config`. The incoherence
 * transforms are not computed.
 */
import { asBool, asOptionalInt, asStringList, field, FieldTypeError, type FieldSpecs } from '../../core/fields.ts';
import { Modifier, type ModifierArgs } from '../modifier.ts';
import { UncomputedModifier } from './base.ts';

function notSupported(name: string) {
  return (v: unknown): boolean => {
    if (v) throw new FieldTypeError(`${name} is not supported right now`);
    return asBool(v);
  };
}

function parseRotations(v: unknown): Array<'v' | 'u'> {
  const list = asStringList(v).map((x) => x.toLowerCase());
  for (const r of list) if (r !== 'v' && r !== 'u') throw new FieldTypeError("Input should be 'v' or 'u'");
  return list as Array<'v' | 'u'>;
}

function parseTransformType(v: unknown): string {
  if (v === 'hadamard' || v === 'random-hadamard' || v === 'random-matrix') return v;
  throw new FieldTypeError("Input should be 'hadamard', 'random-hadamard' or 'random-matrix'");
}

export class QuIPModifier extends UncomputedModifier {
  static override readonly fields: FieldSpecs = [
    ...Modifier.fields,
    field<Array<'v' | 'u'>>('rotations', 'rotations', ['v', 'u'], parseRotations),
    field<string>('transform_type', 'transformType', 'random-hadamard', parseTransformType),
    field<string[]>('targets', 'targets', ['Linear'], asStringList),
    field<boolean>('randomize', 'randomize', false, notSupported('randomize')),
    field<boolean>('learnable', 'learnable', false, notSupported('learnable')),
    field<string>('precision', 'precision', 'float64', (v) => String(v)),
    field<number | null>('transform_block_size', 'transformBlockSize', null, asOptionalInt),
    field<string[]>('ignore', 'ignore', ['lm_head'], asStringList),
    field<unknown>('transform_config', 'transformConfig', null, (v) => v ?? null),
  ];
  declare rotations: Array<'v' | 'u'>;
  declare transformType: string;
  declare targets: string[];
  declare randomize: boolean;
  declare learnable: boolean;
  declare precision: string;
  declare transformBlockSize: number | null;
  declare ignore: string[];
  declare transformConfig: unknown;
  protected readonly uncomputed = "QuIP's incoherence transforms (the V and U Hadamard rotations around each targeted Linear)";

  constructor(args: ModifierArgs & Record<string, unknown> = {}) {
    super(args);
  }
}
