/** AutoRoundModifier's warnings: what llmc-sim computes differently from upstream, in plain words. */

export const AUTOROUND_LAYERWISE =
  "AutoRoundModifier: llmc-sim tunes each targeted Linear's rounding and min-max clipping on that layer's own output error " +
  "(auto-round's layer-wise quantize_layer); upstream tunes them on each decoder layer's output as a whole (quantize_block, " +
  'through attention and the MLP together), which is not computed by llmc-sim (see docs/modifiers/AutoRoundModifier.md)';

export const OPT_RTN_NOT_COMPUTED =
  "AutoRoundModifier: iters 0 is auto-round's RTN mode; its optimized RTN (disable_opt_rtn: false, a scale search per group) " +
  'is not computed by llmc-sim: plain round-to-nearest with the scheme instead (set disable_opt_rtn: true to silence this)';

export const STATIC_ACTIVATIONS_NOT_IN_LOOP =
  'AutoRoundModifier: static input activations are not quantized inside the tuning loop by llmc-sim (upstream tunes with them ' +
  'quantized); they are calibrated as QuantizationModifier does, after tuning on float inputs';

export const floatWeightsNotTuned = (name: string, format: string) =>
  `AutoRoundModifier: ${name} has ${format} weights, whose AutoRound tuning is not computed by llmc-sim; it is quantized by round-to-nearest with the scheme instead`;

/** A targeted Linear no calibration batch reached (no dataset): it gets RTN, and says so. */
export const noCalibrationSamples = (name: string) =>
  `AutoRoundModifier: ${name} saw no calibration data, so it is quantized by round-to-nearest (pass a dataset for AutoRound)`;
