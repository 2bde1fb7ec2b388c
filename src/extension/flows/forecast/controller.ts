/**
 * The forecast flow: CSV → setup form → worker training (progress notification, status bar,
 * output channel) → run panel. Also opening saved runs and applying saved models.
 */
import * as vscode from 'vscode';
import { basename, join } from 'node:path';
import type { TrainEvent } from '../../../engine/train/events';
import type { ForecastResult } from '../../../engine/forecast/types';
import type { FormValues, RunToHost, RunViewState } from '../../../shared/protocol';
import { RunPanel, restoredState } from './runPanel';
import { allRuns, type RunItem, type RunsView } from '../../runs/view';
import { readRunResult, readRunSummary, runIdFor, runsRoot, type RunConfig } from '../../runs/store';
import { backendFromSettings, formToOptions, initialFormValues, validateFormValues } from '../../settings';
import { FORM_NAMER } from '../../formLabels';
import { errorLine } from '../../../shared/errors';
import { FormError } from './setupPanel';
import { SaveRefused, saveModelFolder } from './modelSave';
import { SetupPanel } from './setupPanel';
import { WorkerError, WorkerSession } from '../../core/workerSession';
import type { HostToWorker } from '../../../shared/workerProtocol';

/** Progress notification and status bar refresh at most this often. */
const UI_REFRESH_MS = 100;

interface ActiveRun {
  session: WorkerSession;
  panel: RunPanel | null;
}

export class ForecastController implements vscode.Disposable {
  private readonly panels = new Set<RunPanel>();
  private active: ActiveRun | null = null;
  private readonly status: vscode.StatusBarItem;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly output: vscode.LogOutputChannel,
    private readonly runsView: RunsView,
  ) {
    this.status = vscode.window.createStatusBarItem('rnnLab.training', vscode.StatusBarAlignment.Left, 50);
    this.status.name = 'RNN Lab training';
    this.status.command = 'rnnLab.showTraining';
  }

  private get workerPath(): string {
    return vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'worker.js').fsPath;
  }

  private log = (line: string): void => this.output.info(line);

  // -------------------------------------------------------------------------------------------
  // Commands

  /** RNN Lab: Forecast with LSTM. `uri` comes from the Explorer or editor title; else ask. */
  async forecast(uri?: vscode.Uri): Promise<void> {
    const file = uri instanceof vscode.Uri ? uri : await pickCsv('Forecast with LSTM');
    if (!file) return;
    if (this.active) {
      void vscode.window.showWarningMessage('RNN Lab is already training. Cancel that run first, or wait for it to finish.', 'Show Run').then((a) => a && this.showTraining());
      return;
    }
    const fileName = vscode.workspace.asRelativePath(file, false);
    const session = new WorkerSession(this.workerPath, this.log);
    let preview;
    try {
      preview = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Reading ${fileName}` }, () => session.preview(file.fsPath, fileName));
    } catch (e) {
      session.dispose();
      this.showError(e, file);
      return;
    }
    this.log(`${fileName}: ${preview.totalRows} rows, numeric columns ${preview.columns.join(', ')}; order ${preview.order.detected}${preview.order.reversed ? ' (reversed to oldest first)' : ''}`);
    // The worker loads tfjs and the model code while the user fills in the form.
    session.warmup();
    const config = vscode.workspace.getConfiguration('rnnLab');
    const values = initialFormValues((k) => config.get(k), preview);
    let started = false;
    new SetupPanel(
      this.context.extensionUri,
      preview,
      values,
      {
        start: async (v) => {
          const problems = validateFormValues(v, preview.columns);
          if (problems.length) throw new FormError(problems.map((p) => p.message).join(' '), problems[0].option);
          if (this.active) throw new Error('Another training run is in progress.');
          await this.train(session, file, fileName, v);
          started = true;
        },
        onCspViolation: (d, u) => this.output.warn(`CSP violation in the setup form: ${d} ${u}`),
        onDispose: () => {
          if (!started && this.active?.session !== session) session.dispose();
        },
      },
      this.log,
    );
  }

  /**
   * Starts training in the session's worker. Resolves once the engine reports `start` (the run
   * panel is open then); rejects with a readable message when the run fails before that, so the
   * setup form can show it and stay open. The engine checks the file with these options first, so
   * a file that cannot train (too few rows for the windows, say) fails before any panel opens.
   */
  private async train(session: WorkerSession, file: vscode.Uri, fileName: string, values: FormValues): Promise<void> {
    const options = formToOptions(values, backendFromSettings((k) => vscode.workspace.getConfiguration('rnnLab').get(k)));
    const runId = runIdFor(new Date());
    const config: RunConfig = { version: 1, id: runId, kind: 'forecast', file: file.fsPath, createdAt: new Date().toISOString(), options };
    const msg: HostToWorker = { type: 'forecast', file: file.fsPath, fileName, options, runsRoot: this.runsRootFor(file), config };
    const initial: RunViewState = { runId, fileName, source: 'train', history: [], phase: { kind: 'training', epochs: values.epochs, backend: null } };
    this.log(`Training on ${fileName}: ${JSON.stringify(options)}`);
    try {
      await session.check(file.fsPath, fileName, options);
    } catch (e) {
      this.showError(e, file);
      throw new FormError(errorText(e), e instanceof WorkerError ? e.wire.option : undefined);
    }
    // The run panel opens now and training starts once it has loaded (plotly takes a moment), so
    // the live loss curve is seen from the first epoch.
    const panel = this.openPanel(initial);
    return panel.whenReady(10_000).then(() => {
      if (panel.isDisposed) throw new Error('The run panel was closed before training started.');
      return this.runInWorker(session, msg, initial, file, `RNN Lab: training on ${basename(file.fsPath)}`, panel);
    });
  }

  /** Runs a forecast or saved-model prediction with the notification, status bar and panel around it. */
  private runInWorker(
    session: WorkerSession,
    msg: Extract<HostToWorker, { type: 'forecast' | 'predictSaved' }>,
    initial: RunViewState,
    file: vscode.Uri,
    title: string,
    preOpened: RunPanel | null = null,
  ): Promise<void> {
    const active: ActiveRun = { session, panel: preOpened };
    this.active = active;
    const epochs = initial.phase.kind === 'training' ? initial.phase.epochs : 0;
    return new Promise<void>((resolveStarted, rejectStarted) => {
      let started = false;
      const openPanel = () => {
        if (!started) {
          started = true;
          resolveStarted();
        }
        active.panel ??= this.openPanel(initial);
        return active.panel;
      };
      void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
        token.onCancellationRequested(() => this.cancel());
        let lastUi = 0;
        let reported = 0;
        let last: { epoch: number; loss: number } | null = null;
        const refresh = (force: boolean) => {
          const now = Date.now();
          if (!last || (!force && now - lastUi < UI_REFRESH_MS)) return;
          lastUi = now;
          const pct = epochs ? (100 * last.epoch) / epochs : 0;
          progress.report({ message: `epoch ${last.epoch}/${epochs} · loss ${last.loss.toPrecision(4)}`, increment: pct - reported });
          reported = pct;
          this.status.text = `$(loading~spin) RNN Lab ${last.epoch}/${epochs}`;
          this.status.tooltip = `Training on ${initial.fileName}: loss ${last.loss.toPrecision(4)}. Click to show the run.`;
        };
        this.status.text = '$(loading~spin) RNN Lab: starting';
        this.status.show();
        const onEvent = (e: TrainEvent) => {
          switch (e.type) {
            case 'start':
              this.log(`Backend ${e.backend}; ${e.trainExamples} training windows, ${e.validationExamples} validation windows, ${e.batchesPerEpoch} batch(es) per epoch`);
              if (initial.phase.kind === 'training') initial.phase.backend = e.backend;
              openPanel();
              return;
            case 'epochEnd': {
              const panel = openPanel();
              panel.addEpoch({ epoch: e.epoch, loss: e.loss, valLoss: e.valLoss });
              last = { epoch: e.epoch, loss: e.loss };
              if (e.epoch === 1 || e.epoch % Math.max(1, Math.round(epochs / 10)) === 0) {
                this.log(`epoch ${e.epoch}/${epochs} loss ${e.loss.toPrecision(5)}${e.valLoss === null ? '' : ` val ${e.valLoss.toPrecision(5)}`} (${e.elapsedSeconds.toFixed(1)} s)`);
              }
              refresh(false);
              return;
            }
            case 'end':
              refresh(true);
              this.log(`Training ${e.reason} after ${e.epochs} epochs, ${e.elapsedSeconds.toFixed(1)} s`);
              return;
            default:
              return;
          }
        };
        try {
          const outcome = await session.run(msg, onEvent);
          const panel = openPanel();
          panel.setState({ ...panel.runState, phase: { kind: 'done', result: outcome.result, runDir: outcome.runDir } });
          this.logResult(outcome.result, outcome.runDir);
          if (outcome.saveError) void vscode.window.showWarningMessage(`RNN Lab: the run finished but could not be saved: ${outcome.saveError}`);
          this.runsView.refresh();
        } catch (e) {
          const cancelled = e instanceof WorkerError && e.wire.code === 'CANCELLED';
          if (cancelled) this.log('Training cancelled; earlier runs are untouched.');
          else this.showError(e, file);
          if (!started && active.panel) {
            // Failed before training began (e.g. too few rows): the setup form shows the error instead.
            active.panel.dispose();
            active.panel = null;
          }
          if (active.panel) {
            active.panel.setState({ ...active.panel.runState, phase: cancelled ? { kind: 'cancelled' } : { kind: 'failed', message: errorText(e) } });
          }
          if (!started) rejectStarted(new Error(errorText(e)));
        } finally {
          session.dispose();
          if (this.active === active) this.active = null;
          this.status.hide();
        }
      });
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
    const file = await pickCsv('Forecast with this model');
    if (!file) return;
    if (this.active) {
      void vscode.window.showWarningMessage('RNN Lab is already training. Cancel that run first, or wait for it to finish.');
      return;
    }
    const fileName = vscode.workspace.asRelativePath(file, false);
    const runId = runIdFor(new Date());
    const config: RunConfig = { version: 1, id: runId, kind: 'saved-model', file: file.fsPath, createdAt: new Date().toISOString(), options: {}, modelDir };
    const initial: RunViewState = { runId, fileName, source: 'saved', history: [], phase: { kind: 'training', epochs: 0, backend: null } };
    const session = new WorkerSession(this.workerPath, this.log);
    this.log(`Applying the model in ${modelDir} to ${fileName}`);
    await this.runInWorker(session, { type: 'predictSaved', modelDir, file: file.fsPath, fileName, runsRoot: this.runsRootFor(file), config }, initial, file, `RNN Lab: forecasting ${basename(file.fsPath)} with a saved model`).catch(() => {
      // already reported by runInWorker
    });
  }

  /** Opens a saved run from the Runs view. */
  async openRun(dir: string): Promise<void> {
    try {
      const summary = await readRunSummary(dir);
      const result = await readRunResult(dir);
      this.openPanel({
        runId: summary.id,
        fileName: vscode.workspace.asRelativePath(summary.config.file, false),
        source: summary.config.kind === 'saved-model' ? 'saved' : 'train',
        history: result.history,
        phase: { kind: 'done', result, runDir: dir },
      });
    } catch (e) {
      void vscode.window.showErrorMessage(`RNN Lab: cannot open the run in ${dir}: ${errorText(e)}`);
    }
  }

  cancel(): void {
    if (!this.active) return;
    this.log('Cancelling training…');
    this.active.session.cancel();
  }

  showTraining(): void {
    if (this.active?.panel) this.active.panel.reveal();
    else this.output.show(true);
  }

  /** Rebuilds a run panel after a window reload (the webview panel serializer). */
  revive(panel: vscode.WebviewPanel, state: unknown): void {
    let initial: RunViewState;
    try {
      initial = restoredState(state);
    } catch (e) {
      this.log(`Rejected the restored state of a run panel: ${(e as Error).message}`);
      initial = { runId: 'unknown', fileName: 'unknown', source: 'train', history: [], phase: { kind: 'failed', message: 'This run panel could not be restored. Open the run again from the RNN Lab view.' } };
    }
    this.track(new RunPanel(panel, this.context.extensionUri, initial, this.panelHandlers, this.log));
  }

  // -------------------------------------------------------------------------------------------
  // Panels

  private openPanel(state: RunViewState): RunPanel {
    return this.track(RunPanel.create(this.context.extensionUri, state, this.panelHandlers, this.log));
  }

  private track(p: RunPanel): RunPanel {
    this.panels.add(p);
    return p;
  }

  private readonly panelHandlers = {
    onMessage: (panel: RunPanel, m: Exclude<RunToHost, { type: 'ready' | 'ping' }>) => {
      switch (m.type) {
        case 'cancel':
          if (this.active?.panel === panel) this.cancel();
          return;
        case 'saveModel':
          void this.saveModel(panel);
          return;
        case 'forecastWithSaved': {
          const phase = panel.runState.phase;
          if (phase.kind === 'done' && phase.runDir && panel.runState.source === 'train') void this.forecastWithSaved(join(phase.runDir, 'model'));
          else void this.forecastWithSaved();
          return;
        }
        case 'exportImage':
          void this.exportImage(panel, m.format, m.dataUrl);
          return;
        case 'cspViolation':
          this.output.warn(`CSP violation in the run panel: ${m.directive} ${m.blockedURI}`);
          return;
      }
    },
    onDispose: (panel: RunPanel) => {
      this.panels.delete(panel);
    },
  };

  /** Copies the run's model folder (plus its config and result) to a folder the user picks in the workspace. */
  private async saveModel(panel: RunPanel): Promise<void> {
    const phase = panel.runState.phase;
    if (phase.kind !== 'done' || !phase.runDir || panel.runState.source !== 'train') {
      void vscode.window.showWarningMessage('RNN Lab: this run has no trained model to save.');
      return;
    }
    const runDir = vscode.Uri.file(phase.runDir);
    const base = vscode.workspace.workspaceFolders?.[0]?.uri ?? runDir;
    const stem = basename(panel.runState.fileName).replace(/\.[^.]+$/, '');
    const target = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.joinPath(base, 'models', `${stem}-lstm-${panel.runState.runId.slice(0, 10)}`),
      saveLabel: 'Save Model Here',
      title: 'Save the trained model as a folder',
    });
    if (!target) return;
    try {
      const outcome = await saveModelFolder(runDir, target);
      if (outcome === 'declined') return;
      panel.notice(`Model ${outcome === 'replaced' ? 'replaced in' : 'saved to'} ${vscode.workspace.asRelativePath(target, false)}.`);
      this.log(`Model ${outcome} at ${target.fsPath}`);
    } catch (e) {
      void vscode.window.showErrorMessage(e instanceof SaveRefused ? `RNN Lab: ${e.message}` : `RNN Lab: could not save the model: ${errorText(e)}`);
    }
  }

  private async exportImage(panel: RunPanel, format: 'png' | 'svg', dataUrl: string): Promise<void> {
    const stem = basename(panel.runState.fileName).replace(/\.[^.]+$/, '');
    const base = vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({
      defaultUri: base ? vscode.Uri.joinPath(base, `${stem}-forecast.${format}`) : undefined,
      filters: format === 'png' ? { 'PNG image': ['png'] } : { 'SVG image': ['svg'] },
    });
    if (!target) return;
    const comma = dataUrl.indexOf(',');
    const payload = dataUrl.slice(comma + 1);
    const bytes = format === 'png' ? Buffer.from(payload, 'base64') : Buffer.from(decodeURIComponent(payload), 'utf8');
    await vscode.workspace.fs.writeFile(target, bytes);
    panel.notice(`Chart saved to ${vscode.workspace.asRelativePath(target, false)}.`);
  }

  // -------------------------------------------------------------------------------------------

  /** Runs go beside the data: the CSV's workspace folder, else the first one, else extension storage. */
  private runsRootFor(file: vscode.Uri): string {
    const folder = vscode.workspace.getWorkspaceFolder(file) ?? vscode.workspace.workspaceFolders?.[0];
    return runsRoot(folder ? folder.uri.fsPath : this.context.globalStorageUri.fsPath);
  }

  /** An error notification; when the engine names a line, a button opens the file there. */
  private showError(e: unknown, file: vscode.Uri): void {
    const text = errorText(e);
    this.output.error(text);
    const line = e instanceof WorkerError ? e.wire.location.line : undefined;
    const actions = line ? [`Go to Line ${line}`] : [];
    void vscode.window.showErrorMessage(`RNN Lab: ${text}`, ...actions).then(async (a) => {
      if (!a || !line) return;
      const doc = await vscode.workspace.openTextDocument(file);
      const pos = new vscode.Position(line - 1, 0);
      await vscode.window.showTextDocument(doc, { selection: new vscode.Range(pos, pos) });
    });
  }

  dispose(): void {
    this.active?.session.dispose();
    for (const p of [...this.panels]) p.dispose();
    this.status.dispose();
  }
}

/** An error's text for the user, its options named as the form names them (by label, setting, or plainly). */
function errorText(e: unknown): string {
  if (e instanceof WorkerError && e.wire.parts) return errorLine(e.wire.parts, FORM_NAMER);
  return e instanceof Error ? e.message : String(e);
}

async function pickCsv(openLabel: string): Promise<vscode.Uri | undefined> {
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active && /\.csv$/i.test(active.path) && openLabel === 'Forecast with LSTM') return active;
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: false,
    openLabel,
    filters: { 'CSV files': ['csv'], 'All files': ['*'] },
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
  });
  return picked?.[0];
}

async function pickModel(): Promise<string | undefined> {
  const runs = (await allRuns()).filter((r) => r.hasModel && r.config.kind === 'forecast');
  const browse = { label: '$(folder-opened) Browse for a model folder…', dir: '' };
  const items = [
    ...runs.map((r) => ({ label: basename(r.config.file), description: r.config.createdAt.replace('T', ' ').slice(0, 19), detail: r.dir, dir: join(r.dir, 'model') })),
    browse,
  ];
  const pick = await vscode.window.showQuickPick(items, { title: 'Forecast with a saved model', placeHolder: 'Pick a saved run' });
  if (!pick) return undefined;
  if (pick !== browse) return pick.dir;
  const folder = await vscode.window.showOpenDialog({ canSelectFiles: false, canSelectFolders: true, openLabel: 'Use This Model' });
  return folder?.[0]?.fsPath;
}
