/**
 * What a training run tells the outside world. The trainer knows nothing about the model or the
 * UI: it emits these, and the CLI's progress bar, the extension's worker and tests listen.
 * Discriminated on `type`, so they cross the worker and webview boundaries unchanged.
 */
export type TrainEvent =
  | {
      type: 'start';
      /** Backend actually in use: 'wasm', 'tensorflow' (tfjs-node) or 'cpu'. */
      backend: string;
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
      loss: number;
      /** null when there is no validation split. */
      valLoss: number | null;
      elapsedSeconds: number;
    }
  | { type: 'samples'; epoch: number; samples: TranslationSample[] }
  | { type: 'end'; reason: 'completed' | 'earlyStopped' | 'cancelled'; epochs: number; elapsedSeconds: number };

export interface TranslationSample {
  source: string;
  target: string;
  prediction: string;
}

export type TrainEventListener = (e: TrainEvent) => void;

export interface RunControl {
  onEvent?: TrainEventListener;
  /** Aborting stops training at the next batch boundary and rejects with a CANCELLED RnnLabError. */
  signal?: AbortSignal;
  /** How messages name the input file, e.g. its workspace-relative path (default: the path as given). */
  displayName?: string;
}
