/**
 * The forecast flow: CSV → setup form → worker training → run panel; also opening saved runs and
 * applying saved models. What every flow shares (the worker session, progress, status bar,
 * panels' lifecycle) is in core/; this file says only what is forecast's own.
 */
import * as vscode from 'vscode';
import { basename, dirname, join, resolve } from 'node:path';
import type { ForecastResult } from '../../../shared/forecast';
import { READ_KEYS, type FormValues, type PreviewProblem, type PreviewState, type ReadOptions, type RunViewState } from '../../../shared/protocol';
import type { WorkerAsk } from '../../../shared/workerProtocol';
import { columnList } from '../../../shared/quote';
import { FlowBase } from '../../core/flow';
import { t, WORDS } from '../../core/strings';
import type { TrainingSessions } from '../../core/training';
import { WorkerError, WorkerSession } from '../../core/workerSession';
import { readRun, readRunResult, runIdFor, type RunListing } from '../../runs/store';
import { allRunsRoots, runsRootFor, type RunItem, type RunsView } from '../../runs/view';
import { backendFromSettings, formToOptions, formValuesFromRun, initialFormValues, threadsFromSettings, validateFormValues } from '../../settings';
import { errorText } from '../../core/errorText';
import { showEngineError } from '../../core/errorNotice';
import { exportImage, saveModel } from './exports';
import { pickCsv, pickModel } from './pickers';
import { RunPanel, restoredState, type RunPanelMessage } from './runPanel';
import { FormError, SetupPanel } from './setupPanel';

export class ForecastFlow extends FlowBase<RunPanel, SetupPanel> {
  /** The run panel of the run in progress, once it is open. */
  private activePanel: RunPanel | null = null;
  /** While a run trains: opens a new panel for it, from the state of its closed one, and sends it the rest of the run. */
  private reopenActive: ((state: RunViewState) => void) | null = null;

  constructor(context: vscode.ExtensionContext, output: vscode.LogOutputChannel, runsView: RunsView, training: TrainingSessions) {
    super(context, output, runsView, training, { run: RunPanel.viewType, setup: SetupPanel.viewType });
  }

  /** The flow's commands, registered by the composition root. */
  commands(): Record<string, (...args: never[]) => unknown> {
    return {
      'rnnLab.forecast': (uri?: vscode.Uri) => this.forecast(uri),
      'rnnLab.forecastWithSaved': (arg?: unknown) => this.forecastWithSaved(arg),
      'rnnLab.cancelTraining': () => this.training.cancel(),
      'rnnLab.showTraining': () => this.showTraining(),
    };
  }

  /**
   * RNN Lab: Forecast with LSTM. `uri` comes from the Explorer or editor title; else the active CSV,
   * else ask. `preset` (a stored run's config, to re-run it) fills the form instead of the settings.
   */
  async forecast(uri?: vscode.Uri, preset?: Readonly<Record<string, unknown>>): Promise<void> {
    const file = uri instanceof vscode.Uri ? uri : await pickCsv(t('Forecast with LSTM'), true);
    if (!file) return;
    if (this.training.busy) {
      void vscode.window.showWarningMessage(t('RNN Lab is already training. Cancel that run first, or wait for it to finish.'), t('Show Run')).then((a) => a && this.showTraining());
      return;
    }
    const fileName = vscode.workspace.asRelativePath(file, false);
    const session = new WorkerSession(this.workerPath, this.log);
    const readPreview = async (options: Partial<ReadOptions>) => {
      const preview = await session.request({ type: 'preview', file: file.fsPath, fileName, ...options });
      this.log(`${fileName}: ${preview.totalRows} rows, numeric columns ${columnList(preview.columns)}; order ${preview.order.detected}${preview.order.reversed ? ' (reversed to oldest first)' : ''}`);
      return preview;
    };
    const failed = (e: unknown): PreviewState => {
      this.output.warn(errorText(e));
      return { kind: 'failed', fileName, problem: previewProblem(e) };
    };
    let first: PreviewState;
    try {
      first = { kind: 'ready', preview: await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: t('Reading {0}', fileName) }, () => readPreview({})) };
    } catch (e) {
      // A file the form's read options can fix (ambiguous dates, decimal commas) opens the form on
      // that field, its suggested value chosen; any other error is a notification, as before.
      if (!previewProblem(e).option) {
        session.dispose();
        this.showError(e, file);
        return;
      }
      first = failed(e);
    }
    // The worker loads tfjs and the model code while the user fills in the form.
    session.warmup();
    const config = vscode.workspace.getConfiguration('rnnLab');
    const initial = initialFormValues((k) => config.get(k), first.kind === 'ready' ? first.preview : null, first.kind === 'failed' ? suggestedRead(first.problem) : {});
    const values = preset ? formValuesFromRun(initial, preset, first.kind === 'ready' ? first.preview.columns : []) : initial;
    let started = false;
    const setup = this.setupPanels.create(t('RNN Lab: {0}', fileName), (panel) =>
      new SetupPanel(
        panel,
        this.context.extensionUri,
        first,
        values,
        {
          start: async (v, columns) => {
            const problems = validateFormValues(v, columns, WORDS);
            if (problems.length) throw new FormError(problems.map((p) => p.message).join(' '), problems[0].option);
            if (this.training.busy) throw new Error(t('Another training run is in progress.'));
            await this.train(session, file, fileName, v);
            started = true;
          },
          read: (options) => readPreview(options).then((preview): PreviewState => ({ kind: 'ready', preview }), failed),
          onCspViolation: (d, u) => this.output.warn(`CSP violation in the setup form: ${d} ${u}`),
        },
        this.log,
      ),
    );
    setup.onDidDispose(() => {
      if (!started && !this.training.isRunning(session)) session.dispose();
    });
  }

  /**
   * Starts training in the session's worker. Resolves once the engine reports `start` (the run
   * panel is open then); rejects with a readable message when the run fails before that, so the
   * setup form can show it and stay open. The engine checks the file with these options first, so
   * a file that cannot train (too few rows for the windows, say) fails before any panel opens.
   */
  private async train(session: WorkerSession, file: vscode.Uri, fileName: string, values: FormValues): Promise<void> {
    const setting = (k: string) => vscode.workspace.getConfiguration('rnnLab').get(k);
    const options = formToOptions(values, backendFromSettings(setting), threadsFromSettings(setting));
    const runId = runIdFor(new Date());
    const ask: WorkerAsk<'forecast'> = { type: 'forecast', file: file.fsPath, fileName, options, store: { root: this.runsRootFor(file), runId } };
    const initial: RunViewState = { runId, fileName, source: 'train', history: [], phase: { kind: 'training', epochs: values.epochs, backend: null } };
    this.log(`Training on ${fileName}: ${JSON.stringify(options)}`);
    try {
      await session.request({ type: 'check', file: file.fsPath, fileName, options });
    } catch (e) {
      this.showError(e, file);
      throw new FormError(errorText(e), e instanceof WorkerError ? e.wire.option : undefined);
    }
    // The run panel opens now and training starts once it has loaded (plotly takes a moment), so
    // the live loss curve is seen from the first epoch.
    const panel = this.openPanel(initial);
    await panel.whenReady(10_000);
    if (panel.isDisposed) throw new Error(t('The run panel was closed before training started.'));
    return this.runInWorker(session, ask, initial, file, t('RNN Lab: training on {0}', basename(file.fsPath)), panel);
  }

  /**
   * Runs a forecast or a saved-model prediction with the training UI around it. Resolves when
   * the engine starts (the run panel is then open); rejects when the run fails before that.
   */
  private runInWorker(
    session: WorkerSession,
    ask: WorkerAsk<'forecast' | 'predictSaved'>,
    initial: RunViewState,
    file: vscode.Uri,
    title: string,
    preOpened: RunPanel | null = null,
  ): Promise<void> {
    let panel = preOpened;
    this.activePanel = panel;
    const reopen = (state: RunViewState) => {
      panel = this.openPanel(state);
      this.activePanel = panel;
    };
    this.reopenActive = reopen;
    const done = () => {
      if (this.reopenActive === reopen) this.reopenActive = null;
    };
    const epochs = initial.phase.kind === 'training' ? initial.phase.epochs : 0;
    return new Promise<void>((resolveStarted, rejectStarted) => {
      let started = false;
      const openPanel = (): RunPanel => {
        if (!started) {
          started = true;
          resolveStarted();
        }
        panel ??= this.openPanel(initial);
        this.activePanel = panel;
        return panel;
      };
      const onEvent = (e: Parameters<Parameters<TrainingSessions['run']>[2]['onEvent']>[0]) => {
        if (e.type === 'start') {
          if (initial.phase.kind === 'training') initial.phase.backend = e.backend;
          openPanel();
        } else if (e.type === 'epochEnd') {
          openPanel().addEpoch({ epoch: e.epoch, loss: e.loss, valLoss: e.valLoss });
        }
      };
      this.training.run(session, ask, { title, subject: initial.fileName, epochs, onEvent }).then(
        (outcome) => {
          const p = openPanel();
          p.setState({ ...p.runState, phase: { kind: 'done', result: outcome.result, runDir: outcome.runDir } });
          this.logResult(outcome.result, outcome.runDir);
          if (outcome.saveError) void vscode.window.showWarningMessage(t('RNN Lab: the run finished but could not be saved: {0}', outcome.saveError));
          this.runsView.refresh();
          if (this.activePanel === p) this.activePanel = null;
          done();
        },
        (e: unknown) => {
          const cancelled = e instanceof WorkerError && e.wire.code === 'CANCELLED';
          if (cancelled) this.log('Training cancelled; earlier runs are untouched.');
          else this.showError(e, file);
          if (!started && panel) {
            // Failed before training began (e.g. too few rows): the setup form shows the error instead.
            panel.dispose();
            panel = null;
          }
          if (panel) panel.setState({ ...panel.runState, phase: cancelled ? { kind: 'cancelled' } : { kind: 'failed', message: errorText(e) } });
          if (this.activePanel === panel || !panel) this.activePanel = null;
          done();
          if (!started) rejectStarted(new Error(errorText(e)));
        },
      );
    });
  }

  private logResult(r: ForecastResult, runDir: string | null): void {
    const f = (x: number | null) => (x === null ? 'n/a' : x.toFixed(4));
    this.log(`Test RMSE ${f(r.test.rmse)} MAE ${f(r.test.mae)} MAPE ${f(r.test.mape)}% | persistence RMSE ${f(r.naive.rmse)} MAE ${f(r.naive.mae)} MAPE ${f(r.naive.mape)}%`);
    if (runDir) this.log(`Saved run in ${runDir}`);
  }

  /** RNN Lab: Forecast with Saved Model… — a saved model applied to a CSV with the same columns. */
  async forecastWithSaved(arg?: unknown): Promise<void> {
    let modelDir: string | undefined;
    if (typeof arg === 'object' && arg !== null && 'run' in arg) modelDir = join((arg as RunItem).run.dir, 'model');
    else if (typeof arg === 'string') modelDir = arg;
    modelDir ??= await pickModel();
    if (!modelDir) return;
    const file = await pickCsv(t('Forecast with this model'), false);
    if (!file) return;
    if (this.training.busy) {
      void vscode.window.showWarningMessage(t('RNN Lab is already training. Cancel that run first, or wait for it to finish.'));
      return;
    }
    const fileName = vscode.workspace.asRelativePath(file, false);
    const runId = runIdFor(new Date());
    const initial: RunViewState = { runId, fileName, source: 'saved', history: [], phase: { kind: 'training', epochs: 0, backend: null } };
    const session = new WorkerSession(this.workerPath, this.log);
    this.log(`Applying the model in ${modelDir} to ${fileName}`);
    const ask: WorkerAsk<'predictSaved'> = { type: 'predictSaved', modelDir, file: file.fsPath, fileName, store: { root: this.runsRootFor(file), runId } };
    await this.runInWorker(session, ask, initial, file, t('RNN Lab: forecasting {0} with a saved model', basename(file.fsPath))).catch(() => {
      // already reported by runInWorker
    });
  }

  /**
   * Opens a stored run (from the Runs tree) in a run panel, as it was left: a done run with its
   * result; a cancelled, failed or interrupted one with its curve so far.
   */
  async openRun(listing: RunListing): Promise<void> {
    const dir = listing.dir;
    try {
      const { run, metrics } = await readRun(dir);
      const history = metrics.map((m) => ({ epoch: m.epoch, loss: m.loss, valLoss: m.valLoss ?? null }));
      const base = { runId: run.id, fileName: vscode.workspace.asRelativePath(run.dataset.path, false), source: run.kind === 'saved-model' ? ('saved' as const) : ('train' as const) };
      switch (run.status) {
        case 'done': {
          const result = await readRunResult(dir);
          this.openPanel({ ...base, history: result.history, phase: { kind: 'done', result, runDir: dir } });
          return;
        }
        case 'running': {
          // The run this window trains: its panel, or a new one that goes on from the closed one's state.
          if (this.activePanel && this.activePanel.runState.runId === run.id && (!this.activePanel.isDisposed || this.reopenActive)) {
            if (this.activePanel.isDisposed) this.reopenActive?.(this.activePanel.runState);
            else this.activePanel.reveal();
          } else this.openPanel({ ...base, history, phase: { kind: 'training', epochs: Number(run.config.epochs) || 0, backend: run.backend } });
          return;
        }
        case 'cancelled':
          this.openPanel({ ...base, history, phase: { kind: 'cancelled' } });
          return;
        case 'interrupted':
          this.openPanel({ ...base, history, phase: { kind: 'interrupted' } });
          return;
        case 'failed':
          this.openPanel({ ...base, history, phase: { kind: 'failed', message: run.error ?? t('The run failed.') } });
          return;
      }
    } catch (e) {
      void vscode.window.showErrorMessage(t('RNN Lab: cannot open the run in {0}: {1}', dir, errorText(e)));
    }
  }

  /** Re-runs a stored run: the setup form on its data file, filled with its config. */
  async rerun(listing: RunListing): Promise<void> {
    if (listing.run.kind === 'saved-model') {
      const modelDir = listing.run.config.modelDir;
      if (typeof modelDir === 'string') await this.forecastWithSaved(modelDir);
      return;
    }
    await this.forecast(vscode.Uri.file(listing.run.dataset.path), listing.run.config);
  }

  showTraining(): void {
    if (this.activePanel && !this.activePanel.isDisposed) this.activePanel.reveal();
    else this.output.show(true);
  }

  /** Rebuilds a run panel after a window reload (the run panels' serializer). */
  protected revive(panel: vscode.WebviewPanel, state: unknown): RunPanel {
    let initial: RunViewState;
    try {
      initial = restoredState(state);
      const dir = initial.phase.kind === 'done' ? initial.phase.runDir : null;
      // The state is the page's: its run folder must be one of this window's runs folders.
      const roots = [...allRunsRoots(), runsRootFor(undefined, this.context.globalStorageUri.fsPath)].map((r) => resolve(r));
      if (dir !== null && !roots.includes(dirname(resolve(dir)))) throw new Error(`${dir} is not in a runs folder of this window`);
    } catch (e) {
      this.log(`Rejected the restored state of a run panel: ${(e as Error).message}`);
      initial = {
        runId: 'unknown',
        fileName: t('unknown file'),
        source: 'train',
        history: [],
        phase: { kind: 'failed', message: t('This run panel could not be restored. Open the run again from the RNN Lab view.') },
      };
    }
    return new RunPanel(panel, this.context.extensionUri, initial, this.onRunMessage, this.log);
  }

  private openPanel(state: RunViewState): RunPanel {
    return this.runPanels.create(t('RNN Lab: {0}', state.fileName), (panel) => new RunPanel(panel, this.context.extensionUri, state, this.onRunMessage, this.log));
  }

  private readonly onRunMessage = (panel: RunPanel, m: RunPanelMessage): void => {
    switch (m.type) {
      case 'cancel':
        if (this.activePanel === panel) this.training.cancel();
        return;
      case 'saveModel':
        void saveModel(panel, this.log, errorText);
        return;
      case 'forecastWithSaved': {
        const phase = panel.runState.phase;
        if (phase.kind === 'done' && phase.runDir && panel.runState.source === 'train') void this.forecastWithSaved(join(phase.runDir, 'model'));
        else void this.forecastWithSaved();
        return;
      }
      case 'exportImage':
        void exportImage(panel, m.format, m.dataUrl);
        return;
      case 'cspViolation':
        this.output.warn(`CSP violation in the run panel: ${m.directive} ${m.blockedURI}`);
        return;
    }
  };

  /** Runs go beside the data: the CSV's workspace folder, else the first one, else extension storage. */
  private runsRootFor(file: vscode.Uri): string {
    return runsRootFor(vscode.workspace.getWorkspaceFolder(file) ?? vscode.workspace.workspaceFolders?.[0], this.context.globalStorageUri.fsPath);
  }

  /** An error notification; when the engine names a line, a button opens the file there. */
  private showError(e: unknown, file: vscode.Uri): void {
    showEngineError(this.output, errorText(e), e, file);
  }
}

/** Why a preview failed, for the form: the read option it is about, if any, and the value the engine suggests for it. */
function previewProblem(e: unknown): PreviewProblem {
  const option = e instanceof WorkerError ? e.wire.option : undefined;
  if (!option || !(READ_KEYS as readonly string[]).includes(option)) return { message: errorText(e) };
  const suggest = e instanceof WorkerError && e.wire.suggest?.option === option ? e.wire.suggest.value : undefined;
  return suggest === undefined ? { message: errorText(e), option } : { message: errorText(e), option, suggest };
}

/** The read option a failed preview suggests, as the form's initial value (the engine suggests only values of its table). */
function suggestedRead(p: PreviewProblem): Partial<ReadOptions> {
  return p.option && p.suggest !== undefined ? ({ [p.option]: p.suggest } as Partial<ReadOptions>) : {};
}
