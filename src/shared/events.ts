/**
 * What a training run tells the outside world. The trainer knows nothing about the model or the
 * UI: it emits these, and the CLI's progress bar, the extension's worker and tests listen.
 * Discriminated on `type`, so they cross the worker and webview boundaries unchanged.
 *
 * `S` is the flow's sample payload (seq2seq: a translation of a test pair); the trainer passes
 * whatever its task's `samples()` returns and knows nothing of what it is.
 */
export type TrainEvent<S = unknown> =
  | {
      type: 'start';
      /** Backend actually in use: 'wasm', 'tensorflow' (tfjs-node) or 'cpu'. */
      backend: string;
      /** What runs the fused kernels and large products, e.g. "WASM relaxed SIMD (FMA), 2 threads". */
      engine: string;
      epochs: number;
      batchesPerEpoch: number;
      trainExamples: number;
      validationExamples: number;
    }
  /** epoch and batch count from 1 (as Keras prints them); step counts batches since the start. */
  | { type: 'batchEnd'; epoch: number; batch: number; step: number; loss: number }
  | {
      type: 'epochEnd';
      /** From 1. */
      epoch: number;
      /** Batches since the start at this epoch's end: its last batchEnd's step. */
      step: number;
      loss: number;
      /** null when there is no validation split. */
      valLoss: number | null;
      elapsedSeconds: number;
    }
  | { type: 'samples'; epoch: number; samples: S[] }
  /**
   * The task's own measurements after an epoch, at the samples' cadence (seq2seq: token accuracy,
   * exact match and BLEU-4 of greedy translations); the trainer passes them on unread.
   */
  | { type: 'metrics'; epoch: number; values: Record<string, number> }
  | { type: 'end'; reason: 'completed' | 'earlyStopped' | 'cancelled'; epochs: number; elapsedSeconds: number }
  /**
   * A long loop outside the training steps (forecasting far past the last row, decoding many
   * sentences), reported when it has run for more than a second; `done` of `total` units.
   */
  | { type: 'progress'; task: 'forecast' | 'translate'; done: number; total: number; elapsedSeconds: number };

export type TrainEventListener<S = unknown> = (e: TrainEvent<S>) => void;

/** One point of a loss curve: what the trainer's history holds and the run panel draws. */
export interface LossPoint {
  epoch: number;
  loss: number;
  valLoss: number | null;
}
