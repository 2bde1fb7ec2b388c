/**
 * The setup form: a CSV preview and the hyperparameters, before training starts.
 * Short-lived (no serializer): after a reload the user simply runs the command again.
 */
import type * as vscode from 'vscode';
import { parseSetupMessage, type CsvPreview, type FormValues, type HostToSetup, type SetupToHost } from '../../../shared/protocol';
import { t } from '../../core/strings';
import { WebviewPanelBase } from '../../core/webviewPanel';

/** Why the form's values cannot start training, and the option (field) it is about. */
export class FormError extends Error {
  constructor(
    message: string,
    readonly option?: string,
  ) {
    super(message);
  }
}

export interface SetupHandlers {
  /** Called with validated values; resolves when training started, rejects with a message (a FormError names the field) for the form. */
  start(values: FormValues): Promise<void>;
  onCspViolation(directive: string, blockedURI: string): void;
}

export class SetupPanel extends WebviewPanelBase<HostToSetup, SetupToHost> {
  static readonly viewType = 'rnnLab.forecastSetup';
  /** What the user last submitted and why it failed: a hidden webview is rebuilt on reveal, so the host keeps them. */
  private lastValues: FormValues | null = null;
  private lastError: { message: string; option?: string } | undefined;

  constructor(
    panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly preview: CsvPreview,
    private readonly values: FormValues,
    private readonly handlers: SetupHandlers,
    log: (line: string) => void,
  ) {
    super(panel, extensionUri, { page: 'forecastSetupPage', documentTitle: t('RNN Lab setup'), name: 'setup form', parse: parseSetupMessage, requests: [] }, log);
  }

  protected onReady(): void {
    this.post({ type: 'init', preview: this.preview, values: this.lastValues ?? this.values });
    if (this.lastError) this.post({ type: 'starting', busy: false, error: this.lastError.message, option: this.lastError.option });
  }

  protected onMessage(m: SetupToHost): void {
    switch (m.type) {
      case 'start':
        this.lastValues = m.values;
        this.lastError = undefined;
        this.post({ type: 'starting', busy: true });
        this.handlers.start(m.values).then(
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
      case 'cspViolation':
        this.handlers.onCspViolation(m.directive, m.blockedURI);
        return;
    }
  }
}
