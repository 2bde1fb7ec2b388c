/**
 * The packing inspector's panel: it holds what is inspected (the built-in strings or a file) and
 * the controls, asks the worker for the view whenever they change, and survives a window reload
 * (the page keeps the PackingState with setState; the serializer revives the panel from it).
 * Each panel has its own worker session, started on its first request and ended with the panel.
 */
import * as vscode from 'vscode';
import { parsePackingMessage, type HostToPacking, type PackingState, type PackingToHost } from '../../../shared/packing';
import { WebviewPanelBase } from '../../core/webviewPanel';
import { t } from '../../core/strings';
import { WorkerError, WorkerSession } from '../../core/workerSession';

export class PackingPanel extends WebviewPanelBase<HostToPacking, PackingToHost> {
  static readonly viewType = 'rnnLab.packing';
  private session: WorkerSession | null = null;
  /** Each inspection's number: a slower earlier answer never replaces a later one. */
  private generation = 0;

  constructor(
    panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private state: PackingState,
    private readonly workerPath: string,
    private readonly pickFile: () => Promise<vscode.Uri | undefined>,
    log: (line: string) => void,
  ) {
    super(panel, extensionUri, { page: 'packingPage', documentTitle: 'RNN Lab packing inspector', name: 'packing inspector', parse: parsePackingMessage, requests: [] }, log);
    this._register({ dispose: () => this.session?.dispose() });
  }

  protected onReady(): void {
    void this.inspect();
  }

  protected onMessage(m: PackingToHost): void {
    switch (m.type) {
      case 'inspect':
        this.state = { ...this.state, options: m.options };
        void this.inspect();
        return;
      case 'openFile':
        void this.pickFile().then((uri) => {
          if (!uri || this.isDisposed) return;
          this.state = { ...this.state, source: { kind: 'file', path: uri.fsPath }, options: { ...this.state.options, batch: 0 } };
          void this.inspect();
        });
        return;
      case 'useCourse':
        this.state = { ...this.state, source: { kind: 'course' }, options: { ...this.state.options, batch: 0 } };
        void this.inspect();
        return;
      case 'cspViolation':
        this.log(`CSP violation in the packing inspector: ${m.directive} ${m.blockedURI}`);
        return;
    }
  }

  private async inspect(): Promise<void> {
    const generation = ++this.generation;
    const state = this.state;
    const source = state.source;
    const fileName = source.kind === 'file' ? vscode.workspace.asRelativePath(source.path, false) : '';
    this.panel.title = t('Packing: {0}', source.kind === 'file' ? fileName.split(/[\\/]/).pop()! : t('course strings'));
    this.session ??= new WorkerSession(this.workerPath, this.log);
    try {
      const view = await this.session.request({ type: 'inspectPacking', source, fileName, options: state.options });
      if (generation === this.generation) this.post({ type: 'view', view, state: { source, options: view.options } });
    } catch (e) {
      if (generation !== this.generation) return;
      const message = e instanceof WorkerError ? e.wire.text : String(e);
      this.log(`Packing inspector: ${message}`);
      // A worker that died is started again by the next request.
      if (e instanceof WorkerError && e.wire.code === 'INTERNAL') {
        this.session?.dispose();
        this.session = null;
      }
      this.post({ type: 'failed', message, state });
    }
  }
}
