/**
 * One per view type (after debug-visualizer's InternalWebviewManager): it creates the panels,
 * registers the serializer that revives them after a window reload, keeps the open ones in a Map,
 * and closes them all when the extension deactivates. Flows never track panels themselves.
 */
import * as vscode from 'vscode';
import { Disposable } from './disposable';
import { webviewOptions } from './webviewPage';

/** What a manager needs of a panel: the webview panel, and to hear of and cause its end. */
export interface ManagedPanel {
  readonly panel: vscode.WebviewPanel;
  readonly onDidDispose: vscode.Event<void>;
  dispose(): void;
}

export class PanelManager<P extends ManagedPanel> extends Disposable {
  private readonly open = new Map<vscode.WebviewPanel, P>();

  /**
   * `revive` rebuilds a panel from the state its page kept; without it the view type has no
   * serializer (a short-lived form: after a reload the user runs the command again).
   */
  constructor(
    readonly viewType: string,
    private readonly extensionUri: vscode.Uri,
    revive?: (panel: vscode.WebviewPanel, state: unknown) => P,
  ) {
    super();
    if (revive) {
      this._register(
        vscode.window.registerWebviewPanelSerializer(viewType, {
          deserializeWebviewPanel: async (panel, state) => {
            this.track(revive(panel, state));
          },
        }),
      );
    }
  }

  /** Opens a new panel in the active column; `make` builds the flow's panel around it. */
  create(title: string, make: (panel: vscode.WebviewPanel) => P): P {
    const panel = vscode.window.createWebviewPanel(this.viewType, title, vscode.ViewColumn.Active, webviewOptions(this.extensionUri));
    return this.track(make(panel));
  }

  get panels(): P[] {
    return [...this.open.values()];
  }

  private track(p: P): P {
    if (this._isDisposed) {
      p.dispose();
      return p;
    }
    this.open.set(p.panel, p);
    p.onDidDispose(() => this.open.delete(p.panel));
    return p;
  }

  override dispose(): void {
    super.dispose();
    for (const p of [...this.open.values()]) p.dispose();
    this.open.clear();
  }
}
