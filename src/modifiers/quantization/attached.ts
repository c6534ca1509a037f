/**
 * What compressed-tensors attaches to modules (`module.quantization_scheme`, the quantized weight): upstream,
 * a GPTQModifier without a config of its own quantizes the modules an earlier QuantizationModifier attached
 * schemes to, and a weight GPTQ wrote is final. Modules here are plain holders, so the attachment lives in
 * weak maps keyed by module and weight tensor.
 */
import type { Module } from '../../model/modules.ts';
import type { Tensor } from '../../tensor/tensor.ts';
import type { QuantizationScheme } from './presets.ts';

const schemes = new WeakMap<Module, QuantizationScheme>();
const finalWeights = new WeakSet<Tensor>();

export function attachScheme(module: Module, scheme: QuantizationScheme): void {
  schemes.set(module, scheme);
}

/** The scheme a quantization modifier attached to `module`, if any. */
export function attachedScheme(module: Module): QuantizationScheme | undefined {
  return schemes.get(module);
}

/** Marks a weight as already quantized in its final form (GPTQ's output): RTN must not round it again. */
export function markQuantized(weight: Tensor): void {
  finalWeights.add(weight);
}

export function isQuantized(weight: Tensor): boolean {
  return finalWeights.has(weight);
}
