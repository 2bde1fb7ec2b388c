/**
 * How much memory a model and a training batch will take, worked out from their sizes before
 * anything is allocated. Sizes within the option tables' bounds can still be far too large
 * together (`--hidden 4096 --layers 16`, a full batch of a million windows, a damaged config.json):
 * without the estimate they end in "Invalid typed array length" or an out-of-memory kill; with it
 * the run is refused with the estimate and a smaller size that fits, found by the same estimate,
 * so following the hint works.
 */
import type { ForecasterConfig } from './forecaster';
import type { Seq2SeqConfig } from './seq2seq';

/** Float32 weights, their gradients and Adam's two moments: 4 copies of 4 bytes per parameter. */
const TRAIN_BYTES_PER_PARAM = 16;
/** What a model's parameters may take while training. */
export const MODEL_BYTES_LIMIT = 1 << 30;
/** What one training batch's activations may take (forward and backward). */
export const BATCH_BYTES_LIMIT = 768 << 20;

/** Parameters of a stacked LSTM (PyTorch's layout: 4 gates, two biases) and its linear head. */
export function forecasterParams(c: ForecasterConfig): number {
  const H = c.hidden;
  let n = H + 1; // fc
  for (let l = 0; l < c.layers; l++) n += 4 * H * ((l === 0 ? c.inputSize : H) + H) + 8 * H;
  return n;
}

/** Parameters of the GRU encoder-decoder: two embeddings, two GRUs, the output layer, attention. */
export function seq2seqParams(c: Seq2SeqConfig): number {
  const H = c.hidden;
  const gru = 3 * H * (2 * H) + 6 * H;
  const attention = c.attention === 'none' ? 0 : (c.attention === 'general' ? H * H : 0) + 2 * H * H + H;
  return (c.sourceVocab + c.targetVocab) * H + 2 * gru + H * c.targetVocab + c.targetVocab + attention;
}

export function modelBytes(params: number): number {
  return params * TRAIN_BYTES_PER_PARAM;
}

/** Forecast batch: per window step, ~14·H floats per layer (gates, states, their gradients) plus the input. */
export function forecastBatchBytes(windows: number, c: ForecasterConfig): number {
  return windows * c.seqLength * (14 * c.hidden * c.layers + 2 * c.inputSize) * 4;
}

/**
 * Seq2seq batch of `pairs` pairs of up to `tokens` tokens a side: the logits over the target
 * vocabulary with their softmax and gradient (3 floats per token and word), and ~12·H floats per
 * token for the two GRUs and the embeddings.
 */
export function seq2seqBatchBytes(pairs: number, tokens: number, c: Seq2SeqConfig): number {
  return pairs * tokens * (3 * c.targetVocab + 12 * c.hidden) * 4;
}

export function gib(bytes: number): string {
  const g = bytes / (1 << 30);
  return g >= 10 ? `${Math.round(g).toLocaleString('en')} GiB` : g >= 0.1 ? `${g.toFixed(1)} GiB` : `${Math.ceil(bytes / (1 << 20))} MiB`;
}

/** The largest power of two ≤ `from` for which `fits` holds, or 0 when not even 1 does. */
export function largestFitting(from: number, fits: (v: number) => boolean): number {
  if (!(from >= 1)) return 0;
  let v = 1;
  while (v * 2 <= from) v *= 2;
  for (; v >= 1; v /= 2) if (fits(v)) return v;
  return 0;
}

/** Whether a model of `params` and a batch of `batch` bytes fit the limits. */
export function fitsMemory(params: number, batch: number): boolean {
  return modelBytes(params) <= MODEL_BYTES_LIMIT && batch <= BATCH_BYTES_LIMIT;
}
