/**
 * The run panel: live loss while training, then prediction vs actual, persistence, metrics and
 * the forecast. It survives a window reload: the page keeps its RunViewState with setState, and
 * the serializer (the run panels' PanelManager) rebuilds the panel from it.
 */
import type * as vscode from 'vscode';
import { parseRunMessage, parseRunViewState, RUN_REQUESTS, type HostToRun, type LossPoint, type RunToHost, type RunViewState } from '../../../shared/protocol';
import { t } from '../../core/strings';
import { WebviewPanelBase } from '../../core/webviewPanel';

/** What the page asks of the flow (everything but the handshake and the requests the panel answers itself). */
export type RunPanelMessage = Exclude<RunToHost, { type: 'ready' | 'ping' }>;

/** At most this many loss messages per second reach the page (the issue asks for ≤ ~10). */
const EPOCH_FLUSH_MS = 100;

export class RunPanel extends WebviewPanelBase<HostToRun, RunToHost> {
  static readonly viewType = 'rnnLab.forecastRun';
  private pendingEpochs: LossPoint[] = [];
  private flushTimer: NodeJS.Timeout | null = null;

  constructor(
    panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private state: RunViewState,
    private readonly onPageMessage: (panel: RunPanel, m: RunPanelMessage) => void,
    log: (l: string) => void,
  ) {
    super(panel, extensionUri, { page: 'runPage', documentTitle: t('RNN Lab run'), name: 'run panel', parse: parseRunMessage, requests: RUN_REQUESTS }, log);
    this._register({ dispose: () => this.flushTimer && clearTimeout(this.flushTimer) });
  }

  get runState(): RunViewState {
    return this.state;
  }

  /** Replaces the whole state (phase changes); pending epochs are folded in first. */
  setState(state: RunViewState): void {
    this.flushNow();
    this.state = state;
    // Before the page is ready, onReady sends the state instead.
    if (this.isReady) this.post({ type: 'state', state });
  }

  /** Adds one epoch; the page receives them in batches, at most every EPOCH_FLUSH_MS. */
  addEpoch(p: LossPoint): void {
    this.state.history.push(p);
    if (!this.isReady) return;
    this.pendingEpochs.push(p);
    this.flushTimer ??= setTimeout(() => this.flushNow(), EPOCH_FLUSH_MS);
  }

  notice(message: string): void {
    this.post({ type: 'notice', message });
  }

  protected onReady(): void {
    this.pendingEpochs = [];
    this.post({ type: 'state', state: this.state });
  }

  protected onMessage(m: RunToHost): void {
    this.onPageMessage(this, m as RunPanelMessage);
  }

  /** `ping`: an empty reply, so the bench can time the round trip through the host. */
  protected override onRequest(): null {
    return null;
  }

  private flushNow(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    if (this.pendingEpochs.length === 0) return;
    const points = this.pendingEpochs;
    this.pendingEpochs = [];
    this.post({ type: 'epochs', runId: this.state.runId, points });
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
