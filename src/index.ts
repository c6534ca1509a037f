/**
 * llmc-sim's public API (shared/spec/api.md). Names are LLM Compressor's, in camelCase; exports are
 * listed one by one so the public surface stays deliberate.
 */
import './modifiers/builtins.ts';

// Errors
export { ValueError, RuntimeError, NotImplementedError } from './core/errors.ts';
export {
  EventOrderError,
  ReservedEventTypeError,
  LossRequiredError,
  EventBeforeInitializeError,
  EventAfterFinalizeError,
  FinalizeBeforeInitializeError,
  FinalizeTwiceError,
  ModifierAlreadyInitializedError,
  ModifierAlreadyFinalizedError,
  ModifierFinalizeTwiceError,
  ModifierFinalizeUninitializedError,
  ModifierUpdateUninitializedError,
  ModifierUpdateFinalizedError,
  UnknownEventTypeError,
} from './core/lifecycleErrors.ts';

// Events
export { EventType, Event, pyStr, pyRepr, parseEventType, isEventType, eventsEqual, EventNotEpochBasedError, ZeroStepsPerEpochError } from './core/events.ts';
export type { EventInit } from './core/events.ts';
export { pyMod, pyFloorDiv } from './core/python.ts';

// Machines
export { modifierMachine, phaseOf } from '../machines/modifier.machine.ts';
export type { ModifierPhase, ModifierFlags } from '../machines/modifier.machine.ts';
export { lifecycleOrderMachine } from '../machines/lifecycle.machine.ts';

// Modifiers
export { Modifier } from './modifiers/modifier.ts';
export type { ModifierArgs, ModifierClass, Kwargs, HookName, HookContext } from './modifiers/modifier.ts';
export { ModifierFactory, ModifierNotFoundError } from './modifiers/factory.ts';
export { ModifierValidationError, field } from './core/fields.ts';
export type { FieldSpec, FieldSpecs } from './core/fields.ts';
export { MagnitudePruningModifier, ConstantPruningModifier } from './modifiers/pruning/index.ts';
export { SpinQuantModifier } from './modifiers/spinquant/index.ts';
export { QuantizationModifier } from './modifiers/quantization/index.ts';
export { HooksMixin } from './model/hooksMixin.ts';

// State, lifecycle, session
export { State } from './core/state.ts';
export type { Data, Hardware, StateChanges } from './core/state.ts';
export { CompressionLifecycle } from './lifecycle/lifecycle.ts';
export { ReentrantCallError, RecordsSubscriberError } from './lifecycle/errors.ts';
export { FIDELITY_POLICIES } from './lifecycle/fidelityPolicy.ts';
export type { FidelityPolicy } from './lifecycle/fidelityPolicy.ts';
export type { Fidelity, InitializeOptions, EventOptions, LifecycleOptions } from './lifecycle/lifecycle.ts';
export { enforceEventOrder } from './core/operators/enforceEventOrder.ts';
export { nextOrderState } from './core/order.ts';
export type { LifecycleRecord, CallRecord, EffectRecord, RejectionRecord } from './core/records.ts';
export { CompressionSession, activeSession, createSession, resetSession } from './lifecycle/session.ts';
export type { ModifiedState } from './lifecycle/session.ts';
export { callbacks } from './lifecycle/callbacks.ts';
export { setWarningSink } from './core/logger.ts';
export { applyCall } from './lifecycle/calls.ts';
export type { LifecycleCall } from './lifecycle/calls.ts';

// Recipes
export { Recipe } from './recipe/recipe.ts';
export type { RecipeInput } from './recipe/recipe.ts';

// Simulation
export { simulateTraining, trainingCalls } from './sim/training.ts';
export { oneshot } from './sim/oneshot.ts';

// Models and tensors
export { Model, loadModel, saveSafetensors, createSyntheticModel, getHeadDim, builtinModelPath } from './model/index.ts';
export type { ModelConfig, Module, BuiltinModelName } from './model/index.ts';
export { Tensor } from './tensor/tensor.ts';

// The LLM Compressor 0.12 catalog (docs/modifiers/)
export { GPTQModifier } from './modifiers/gptq/index.ts';
export { SparseGPTModifier } from './modifiers/sparsegpt/index.ts';
export { WandaPruningModifier } from './modifiers/wanda/index.ts';
export { SmoothQuantModifier, LogarithmicEqualizationModifier } from './modifiers/smoothquant/index.ts';
export { OutputDistillationModifier } from './modifiers/removed/index.ts';
export { IMatrixGatherer } from './modifiers/quantization/imatrixGatherer.ts';
export { QuIPModifier } from './modifiers/quip/index.ts';
export { AutoRoundModifier } from './modifiers/autoround/index.ts';
export { AWQModifier, DEFAULT_AWQ_MAPPINGS, type AWQModifierArgs, type AwqErrorMetric } from './modifiers/awq/index.ts';

// Journal (docs/journal-format.md)
export {
  toJsonValue,
  serializeRecord,
  recordTo,
  writeJournal,
  readJournal,
  replayJournal,
  journalRecords,
  stateAt,
  Timeline,
  diffJournals,
  memorySink,
  trainingDriverCalls,
  recordOneshot,
  journalReference,
  SnapshotCache,
  readSnapshotFile,
  writeSnapshotFile,
  snapshotPath,
  JournalDamageError,
  JournalModelError,
  JournalReplayError,
  ReferencedJournalError,
} from './log/index.ts';
export type { JournalHeader, CallEntry, Journal, Recorder, HeaderInput, ReplayResult, Divergence, EffectDifference, StateSummary, JournalDiff, DriverCall } from './log/index.ts';

// Verify (exhaustive exploration of lifecycle call sequences; docs/verify.md)
export { ProbeModifier, ProbeHookError } from './modifiers/probe.ts';
export { verify } from './verify/verify.ts';
export type { VerifyReport, PropertyReport, Verdict, VerifyOptions } from './verify/verify.ts';
export { explore } from './verify/explore.ts';
export { defaultConfig, parseConfig, loadConfig, probe, recipeText } from './verify/config.ts';
export type { VerifyConfig, ProbeSpec } from './verify/config.ts';
export { BUILTIN_PROPERTIES, findProperties } from './verify/properties.ts';
export type { Property, StateProperty, TransitionProperty, PatternProperty, Expectation } from './verify/properties.ts';
export type { LifecycleView, ModifierView, TransitionView } from './verify/model.ts';
export { formatCounterexample, reproduce } from './verify/counterexample.ts';
export type { Counterexample } from './verify/counterexample.ts';
export { saveCounterexample, loadCounterexample } from './verify/saveCounterexample.ts';
export { toPromela } from './verify/promela.ts';
