/**
 * Host side of the training worker: one Worker per session (preview, then one run), one request
 * at a time, every pending promise settled when the worker answers, fails or exits.
 * No `vscode` import, so it is tested against the real dist/worker.js in plain Node
 * (test/extension/core/workerSession.test.ts).
 */
import { Worker } from 'node:worker_threads';
import type { ForecastOptions, ForecastResult } from '../../engine/forecast/types';
import type { TrainEvent } from '../../engine/train/events';
import type { CsvPreview } from '../../shared/protocol';
import type { HostToWorker, WireError, WorkerToHost } from '../../shared/workerProtocol';

/** Rejection value of every WorkerSession promise. */
export class WorkerError extends Error {
  override readonly name = 'WorkerError';
  constructor(readonly wire: WireError) {
    super(wire.text);
  }
}

export interface RunOutcome {
  result: ForecastResult;
  runDir: string | null;
  saveError?: string;
}

/** How long a cancelled run may take to reach its next batch boundary before the worker is killed. */
const CANCEL_GRACE_MS = 3000;

export class WorkerSession {
  private readonly worker: Worker;
  private pending: { resolve: (m: WorkerToHost) => void; reject: (e: WorkerError) => void } | null = null;
  private onEvent: ((e: TrainEvent) => void) | null = null;
  private exited = false;
  private cancelTimer: NodeJS.Timeout | null = null;

  constructor(
    workerPath: string,
    private readonly log: (line: string) => void = () => {},
  ) {
    this.worker = new Worker(workerPath);
    this.worker.on('message', (m: WorkerToHost) => this.receive(m));
    this.worker.on('error', (e) => this.fail({ code: 'INTERNAL', message: e.message, location: {}, text: `Training worker failed: ${e.message}`, stack: e.stack }));
    this.worker.on('exit', (code) => {
      this.exited = true;
      this.fail({ code: 'INTERNAL', message: `worker exited (${code})`, location: {}, text: `The training worker stopped unexpectedly (exit code ${code}).` });
    });
  }

  preview(file: string, fileName: string): Promise<CsvPreview> {
    return this.request({ type: 'preview', file, fileName }).then((m) => {
      if (m.type !== 'preview') throw new WorkerError(unexpected(m));
      return m.preview;
    });
  }

  /** Runs the engine's pre-training checks of the file with these options; rejects with their error. */
  check(file: string, fileName: string, options: Partial<ForecastOptions>): Promise<void> {
    return this.request({ type: 'check', file, fileName, options }).then((m) => {
      if (m.type !== 'checked') throw new WorkerError(unexpected(m));
    });
  }

  /** Trains (or applies a saved model); `onEvent` gets the engine's events as they happen. */
  run(msg: Extract<HostToWorker, { type: 'forecast' | 'predictSaved' }>, onEvent: (e: TrainEvent) => void): Promise<RunOutcome> {
    this.onEvent = onEvent;
    return this.request(msg).then((m) => {
      if (m.type !== 'done') throw new WorkerError(unexpected(m));
      return { result: m.result, runDir: m.runDir, saveError: m.saveError };
    });
  }

  /** Starts loading the engine in the worker; fire and forget. */
  warmup(): void {
    if (!this.exited) this.worker.postMessage({ type: 'warmup' } satisfies HostToWorker);
  }

  /** Asks the engine to stop at the next batch boundary; kills the worker if it does not. */
  cancel(): void {
    if (this.exited) return;
    this.worker.postMessage({ type: 'cancel' } satisfies HostToWorker);
    this.cancelTimer ??= setTimeout(() => {
      this.fail({ code: 'CANCELLED', message: 'Training was cancelled.', location: {}, text: 'Training was cancelled.' });
      void this.worker.terminate();
    }, CANCEL_GRACE_MS);
  }

  dispose(): void {
    if (this.cancelTimer) clearTimeout(this.cancelTimer);
    this.fail({ code: 'CANCELLED', message: 'Closed.', location: {}, text: 'Closed.' });
    if (!this.exited) void this.worker.terminate();
  }

  private request(msg: HostToWorker): Promise<WorkerToHost> {
    if (this.exited) return Promise.reject(new WorkerError({ code: 'INTERNAL', message: 'worker exited', location: {}, text: 'The training worker is not running.' }));
    if (this.pending) return Promise.reject(new WorkerError({ code: 'INTERNAL', message: 'busy', location: {}, text: 'The training worker is busy.' }));
    return new Promise<WorkerToHost>((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage(msg);
    });
  }

  private receive(m: WorkerToHost): void {
    switch (m.type) {
      case 'event':
        this.onEvent?.(m.event);
        return;
      case 'log':
        this.log(m.message);
        return;
      case 'error':
        if (m.error.stack) this.log(m.error.stack);
        this.fail(m.error);
        return;
      default:
        this.settle((p) => p.resolve(m));
    }
  }

  private fail(error: WireError): void {
    this.settle((p) => p.reject(new WorkerError(error)));
  }

  private settle(f: (p: NonNullable<WorkerSession['pending']>) => void): void {
    const p = this.pending;
    this.pending = null;
    this.onEvent = null;
    if (this.cancelTimer) {
      clearTimeout(this.cancelTimer);
      this.cancelTimer = null;
    }
    if (p) f(p);
  }
}

function unexpected(m: WorkerToHost): WireError {
  return { code: 'INTERNAL', message: `unexpected ${m.type}`, location: {}, text: `The training worker sent an unexpected ${m.type} message.` };
}
