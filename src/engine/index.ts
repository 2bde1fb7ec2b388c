/**
 * RNN Lab's engine as a library (built to dist/engine/index.js, CommonJS). Plain Node: no vscode,
 * no DOM. Call `initBackend()` once before using tensors directly; the run* functions do it.
 * `tf` is the tfjs-core instance the engine is bundled with: tensors made with another copy of
 * tfjs are not this engine's, so make them with this one (or pass plain arrays to the packing
 * functions).
 */
export * as tf from '@tensorflow/tfjs-core';
export { initBackend, currentBackend, tfjsNodeAvailable, tensorCount, versions, BACKEND_NAMES, type BackendName } from './backend';
export { RnnLabError, isRnnLabError, type ErrorCode, type ErrorLocation, type ErrorAbout, type OptionRef, type Suggestion } from './errors';
export { FORECAST_OPTIONS, SEQ2SEQ_OPTIONS, TRAINER_OPTIONS, type OptionSpec, type NamedSpec } from '../shared/options';
export { Rng } from './random';

export {
  padSequence,
  packSequence,
  packPaddedSequence,
  padPackedSequence,
  packLayout,
  paddedRowsForPacked,
  type PackedSequence,
  type PackLayout,
  type SequenceInput,
  type PaddedInput,
} from './packing';
export { RNN, type RnnConfig, type RnnMode, type RnnOutput, type RnnState } from './nn/rnn';
export { lstmLayer, gruLayer, registerRnnKernels } from './kernels/rnnKernels';

export * from './data';
export { Forecaster, type ForecasterConfig, type StateDict } from './models/forecaster';
export { Linear } from './models/linear';
export { FusedOptimizer, type OptimizerConfig, type OptimizerName } from './train/optimizers';
export { train, type TrainTask, type TrainerConfig, type TrainSummary } from './train/trainer';
export type { TrainEvent, TrainEventListener, RunControl, TranslationSample } from './train/events';
export { errorMetrics } from './metrics';

export { FORECAST_DEFAULTS, type ForecastOptions, type ForecastResult, type ErrorMetrics } from './forecast/types';
export { runForecast, checkForecastFile, predictWithSaved, loadForecaster, resolveForecastOptions, type ForecastRun, type ForecastControl } from './forecast/run';

export { Seq2Seq, makeBatch, type Seq2SeqConfig, type Seq2SeqBatch, type PairIds, type GreedyResult, type TeacherForcedOutput } from './models/seq2seq';
export { LuongAttention, type LuongScore, type AttentionMemory } from './models/attention';
export { LinearT, linearT } from './models/linearT';
export { translationAccuracy, corpusBleu } from './metrics';
export {
  SEQ2SEQ_DEFAULTS,
  type Seq2SeqOptions,
  type Seq2SeqResult,
  type Seq2SeqSample,
  type Seq2SeqFileCheck,
  type Translation,
  type TranslationMetrics,
  type AttentionKind,
} from './seq2seq/types';
export {
  runSeq2Seq,
  checkSeq2SeqFile,
  loadTranslator,
  translateWithSaved,
  prepareSeq2SeqData,
  measureTranslations,
  resolveSeq2SeqOptions,
  Translator,
  REPORT_EVERY,
  type Seq2SeqRun,
  type Seq2SeqData,
  type Seq2SeqControl,
} from './seq2seq/run';
