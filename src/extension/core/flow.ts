/**
 * What every training flow's controller starts from: the services the composition root hands it,
 * a panel manager for its run panels (whose serializer revives them after a window reload) and one
 * for its setup forms, the training worker's path and the output channel's log. A flow subclasses
 * it and says only what is its own.
 */
import * as vscode from 'vscode';
import type { RunsView } from '../runs/view';
import { Disposable } from './disposable';
import { PanelManager, type ManagedPanel } from './panelManager';
import type { TrainingSessions } from './training';

export abstract class FlowBase<Run extends ManagedPanel, Setup extends ManagedPanel> extends Disposable {
  protected readonly runPanels: PanelManager<Run>;
  protected readonly setupPanels: PanelManager<Setup>;

  constructor(
    protected readonly context: vscode.ExtensionContext,
    protected readonly output: vscode.LogOutputChannel,
    protected readonly runsView: RunsView,
    protected readonly training: TrainingSessions,
    viewTypes: { run: string; setup: string },
  ) {
    super();
    const uri = context.extensionUri;
    // A run panel open when the window reloaded comes back from its saved state.
    this.runPanels = this._register(new PanelManager<Run>(viewTypes.run, uri, (panel, state) => this.revive(panel, state)));
    this.setupPanels = this._register(new PanelManager<Setup>(viewTypes.setup, uri));
  }

  /** A run panel rebuilt from the state its page kept (checked: the page is not trusted). */
  protected abstract revive(panel: vscode.WebviewPanel, state: unknown): Run;

  protected get workerPath(): string {
    return vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'worker.js').fsPath;
  }

  protected readonly log = (line: string): void => this.output.info(line);
}
