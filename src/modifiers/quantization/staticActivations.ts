/**
 * Static activation calibration (LLM Compressor 0.12 `quantization/calibration.py`): observers fed by hooks
 * on a Linear's input (`calibrate_input_hook`) or output (`calibrate_output_hook`), or on an attention's
 * key and value states as they enter the KV cache (`calibrate_key_hook`/`calibrate_value_hook`, keys after
 * RoPE). At the SEQUENTIAL_EPOCH_END covering a module its parameters are frozen (`update_qparams`); after
 * CALIBRATION_EPOCH_END a hook at the same site fake-quantizes with them. KV-cache `attn_head` keeps one
 * observer and one scale per KV head (`flatten_for_calibration`'s attention layout).
 */
import type { HookHandle, HooksMixin, HookType } from '../../model/hooksMixin.ts';
import type { Module } from '../../model/modules.ts';
import { Tensor, type DType } from '../../tensor/tensor.ts';
import type { TensorQParams } from '../../tensor/ops.ts';
import { ActivationObserver, staticActivationHook } from './activations.ts';
import type { QuantizationArgs } from './presets.ts';

/** Where a static observer watches: a Linear's input or output, an attention's keys or values. */
export type Site = 'input' | 'output' | 'k' | 'v';

const HOOK: Record<Site, HookType> = { input: 'forward_pre', output: 'forward', k: 'key', v: 'value' };

interface Watch {
  module: Module;
  args: QuantizationArgs;
  dtype: DType;
  /** One observer per head (`attn_head`), else one. */
  observers: ActivationObserver[];
  frozen: TensorQParams[] | null;
}

/** The columns [tokens, heads·hd] of head h as a [tokens, hd] tensor. */
function headOf(x: Tensor, heads: number, h: number): Tensor {
  const width = x.shape[1];
  const hd = width / heads;
  const rows = x.size / width;
  const out = Tensor.zeros([rows, hd], x.dtype);
  for (let t = 0; t < rows; t++) out.data.set(x.data.subarray(t * width + h * hd, t * width + (h + 1) * hd), t * hd);
  return out;
}

export class ActivationCalibration {
  readonly #watches = new Map<string, Watch>();
  readonly #handles: HookHandle[] = [];

  constructor(private readonly hooks: HooksMixin) {}

  static key = (name: string, site: Site): string => `${name}:${site}`;

  clear(): void {
    this.#watches.clear();
  }

  /** Observes `site` of `module` from now until `removeCalibrationHooks`; `heads` > 1 for `attn_head`. */
  watch(name: string, module: Module, site: Site, args: QuantizationArgs, dtype: DType, heads = 1): void {
    const observers = Array.from({ length: heads }, () => new ActivationObserver(args));
    this.#watches.set(ActivationCalibration.key(name, site), { module, args, dtype, observers, frozen: null });
    const observe = (x: Tensor): void => {
      if (heads === 1) observers[0].observe(x);
      else observers.forEach((o, h) => o.observe(headOf(x, heads, h)));
    };
    this.#handles.push(this.hooks.registerHook(module, observe, HOOK[site]));
  }

  /** `update_qparams` for the watched sites of covered modules; every observer forgets what it saw. */
  freeze(covered: (name: string) => boolean): void {
    for (const [key, w] of this.#watches) {
      if (covered(key.slice(0, key.lastIndexOf(':')))) {
        const params = w.observers.map((o) => o.qparams(w.dtype));
        if (params.every((p): p is TensorQParams => p !== null)) w.frozen = params;
      }
      for (const o of w.observers) o.reset(); // seen before its own subgraph's pass: upstream's hooks would not have run yet
    }
  }

  removeCalibrationHooks(): void {
    this.hooks.removeHooks(this.#handles);
    this.#handles.length = 0;
  }

  /** Registers the fake-quantization hook with the frozen parameters; false when the site was never calibrated. */
  apply(name: string, site: Site): boolean {
    const w = this.#watches.get(ActivationCalibration.key(name, site));
    if (!w?.frozen) return false;
    const frozen = w.frozen;
    const quantize = frozen.map((p) => staticActivationHook(p, w.args));
    const hook = frozen.length === 1 ? quantize[0] : (x: Tensor): Tensor => {
      const out = Tensor.zeros(x.shape, x.dtype);
      const width = x.shape[1];
      const hd = width / frozen.length;
      const rows = x.size / width;
      quantize.forEach((q, h) => {
        const head = q(headOf(x, frozen.length, h)).data;
        for (let t = 0; t < rows; t++) out.data.set(head.subarray(t * hd, (t + 1) * hd), t * width + h * hd);
      });
      return out;
    };
    this.hooks.registerHook(w.module, hook, HOOK[site]);
    return true;
  }

  /** The frozen parameters of a site (one per head for `attn_head`), for tests and reports. */
  params(name: string, site: Site): readonly TensorQParams[] | null {
    return this.#watches.get(ActivationCalibration.key(name, site))?.frozen ?? null;
  }
}
