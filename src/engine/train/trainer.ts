/**
 * The training loop. It knows nothing about models: a TrainTask supplies variables, batches and a
 * loss (and, for small models, a direct step that computes the loss and its gradient on kernel
 * memory, skipping tfjs's per-op cost); the trainer differentiates, steps the optimiser, checks the loss is finite, honours the
 * AbortSignal, stops a run that diverges, does early stopping, and emits TrainEvents that the CLI, the worker and tests hang
 * their progress bars, charts and checks on.
 */
import * as tf from '@tensorflow/tfjs-core';
import { RnnLabError } from '../errors';
import { checkOption } from '../options';
import { opt } from '../../shared/errors';
import { say } from '../../shared/said';
import { TRAINER_OPTIONS } from '../../shared/options/trainer';
import { FusedOptimizer, type FlatParameters, type OptimizerConfig } from './optimizers';
import type { RunControl } from './events';
import { kernelEngine } from '../kernels/parallel';

/** `S`: what the task's samples are (the trainer only passes them on in its 'samples' events). */
export interface TrainTask<B, S = never> {
  variables: tf.Variable[];
  /** The batches of one epoch (0-based), e.g. shuffled with the task's seeded Rng. */
  epochBatches(epoch: number): Iterable<B>;
  batchesPerEpoch: number;
  trainExamples: number;
  validationExamples: number;
  /** Examples in a batch, to weight the epoch's mean loss. */
  sizeOf(batch: B): number;
  /** Mean loss over the batch; called inside tf.variableGrads. */
  loss(batch: B): tf.Scalar;
  /**
   * The same step without tfjs, where the task has one for this batch: forward, loss and backward
   * on kernel memory, every variable's gradient written into flat's gradient block; returns the
   * loss as `loss` gives it, or null to take the tfjs path for this batch. It must read the weights
   * from flat's parameter block only: the tf.Variables lag behind it between direct steps (the
   * trainer writes them back where anything else reads them; see RunControl). The tfjs path is the
   * reference; RNN_LAB_DIRECT_STEP=off takes it for every batch (and Seq2Seq.greedy's tfjs path).
   */
  directStep?(batch: B, flat: FlatParameters): number | null;
  /**
   * A batch loss above this is far above what a model that knows nothing scores (an untrained
   * model's loss is near that). When the median loss of the last batches (divergenceWindow) is
   * above it, training has diverged: the run stops with DIVERGED, as a non-finite loss stops with
   * NON_FINITE_LOSS, instead of finishing with nonsense weights (and saving them over a good
   * model). The median, so that a spike training recovers from (SGD at a high learning rate
   * does) is not a stop, and a diverged run whose loss dips now and then still is.
   */
  divergenceLoss?: number;
  /** Mean validation loss, when there is a validation split. */
  validationLoss?(): number;
  /** Samples to show after an epoch (seq2seq: translations of a few test pairs). */
  samples?(epoch: number): S[];
  /** Measurements to report at the samples' cadence (named numbers; the trainer does not read them). */
  evaluate?(epoch: number): Record<string, number>;
}

export interface TrainerConfig {
  epochs: number;
  optimizer: OptimizerConfig;
  /** Global gradient-norm clipping; 0 = off. */
  clipNorm?: number;
  /** Stop after this many epochs without validation improvement (restoring the best weights); 0 = off. */
  patience?: number;
  /** Emit samples every this many epochs (and after the last); 0 = never. */
  sampleEvery?: number;
  /** The flow's usual learning rate, offered when training diverges or the loss is not finite. */
  usualLr?: number;
  /** Name of the backend in use, reported in the start event. */
  backend: string;
}

export interface TrainSummary {
  epochs: number;
  finalLoss: number;
  /** One entry per epoch; epoch counts from 1. */
  history: { epoch: number; loss: number; valLoss: number | null }[];
  stoppedEarly: boolean;
  seconds: number;
}

/** Yield to the event loop at most this often, so cancel messages and timers get through. */
const YIELD_MS = 50;
/** The lower median: above a limit only when more than half of `xs` are. */
function median(xs: readonly number[]): number {
  return [...xs].sort((a, b) => a - b)[(xs.length - 1) >> 1];
}

/** A loss in a message: three significant digits, in exponent form only when it is huge (8.12e+7). */
function lossText(x: number): string {
  return Math.abs(x) < 1e6 ? String(Number(x.toPrecision(3))) : x.toExponential(2);
}

/**
 * How many of the last batches' losses the divergence check takes the median of (see TrainTask):
 * a fifth of the run, at least 20 and at most 200. Measured on the course's pairs with SGD
 * (losses are bimodal there: memorised pairs score ~0): the largest median over 200 batches was
 * 19.9 at lr 2 and 0 at lr 0.5, 1 and 5, runs that reach 67–83% token accuracy, and 160 at lr 9.9,
 * a run that never learns; the limit there is 10·ln 15 = 27.1.
 */
export function divergenceWindow(totalBatches: number): number {
  return Math.min(200, Math.max(20, Math.ceil(totalBatches / 5)));
}

function cancelled(): RnnLabError {
  return new RnnLabError('CANCELLED', say('Training was cancelled.'), undefined);
}

export async function train<B, S = never>(task: TrainTask<B, S>, config: TrainerConfig, control: RunControl<S> = {}): Promise<TrainSummary> {
  const { onEvent, signal } = control;
  const { epochs, clipNorm = 0, patience = 0, sampleEvery = 0 } = config;
  checkOption(TRAINER_OPTIONS.epochs, epochs);
  const optimizer = new FusedOptimizer(task.variables, config.optimizer);
  const flat = task.directStep && process.env.RNN_LAB_DIRECT_STEP !== 'off' ? optimizer.flat() : null;
  const t0 = performance.now();
  let lastYield = t0;
  const history: TrainSummary['history'] = [];
  let best = Infinity;
  let bestWeights: Float32Array[] | null = null;
  let sinceBest = 0;
  let stoppedEarly = false;
  let step = 0;
  /** The last `window` batch losses, as a ring, and how many of them are above divergenceLoss. */
  const recent: number[] = [];
  let above = 0;
  const window = divergenceWindow(epochs * task.batchesPerEpoch);
  // The lower median of a full window is above the limit exactly when this many losses are: a
  // count kept as the ring turns, instead of sorting the window after every batch (that sort was
  // 5% of lab 11-5's 5,000 batch-1 steps).
  const aboveForMedian = window - ((window - 1) >> 1);
  onEvent?.({
    type: 'start',
    backend: config.backend,
    engine: kernelEngine(),
    epochs,
    batchesPerEpoch: task.batchesPerEpoch,
    trainExamples: task.trainExamples,
    validationExamples: task.validationExamples,
  });
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      let sum = 0;
      let count = 0;
      let batchIndex = 0;
      for (const batch of task.epochBatches(epoch)) {
        if (signal?.aborted) throw cancelled();
        let grads: tf.NamedTensorMap | null = null;
        let loss = flat ? task.directStep!(batch, flat) : null;
        if (loss === null) {
          // The tfjs path reads the tf.Variables: bring them up to the direct steps' updates.
          optimizer.writeBack();
          const r = tf.variableGrads(() => task.loss(batch), task.variables);
          loss = r.value.dataSync()[0];
          r.value.dispose();
          grads = r.grads;
        }
        let diverged = false;
        if (task.divergenceLoss !== undefined) {
          const slot = step % window;
          if (slot < recent.length && recent[slot] > task.divergenceLoss) above--;
          recent[slot] = loss;
          if (loss > task.divergenceLoss) above++;
          diverged = recent.length === window && above >= aboveForMedian;
        }
        if (!Number.isFinite(loss) || diverged) {
          if (grads) tf.dispose(grads);
          const at = say('at epoch {0}, batch {1} (step {2})', epoch + 1, batchIndex + 1, step + 1);
          const { lr } = config.optimizer;
          const usual = config.usualLr !== undefined && config.usualLr < lr ? config.usualLr : undefined;
          throw new RnnLabError(
            diverged ? 'DIVERGED' : 'NON_FINITE_LOSS',
            diverged
              ? say("Training diverged: the median loss of the last {0} batches is {1} {2}, above {3}, far above an untrained model's.", window, lossText(median(recent)), at, lossText(task.divergenceLoss!))
              : say('The loss became {0} {1}.', String(loss), at),
            usual !== undefined
              ? say('Lower the learning rate (now {0}), for example to {1}, or turn on gradient clipping (e.g. {2}).', opt('lr', lr), opt('lr', usual), opt('clipNorm', 1))
              : say('Lower the learning rate (now {0}) or turn on gradient clipping (e.g. {1}).', opt('lr', lr), opt('clipNorm', 1)),
            {},
            { suggest: { option: 'lr', value: usual ?? lr / 10 } },
          );
        }
        if (grads) {
          optimizer.applyGradients(grads, clipNorm);
          tf.dispose(grads);
        } else {
          // Direct steps read and write the flat block alone; the tf.Variables catch up (writeBack)
          // before anything else can read the model: a tfjs step, a yield to the event loop (a
          // worker's Try a sentence), validation, metrics and samples, and the end. (Lab 11-4 is
          // one full batch an epoch: a write-back per epoch would be one per step.)
          optimizer.update(clipNorm, false);
        }
        const n = task.sizeOf(batch);
        sum += loss * n;
        count += n;
        step++;
        onEvent?.({ type: 'batchEnd', epoch: epoch + 1, batch: batchIndex + 1, step, loss });
        batchIndex++;
        const now = performance.now();
        if (now - lastYield > YIELD_MS) {
          optimizer.writeBack();
          await new Promise<void>((r) => setImmediate(r));
          lastYield = performance.now();
        }
      }
      const loss = count > 0 ? sum / count : NaN;
      const valLoss = task.validationLoss ? (optimizer.writeBack(), task.validationLoss()) : null;
      history.push({ epoch: epoch + 1, loss, valLoss });
      onEvent?.({ type: 'epochEnd', epoch: epoch + 1, step, loss, valLoss, elapsedSeconds: (performance.now() - t0) / 1000 });
      const last = epoch === epochs - 1;
      if (sampleEvery > 0 && ((epoch + 1) % sampleEvery === 0 || last)) {
        optimizer.writeBack();
        if (task.evaluate) onEvent?.({ type: 'metrics', epoch: epoch + 1, values: task.evaluate(epoch) });
        if (task.samples) onEvent?.({ type: 'samples', epoch: epoch + 1, samples: task.samples(epoch) });
      }
      if (patience > 0 && valLoss !== null) {
        if (valLoss < best) {
          best = valLoss;
          sinceBest = 0;
          bestWeights = task.variables.map((v) => (v.dataSync() as Float32Array).slice());
        } else if (++sinceBest >= patience) {
          stoppedEarly = true;
          break;
        }
      }
    }
    if (stoppedEarly && bestWeights) {
      // Keras's restore_best_weights: end on the epoch that did best on validation. (Nothing is
      // left to write back after validation; if it were, the finally's writeBack would undo this.)
      optimizer.writeBack();
      task.variables.forEach((v, i) => {
        const t = tf.tensor(bestWeights![i], v.shape);
        v.assign(t);
        t.dispose();
      });
    }
  } catch (e) {
    if (e instanceof RnnLabError && e.code === 'CANCELLED') {
      optimizer.writeBack();
      onEvent?.({ type: 'end', reason: 'cancelled', epochs: history.length, elapsedSeconds: (performance.now() - t0) / 1000 });
    }
    throw e;
  } finally {
    try {
      optimizer.writeBack();
    } finally {
      optimizer.dispose();
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  onEvent?.({ type: 'end', reason: stoppedEarly ? 'earlyStopped' : 'completed', epochs: history.length, elapsedSeconds: seconds });
  return { epochs: history.length, finalLoss: history[history.length - 1]?.loss ?? NaN, history, stoppedEarly, seconds };
}
