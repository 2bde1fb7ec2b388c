/**
 * The run panel: live loss while training, then prediction vs actual, persistence, metrics and
 * the forecast. It survives a window reload: the page keeps its RunViewState with setState, and
 * the serializer below rebuilds the panel from it.
 */
import * as vscode from 'vscode';
import { parseRunMessage, parseRunViewState, type HostToRun, type LossPoint, type RunToHost, type RunViewState } from '../../../shared/protocol';
import { pageHtml, webviewOptions } from '../../core/webviewPage';

const BODY = `
<main class="run">
  <header>
    <h1 id="title">Forecast</h1>
    <p id="status" class="muted" role="status"></p>
  </header>
  <div class="toolbar">
    <vscode-button id="cancel" secondary hidden>Cancel training</vscode-button>
    <vscode-checkbox id="log-scale">Log scale</vscode-checkbox>
    <vscode-button id="export-png" secondary>Export PNG</vscode-button>
    <vscode-button id="export-svg" secondary>Export SVG</vscode-button>
    <vscode-button id="save-model" secondary disabled>Save model…</vscode-button>
    <vscode-button id="forecast-saved" secondary disabled>Forecast with saved model…</vscode-button>
  </div>
  <section id="loss-section">
    <h2>Training loss</h2>
    <div id="loss-plot" class="plot"></div>
  </section>
  <section id="results" hidden>
    <h2 id="forecast-title">Test windows: prediction vs actual</h2>
    <div id="forecast-plot" class="plot tall"></div>
    <h2 id="metrics-title">Metrics on the test windows</h2>
    <table id="metrics"></table>
    <p id="verdict"></p>
    <p id="run-info" class="muted"></p>
  </section>
</main>`;

export interface RunPanelHandlers {
  onMessage(panel: RunPanel, m: Exclude<RunToHost, { type: 'ready' | 'ping' }>): void;
  onDispose(panel: RunPanel): void;
}

/** At most this many loss messages per second reach the page (the issue asks for ≤ ~10). */
const EPOCH_FLUSH_MS = 100;

export class RunPanel {
  static readonly viewType = 'rnnLab.forecastRun';
  private readonly disposables: vscode.Disposable[] = [];
  private pendingEpochs: LossPoint[] = [];
  private flushTimer: NodeJS.Timeout | null = null;
  private disposed = false;
  private readyWaiters: (() => void)[] = [];
  private isReady = false;

  static create(extensionUri: vscode.Uri, state: RunViewState, handlers: RunPanelHandlers, log: (l: string) => void): RunPanel {
    const panel = vscode.window.createWebviewPanel(RunPanel.viewType, `RNN Lab: ${state.fileName}`, vscode.ViewColumn.Active, webviewOptions(extensionUri));
    return new RunPanel(panel, extensionUri, state, handlers, log);
  }

  constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private state: RunViewState,
    private readonly handlers: RunPanelHandlers,
    private readonly log: (l: string) => void,
  ) {
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'rnn-lab.svg');
    panel.webview.options = webviewOptions(extensionUri);
    panel.webview.html = pageHtml(panel.webview, extensionUri, 'runPage', 'RNN Lab run', BODY);
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m) => this.receive(m)),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  get runState(): RunViewState {
    return this.state;
  }

  /** Replaces the whole state (phase changes); pending epochs are folded in first. */
  setState(state: RunViewState): void {
    this.flushNow();
    this.state = state;
    this.post({ type: 'state', state });
  }

  /** Adds one epoch; the page receives them in batches, at most every EPOCH_FLUSH_MS. */
  addEpoch(p: LossPoint): void {
    this.state.history.push(p);
    this.pendingEpochs.push(p);
    this.flushTimer ??= setTimeout(() => this.flushNow(), EPOCH_FLUSH_MS);
  }

  notice(message: string): void {
    this.post({ type: 'notice', message });
  }

  /** Resolves when the page has loaded and asked for its state, or after `timeoutMs`, or on dispose. */
  whenReady(timeoutMs: number): Promise<void> {
    if (this.isReady || this.disposed) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(resolve, timeoutMs);
      this.readyWaiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  reveal(): void {
    this.panel.reveal();
  }

  private flushNow(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    if (this.pendingEpochs.length === 0) return;
    const points = this.pendingEpochs;
    this.pendingEpochs = [];
    this.post({ type: 'epochs', runId: this.state.runId, points });
  }

  private post(m: HostToRun): void {
    if (!this.disposed) void this.panel.webview.postMessage(m);
  }

  private receive(raw: unknown): void {
    let m: RunToHost;
    try {
      m = parseRunMessage(raw);
    } catch (e) {
      this.log(`Rejected a message from the run panel: ${(e as Error).message}`);
      return;
    }
    switch (m.type) {
      case 'ready':
        this.pendingEpochs = [];
        this.post({ type: 'state', state: this.state });
        this.isReady = true;
        for (const w of this.readyWaiters.splice(0)) w();
        return;
      case 'ping':
        this.post({ type: 'pong', id: m.id });
        return;
      default:
        this.handlers.onMessage(this, m);
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const w of this.readyWaiters.splice(0)) w();
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.panel.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.handlers.onDispose(this);
  }
}

/**
 * The state a run panel kept before a window reload, validated like a message from the page
 * (throws ProtocolError). A run that was training is marked interrupted: its worker died with
 * the old extension host.
 */
export function restoredState(raw: unknown): RunViewState {
  const state = parseRunViewState(raw);
  if (state.phase.kind === 'training') state.phase = { kind: 'interrupted' };
  return state;
}
