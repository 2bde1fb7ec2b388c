/**
 * The seq2seq flow's half of the training worker: check a pair file (the course's numbers before
 * training), train and store a translator, translate with the model being trained or a saved one.
 * Runs in the worker thread only (bundled into dist/worker.js); the engine is imported lazily.
 *
 * Batch ends are thinned here, in the worker: the course's loop takes thousands of steps a second,
 * and one message per step would cost more than the step. A forwarded batchEnd carries the mean
 * loss of the steps since the previous one; the last of an epoch is always forwarded before the
 * epoch's end, so the host knows the exact step of every report, metric and sample.
 */
import { RnnLabError } from '../../../engine/errors';
import type { Translator } from '../../../engine/seq2seq/run';
import type { TrainEvent } from '../../../shared/events';
import { startTrainingRun, trainAndStore } from '../../core/storeRun';
import type { WorkerHandlers } from '../../core/workerHandlers';

/** At most one batchEnd per this many milliseconds reaches the host. */
const THIN_MS = 100;

/** The model of the run in progress in this worker, for Try a sentence during training. */
let live: Translator | null = null;
/** Saved models this worker has loaded, by folder (a translation session keeps them for the next sentence). */
const loaded = new Map<string, Promise<Translator>>();

function thinBatches(onEvent: (e: TrainEvent) => void): (e: TrainEvent) => void {
  let last = 0;
  let sum = 0;
  let n = 0;
  let pending: Extract<TrainEvent, { type: 'batchEnd' }> | null = null;
  const flush = () => {
    if (pending) onEvent({ ...pending, loss: sum / n });
    pending = null;
    sum = 0;
    n = 0;
    last = performance.now();
  };
  return (e) => {
    if (e.type === 'batchEnd') {
      sum += e.loss;
      n++;
      pending = e;
      if (performance.now() - last >= THIN_MS) flush();
      return;
    }
    if (e.type === 'epochEnd' || e.type === 'end') flush();
    onEvent(e);
  };
}

export const seq2seqHandlers: WorkerHandlers<'seq2seq.check' | 'seq2seq.train' | 'seq2seq.translate'> = {
  async 'seq2seq.check'(ask) {
    const { checkSeq2SeqFile } = await import('../../../engine/seq2seq/run');
    return checkSeq2SeqFile(ask.file, ask.options, { displayName: ask.fileName });
  },

  async 'seq2seq.train'(ask, ctx) {
    const { runSeq2Seq, resolveSeq2SeqOptions } = await import('../../../engine/seq2seq/run');
    const options = resolveSeq2SeqOptions(ask.options);
    const writer = await startTrainingRun('seq2seq', ask, options);
    const forward = thinBatches(ctx.onEvent);
    try {
      return await trainAndStore(
        writer,
        ctx,
        () =>
          // The live model goes with the end of training: trainAndStore disposes it once saved.
          runSeq2Seq(ask.file, ask.options, {
            onEvent: (e) => (writer.onEvent(e), forward(e)),
            signal: ctx.signal,
            displayName: ask.fileName,
            heldOutLoss: true,
            onTranslator: (t) => (live = t),
          }).finally(() => (live = null)),
        (result) => ({ headline: { tokenAccuracy: result.test.tokenAccuracy, bleu: result.test.bleu, exactMatch: result.test.exactMatch } }),
      );
    } finally {
      live = null;
    }
  },

  async 'seq2seq.translate'(ask) {
    let translator = live;
    if (ask.modelDir !== undefined) {
      const dir = ask.modelDir;
      if (!loaded.has(dir)) {
        const { loadTranslator } = await import('../../../engine/seq2seq/run');
        const { initBackend } = await import('../../../engine/backend');
        const p = initBackend('auto').then(() => loadTranslator(dir));
        loaded.set(dir, p);
        p.catch(() => loaded.delete(dir));
      }
      translator = await loaded.get(dir)!;
    }
    // The host then waits for the run's end and asks its stored model (seq2seq/controller.ts).
    if (!translator) throw new RnnLabError('NO_MODEL', 'No model is being trained in this session.');
    return translator.translate(ask.sentences);
  },
};
