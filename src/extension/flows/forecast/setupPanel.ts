/**
 * The setup form: a CSV preview and the hyperparameters, before training starts.
 * Short-lived (no serializer): after a reload the user simply runs the command again.
 */
import type * as vscode from 'vscode';
import { parseSetupMessage, SETUP_REQUESTS, type FormValues, type HostToSetup, type PreviewState, type ReadOptions, type SetupToHost } from '../../../shared/protocol';
import { FormError } from '../../core/formError';
import { t } from '../../core/strings';
import { WebviewPanelBase } from '../../core/webviewPanel';

export { FormError };

export interface SetupHandlers {
  /**
   * Called with the values and the columns of the file as the form last read it; resolves when
   * training started, rejects with a message (a FormError names the field) for the form.
   */
  start(values: FormValues, columns: readonly string[]): Promise<void>;
  /** Reads the file again with these options: its preview, or why it cannot be read so. */
  read(options: ReadOptions): Promise<PreviewState>;
  onCspViolation(directive: string, blockedURI: string): void;
}

export class SetupPanel extends WebviewPanelBase<HostToSetup, SetupToHost> {
  static readonly viewType = 'rnnLab.forecastSetup';
  /** What the user last submitted and why it failed: a hidden webview is rebuilt on reveal, so the host keeps them. */
  private lastValues: FormValues | null = null;
  private lastError: { message: string; option?: string } | undefined;
  /** The read options of the latest re-read the page asked for, and its number (a later one supersedes it). */
  private read: { options: ReadOptions; seq: number } | null = null;

  constructor(
    panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    /** The file as last read; a re-read's answer replaces it. */
    private preview: PreviewState,
    private readonly values: FormValues,
    private readonly handlers: SetupHandlers,
    log: (line: string) => void,
  ) {
    super(panel, extensionUri, { page: 'forecastSetupPage', documentTitle: t('RNN Lab setup'), name: 'setup form', parse: parseSetupMessage, requests: SETUP_REQUESTS }, log);
  }

  protected onReady(): void {
    this.post({ type: 'init', preview: this.preview, values: { ...(this.lastValues ?? this.values), ...this.read?.options } });
    if (this.lastError) this.post({ type: 'starting', busy: false, error: this.lastError.message, option: this.lastError.option });
  }

  /** A re-read: answered with its preview; the host keeps the latest one asked for, for training and a rebuilt page. */
  protected override async onRequest(m: SetupToHost): Promise<PreviewState> {
    if (m.type !== 'preview') throw new Error(`${m.type} is not answered here`);
    const seq = (this.read?.seq ?? 0) + 1;
    this.read = { options: m.read, seq };
    const state = await this.handlers.read(m.read);
    if (this.read.seq === seq) this.preview = state;
    return state;
  }

  protected onMessage(m: SetupToHost): void {
    switch (m.type) {
      case 'start': {
        this.lastValues = m.values;
        this.lastError = undefined;
        const read = this.preview;
        if (read.kind === 'failed') {
          // The page disables Start until the file reads; a message that arrives anyway gets the reason.
          this.post({ type: 'starting', busy: false, error: read.problem.message, option: read.problem.option });
          return;
        }
        this.post({ type: 'starting', busy: true });
        this.handlers.start(m.values, read.preview.columns).then(
          () => this.dispose(),
          (e: Error) => {
            this.lastError = { message: e.message, option: e instanceof FormError ? e.option : undefined };
            if (!this.isDisposed) {
              this.reveal();
              this.post({ type: 'starting', busy: false, error: this.lastError.message, option: this.lastError.option });
            }
          },
        );
        return;
      }
      case 'preview':
        return; // a request, answered by onRequest
      case 'cspViolation':
        this.handlers.onCspViolation(m.directive, m.blockedURI);
        return;
    }
  }
}
