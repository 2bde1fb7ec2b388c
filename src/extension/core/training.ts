/**
 * A training run as the user sees it, for every flow: the worker session, a progress
 * notification with Cancel, the status-bar item and the output channel, all fed by the trainer's
 * typed events. One run at a time (one status-bar item, one Cancel). The flow supplies the
 * request, the number of epochs, and what to do with each event and with the answer.
 */
import * as vscode from 'vscode';
import { join } from 'node:path';
import type { TrainEvent } from '../../shared/events';
import { count } from '../../shared/runs';
import type { RunStoreTarget, WorkerAnswer, WorkerAsk, WorkerRequestType } from '../../shared/workerProtocol';
import { markRunStopped } from '../runs/store';
import { Disposable } from './disposable';
import { t } from './strings';
import type { WorkerSession } from './workerSession';

/** Progress notification and status bar refresh at most this often. */
const UI_REFRESH_MS = 100;

export interface TrainingRun {
  /** The notification's title. */
  title: string;
  /** What is trained on, for the status bar's tooltip. */
  subject: string;
  epochs: number;
  /** Trained by steps (seq2seq's iterations): the progress counts steps out of this, not epochs. */
  steps?: number;
  /** The engine's events, after the session has logged and shown them. */
  onEvent(e: TrainEvent): void;
}

export class TrainingSessions extends Disposable {
  private readonly status: vscode.StatusBarItem;
  private current: { session: WorkerSession; cancelled: boolean } | null = null;

  constructor(private readonly output: vscode.LogOutputChannel) {
    super();
    this.status = this._register(vscode.window.createStatusBarItem('rnnLab.training', vscode.StatusBarAlignment.Left, 50));
    this.status.name = t('RNN Lab training');
    this.status.command = 'rnnLab.showTraining';
    this._register({ dispose: () => this.current?.session.dispose() });
  }

  get busy(): boolean {
    return this.current !== null;
  }

  /** True while `session` is the one training. */
  isRunning(session: WorkerSession): boolean {
    return this.current?.session === session;
  }

  cancel(): void {
    if (!this.current) return;
    this.output.info(t('Cancelling training…'));
    this.current.cancelled = true;
    this.current.session.cancel();
  }

  /**
   * Runs `ask` in the session's worker with the notification and status bar around it, and
   * disposes the session when it settles. Rejects with the worker's error (CANCELLED included).
   */
  async run<T extends WorkerRequestType>(session: WorkerSession, ask: WorkerAsk<T>, run: TrainingRun): Promise<WorkerAnswer<T>> {
    const current = { session, cancelled: false };
    this.current = current;
    const { epochs } = run;
    try {
      return await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: run.title, cancellable: true }, (progress, token) => {
        token.onCancellationRequested(() => this.cancel());
        let lastUi = 0;
        let reported = 0;
        let last: { epoch: number; step: number; loss: number } | null = null;
        const refresh = (force: boolean) => {
          const now = Date.now();
          if (!last || (!force && now - lastUi < UI_REFRESH_MS)) return;
          lastUi = now;
          const [done, total] = run.steps ? [last.step, run.steps] : [last.epoch, epochs];
          const pct = total ? (100 * done) / total : 0;
          const loss = last.loss.toPrecision(4);
          progress.report({ message: run.steps ? t('step {0}/{1} · loss {2}', count(done), count(total), loss) : t('epoch {0}/{1} · loss {2}', done, total, loss), increment: pct - reported });
          reported = pct;
          this.status.text = `$(loading~spin) ${t('RNN Lab {0}/{1}', run.steps ? count(done) : done, run.steps ? count(total) : total)}`;
          this.status.tooltip = t('Training on {0}: loss {1}. Click to show the run.', run.subject, last.loss.toPrecision(4));
        };
        this.status.text = `$(loading~spin) ${t('RNN Lab: starting')}`;
        this.status.show();
        return session.request(ask, (e) => {
          switch (e.type) {
            case 'start':
              this.log(`Backend ${e.backend}, kernels ${e.engine}; ${e.trainExamples} training windows, ${e.validationExamples} validation windows, ${e.batchesPerEpoch} batch(es) per epoch`);
              break;
            case 'epochEnd':
              last = { epoch: e.epoch, step: e.step, loss: e.loss };
              if (e.epoch === 1 || e.epoch % Math.max(1, Math.round(epochs / 10)) === 0) {
                this.log(`epoch ${e.epoch}/${epochs} loss ${e.loss.toPrecision(5)}${e.valLoss === null ? '' : ` val ${e.valLoss.toPrecision(5)}`} (${e.elapsedSeconds.toFixed(1)} s)`);
              }
              break;
            case 'end':
              this.log(`Training ${e.reason} after ${e.epochs} epochs, ${e.elapsedSeconds.toFixed(1)} s`);
              break;
          }
          run.onEvent(e);
          if (e.type === 'epochEnd') refresh(false);
          if (e.type === 'end') refresh(true);
        });
      });
    } finally {
      session.dispose();
      if (this.current === current) this.current = null;
      this.status.hide();
      const store = (ask as { store?: RunStoreTarget }).store;
      if (store) void this.settleStoredRun(session, join(store.root, store.runId), current.cancelled);
    }
  }

  /**
   * Once the worker has stopped, its run cannot be training: a run.json still marked running (the
   * thread died, or a cancel had to stop it mid-batch) is marked cancelled or interrupted now, so
   * the Runs view says so at once, with the curve so far.
   */
  private async settleStoredRun(session: WorkerSession, dir: string, cancelled: boolean): Promise<void> {
    await session.exit;
    try {
      if (await markRunStopped(dir, cancelled ? 'cancelled' : 'interrupted', 'The training worker stopped before the run ended.')) this.log(`Marked the run in ${dir} ${cancelled ? 'cancelled' : 'interrupted'}: its worker stopped first.`);
    } catch (e) {
      this.output.warn(`Could not mark the run in ${dir} as stopped: ${(e as Error).message}`);
    }
  }

  private log(line: string): void {
    this.output.info(line);
  }
}
