/**
 * Host side of the training worker: one Worker per session (a preview, then one run), any number
 * of requests in flight, each paired with its answer by id (src/shared/channel.ts), and every
 * pending promise settled when the worker answers, fails or exits. Flow-agnostic: a flow's
 * requests are declared in src/shared/workerProtocol.ts and served by its worker handlers.
 * No `vscode` import, so it is tested against the real dist/worker.js in plain Node
 * (test/extension/core/workerSession.test.ts).
 */
import { Worker } from 'node:worker_threads';
import { PendingRequests } from '../../shared/channel';
import type { TrainEvent } from '../../shared/events';
import type { HostToWorker, WireError, WorkerAnswer, WorkerAsk, WorkerRequestType, WorkerToHost } from '../../shared/workerProtocol';

/** Rejection value of every WorkerSession promise. */
export class WorkerError extends Error {
  override readonly name = 'WorkerError';
  constructor(readonly wire: WireError) {
    super(wire.text);
  }
}

/** How long a cancelled run may take to reach its next batch boundary before the worker is killed. */
const CANCEL_GRACE_MS = 3000;

function internal(message: string, text: string): WireError {
  return { code: 'INTERNAL', message, location: {}, text };
}

export class WorkerSession {
  private readonly worker: Worker;
  private readonly pending = new PendingRequests();
  /** The engine's events of each request in flight that asked for them. */
  private readonly listeners = new Map<number, (e: TrainEvent) => void>();
  private exited = false;
  /** Settles when the worker thread has stopped, however it stopped (its exit code). */
  readonly exit: Promise<number>;
  private cancelTimer: NodeJS.Timeout | null = null;

  /**
   * `execArgv`: the worker thread's Node flags, by default the host's. The bench passes none: it
   * runs under tsx, whose loader (and source maps) would otherwise follow the worker and slow its
   * training by 5–8%, which the extension host, running plain JavaScript, never pays.
   */
  constructor(
    workerPath: string,
    private readonly log: (line: string) => void = () => {},
    options: { execArgv?: string[] } = {},
  ) {
    this.worker = new Worker(workerPath, options.execArgv ? { execArgv: options.execArgv } : {});
    this.exit = new Promise((resolve) => this.worker.once('exit', resolve));
    this.worker.on('message', (m: WorkerToHost) => this.receive(m));
    this.worker.on('error', (e) => this.failAll({ ...internal(e.message, `Training worker failed: ${e.message}`), stack: e.stack }));
    this.worker.on('exit', (code) => {
      this.exited = true;
      this.failAll(internal(`worker exited (${code})`, `The training worker stopped unexpectedly (exit code ${code}).`));
    });
  }

  /** Sends one request; `onEvent` gets the engine's events while it runs. Rejects with a WorkerError. */
  request<T extends WorkerRequestType>(ask: WorkerAsk<T>, onEvent?: (e: TrainEvent) => void): Promise<WorkerAnswer<T>> {
    if (this.exited) return Promise.reject(new WorkerError(internal('worker exited', 'The training worker is not running.')));
    return this.pending.request<WorkerAnswer<T>>((id) => {
      if (onEvent) this.listeners.set(id, onEvent);
      this.worker.postMessage({ type: 'request', id, ask: ask as WorkerAsk } satisfies HostToWorker);
    });
  }

  /** Starts loading the engine in the worker; fire and forget. */
  warmup(): void {
    this.request({ type: 'warmup' }).catch(() => {
      // a failed warm-up shows again, with its message, in the request that needs the engine
    });
  }

  /** Asks every run in flight to stop at the next batch boundary; kills the worker if one does not. */
  cancel(): void {
    if (this.exited) return;
    for (const id of this.listeners.keys()) this.worker.postMessage({ type: 'cancel', id } satisfies HostToWorker);
    this.cancelTimer ??= setTimeout(() => {
      this.failAll({ code: 'CANCELLED', message: 'Training was cancelled.', location: {}, text: 'Training was cancelled.' });
      void this.worker.terminate();
    }, CANCEL_GRACE_MS);
  }

  dispose(): void {
    this.clearCancelTimer();
    this.failAll({ code: 'CANCELLED', message: 'Closed.', location: {}, text: 'Closed.' });
    if (!this.exited) void this.worker.terminate();
  }

  private receive(m: WorkerToHost): void {
    switch (m.type) {
      case 'event':
        this.listeners.get(m.id)?.(m.event);
        return;
      case 'log':
        this.log(m.message);
        return;
      case 'error':
        if (m.error.stack) this.log(m.error.stack);
        this.settled(m.id);
        this.pending.reject(m.id, new WorkerError(m.error));
        return;
      case 'reply':
        this.settled(m.id);
        this.pending.resolve(m.id, m.answer);
        return;
    }
  }

  private settled(id: number): void {
    if (this.listeners.delete(id) && this.listeners.size === 0) this.clearCancelTimer();
  }

  private clearCancelTimer(): void {
    if (this.cancelTimer) clearTimeout(this.cancelTimer);
    this.cancelTimer = null;
  }

  /** Rejects every request in flight; a session whose worker is gone refuses new ones too. */
  private failAll(error: WireError): void {
    this.listeners.clear();
    this.clearCancelTimer();
    const e = new WorkerError(error);
    if (this.exited) this.pending.close(e);
    else for (const id of this.pending.ids()) this.pending.reject(id, e);
  }
}
