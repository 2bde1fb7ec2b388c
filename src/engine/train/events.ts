/**
 * How a caller follows and stops a run. The events themselves are declared in src/shared/events.ts
 * (they cross the worker and webview boundaries); the trainer knows nothing of what a flow's
 * samples are, so the sample payload is a type parameter the flow fills in.
 */
import type { TrainEventListener } from '../../shared/events';
import type { Seq2SeqSample } from '../../shared/seq2seq';
export type { LossPoint, TrainEvent, TrainEventListener } from '../../shared/events';

/** The seq2seq flow's sample, under the name the library exported it by first. */
export type TranslationSample = Seq2SeqSample;

export interface RunControl<S = unknown> {
  /**
   * Called synchronously from the training loop. With direct steps the model's tf.Variables lag
   * behind the optimiser between batches: they are current in the task's validationLoss, evaluate
   * and samples (so at the metrics and samples events), at an epoch's end when there is validation,
   * in anything that runs while the loop yields to the event loop, at the cancelled end, and once
   * training has returned; not at batchEnd.
   */
  onEvent?: TrainEventListener<S>;
  /** Aborting stops training at the next batch boundary and rejects with a CANCELLED RnnLabError. */
  signal?: AbortSignal;
  /** How messages name the input file, e.g. its workspace-relative path (default: the path as given). */
  displayName?: string;
}
