/**
 * The packing inspector flow (RNN Lab: Inspect Sequence Packing): lecture 11-6 made visible on
 * the course's strings or on any text file. Nothing is trained, so there is no training session;
 * each panel asks its own worker for the numbers (flows/packing/worker.ts).
 */
import * as vscode from 'vscode';
import { PACKING_OPTIONS } from '../../../shared/options/packing';
import { defaultsOf } from '../../../shared/options/spec';
import { parsePackingState, type PackingOptions, type PackingState } from '../../../shared/packing';
import { Disposable } from '../../core/disposable';
import { PanelManager } from '../../core/panelManager';
import { t } from '../../core/strings';
import { PackingPanel } from './panel';

const DEFAULT_OPTIONS = defaultsOf(PACKING_OPTIONS) as unknown as PackingOptions;

export class PackingFlow extends Disposable {
  private readonly panels: PanelManager<PackingPanel>;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly output: vscode.LogOutputChannel,
  ) {
    super();
    this.panels = this._register(new PanelManager(PackingPanel.viewType, context.extensionUri, (panel, state) => this.make(panel, this.restored(state))));
  }

  /** The flow's commands, registered by the composition root. */
  commands(): Record<string, (...args: never[]) => unknown> {
    return {
      // From the Explorer a text file is passed; from the palette the built-in strings open.
      'rnnLab.inspectPacking': (uri?: vscode.Uri) => this.open(uri instanceof vscode.Uri ? { kind: 'file', path: uri.fsPath } : { kind: 'course' }),
    };
  }

  private log = (line: string): void => this.output.info(line);

  private open(source: PackingState['source']): void {
    this.panels.create(t('Packing inspector'), (panel) => this.make(panel, { source, options: { ...DEFAULT_OPTIONS } }));
  }

  private make(panel: vscode.WebviewPanel, state: PackingState): PackingPanel {
    const workerPath = vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'worker.js').fsPath;
    return new PackingPanel(panel, this.context.extensionUri, state, workerPath, () => this.pickFile(), this.log);
  }

  /**
   * The state the page kept, checked like a message: a file comes back only when it lies in an
   * open workspace folder (the page's state names it, and the page is not trusted to name any file).
   */
  private restored(raw: unknown): PackingState {
    try {
      const state = parsePackingState(raw);
      if (state.source.kind === 'file' && !vscode.workspace.getWorkspaceFolder(vscode.Uri.file(state.source.path))) {
        this.output.warn(`Packing inspector: ${state.source.path} is outside the workspace; showing the course's strings instead.`);
        return { source: { kind: 'course' }, options: state.options };
      }
      return state;
    } catch (e) {
      this.output.warn(`Packing inspector: refused the restored state (${(e as Error).message}); showing the course's strings.`);
      return { source: { kind: 'course' }, options: { ...DEFAULT_OPTIONS } };
    }
  }

  private async pickFile(): Promise<vscode.Uri | undefined> {
    const picked = await vscode.window.showOpenDialog({
      canSelectMany: false,
      openLabel: t('Inspect Packing'),
      filters: { [t('Text files')]: ['txt', 'tsv', 'csv'], [t('All files')]: ['*'] },
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    });
    return picked?.[0];
  }
}
