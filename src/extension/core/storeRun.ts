/**
 * A training run's passage through the run store, in the worker, for every flow that trains: the
 * engine's run with its events written as they come, a failure or cancel recorded on the run, then
 * the model saved into the run's folder and the run ended with its result and headline. A save
 * that fails after training that did not is reported beside the result, never instead of it.
 */
import { RunWriter, type RunEnd, type RunKind, type RunStart } from '../runs/store';
import type { RunStoreTarget } from '../../shared/workerProtocol';
import type { HandlerContext } from './workerHandlers';

/** What an engine's train call gives back: its result, a way to save the model, and to free it. */
export interface TrainedRun<R> {
  result: R;
  save(dir: string): Promise<void>;
  dispose(): void;
}

/** Makes the run's folder (status running), naming the tfjs this worker runs. */
export async function startRun<K extends RunKind>(root: string, start: Omit<RunStart<K>, 'tfjsVersion'>): Promise<RunWriter<K>> {
  const { versions } = await import('../../engine/backend');
  return RunWriter.create(root, { ...start, tfjsVersion: versions().tfjsCore });
}

/** A training run's folder: its config the resolved options, its seed and backend theirs. */
export function startTrainingRun<K extends RunKind>(kind: K, ask: { file: string; store: RunStoreTarget }, options: { seed: number; backend?: string }): Promise<RunWriter<K>> {
  return startRun(ask.store.root, { kind, id: ask.store.runId, datasetPath: ask.file, config: { ...options }, seed: options.seed, backend: options.backend ?? 'auto' });
}

export async function trainAndStore<K extends RunKind, R>(
  writer: RunWriter<K>,
  ctx: HandlerContext,
  train: () => Promise<TrainedRun<R>>,
  ending: (result: R) => Omit<RunEnd<K>, 'status' | 'result'>,
): Promise<{ result: R; runDir: string; saveError?: string }> {
  let run: TrainedRun<R>;
  try {
    run = await train();
  } catch (e) {
    await writer.endWith(e);
    throw e;
  }
  const result = run.result;
  let saveError: string | undefined;
  try {
    await writer.saveModel((dir) => run.save(dir));
  } catch (e) {
    saveError = ctx.toWire(e).text;
  } finally {
    run.dispose();
  }
  try {
    await writer.end({ status: 'done', result, ...ending(result) });
  } catch (e) {
    saveError ??= ctx.toWire(e).text;
  }
  return { result, runDir: writer.dir, saveError };
}
