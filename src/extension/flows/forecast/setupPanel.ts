/**
 * The setup form: a CSV preview and the hyperparameters, before training starts.
 * Short-lived (no serializer): after a reload the user simply runs the command again.
 */
import * as vscode from 'vscode';
import { parseSetupMessage, type CsvPreview, type FormValues, type HostToSetup } from '../../../shared/protocol';
import { pageHtml, webviewOptions } from '../../core/webviewPage';
import { CHOICES, FIELD_LABELS } from '../../formLabels';

/** <vscode-option>s from the form's choices (constants, not user text). */
function options(choices: Readonly<Record<string, string>>): string {
  return Object.entries(choices)
    .map(([value, label]) => `<vscode-option value="${value}">${label}</vscode-option>`)
    .join('\n        ');
}

const BODY = `
<main class="setup">
  <h1 id="title">Forecast with LSTM</h1>
  <p id="summary" class="muted"></p>
  <section>
    <h2>Preview</h2>
    <div class="table-wrap"><table id="preview"></table></div>
    <h3>Columns</h3>
    <div class="table-wrap"><table id="stats"></table></div>
    <p id="ignored" class="muted"></p>
  </section>
  <form id="form" novalidate>
    <h2>Model</h2>
    <div class="grid">
      <vscode-form-group variant="vertical"><vscode-label for="target">${FIELD_LABELS.target}</vscode-label><vscode-single-select id="target" name="target"></vscode-single-select></vscode-form-group>
      <vscode-form-group variant="vertical"><vscode-label>${FIELD_LABELS.features}</vscode-label><div id="features" class="checks"></div></vscode-form-group>
    </div>
    <div class="grid">
      <vscode-form-group variant="vertical"><vscode-label for="order">${FIELD_LABELS.order}</vscode-label><vscode-single-select id="order" name="order">
        ${options(CHOICES.order)}
      </vscode-single-select><vscode-form-helper id="order-help">Training needs the oldest row first.</vscode-form-helper></vscode-form-group>
      <vscode-form-group variant="vertical"><vscode-label for="missing">${FIELD_LABELS.missing}</vscode-label><vscode-single-select id="missing" name="missing">
        ${options(CHOICES.missing)}
      </vscode-single-select><vscode-form-helper id="missing-help"></vscode-form-helper></vscode-form-group>
    </div>
    <div class="grid" id="hyper"></div>
    <p id="error" class="error" role="alert" hidden></p>
    <div class="actions">
      <vscode-button id="start" type="submit">Start training</vscode-button>
      <span class="muted">Enter starts training.</span>
    </div>
  </form>
</main>`;

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
  onDispose(): void;
}

export class SetupPanel {
  static readonly viewType = 'rnnLab.forecastSetup';
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;
  /** What the user last submitted and why it failed: a hidden webview is rebuilt on reveal, so the host keeps them. */
  private lastValues: FormValues | null = null;
  private lastError: { message: string; option?: string } | undefined;

  constructor(
    extensionUri: vscode.Uri,
    private readonly preview: CsvPreview,
    private readonly values: FormValues,
    private readonly handlers: SetupHandlers,
    private readonly log: (line: string) => void,
  ) {
    this.panel = vscode.window.createWebviewPanel(SetupPanel.viewType, `RNN Lab: ${preview.fileName}`, vscode.ViewColumn.Active, webviewOptions(extensionUri));
    this.panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'rnn-lab.svg');
    this.panel.webview.html = pageHtml(this.panel.webview, extensionUri, 'forecastSetupPage', 'RNN Lab setup', BODY);
    this.disposables.push(
      this.panel.webview.onDidReceiveMessage((m) => this.receive(m)),
      this.panel.onDidDispose(() => this.dispose()),
    );
  }

  private readonly panel: vscode.WebviewPanel;

  private post(m: HostToSetup): void {
    void this.panel.webview.postMessage(m);
  }

  private receive(raw: unknown): void {
    let m;
    try {
      m = parseSetupMessage(raw);
    } catch (e) {
      this.log(`Rejected a message from the setup form: ${(e as Error).message}`);
      return;
    }
    switch (m.type) {
      case 'ready':
        // The page says ready before it gets data, so nothing is lost while it loads.
        this.post({ type: 'init', preview: this.preview, values: this.lastValues ?? this.values });
        if (this.lastError) this.post({ type: 'starting', busy: false, error: this.lastError.message, option: this.lastError.option });
        return;
      case 'start':
        this.lastValues = m.values;
        this.lastError = undefined;
        this.post({ type: 'starting', busy: true });
        this.handlers.start(m.values).then(
          () => this.dispose(),
          (e: Error) => {
            this.lastError = { message: e.message, option: e instanceof FormError ? e.option : undefined };
            if (!this.disposed) {
              this.panel.reveal();
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

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.panel.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.handlers.onDispose();
  }
}
