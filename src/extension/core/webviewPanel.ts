/**
 * What every webview panel does the same way, written once: the HTML shell (through
 * webviewPage.ts, the one place that builds it), the ready handshake, typed posting that waits
 * for the page, requests answered by id (channel.ts), strict validation of everything the page
 * sends, and disposal. A flow's panel supplies its page, its parser and its handlers.
 *
 * The page says `ready` every time it loads: first, and again whenever VS Code rebuilds a hidden
 * webview (retainContextWhenHidden is off, see webviewPage.ts). Each time, `onReady` sends the
 * page everything it needs to draw itself, so nothing is lost while it loads.
 *
 * The same base serves a webview view in the side bar (vscode.WebviewView): it has a webview and
 * a lifetime like a panel, but no icon, and VS Code, not the extension, closes it.
 */
import * as vscode from 'vscode';
import type { Reply } from '../../shared/channel';
import { Disposable } from './disposable';
import { pageHtml, webviewOptions, type PageName } from './webviewPage';

/** One panel's side of its contract: the page it loads and how its messages are read. */
export interface PanelContract<ToHost extends { type: string }> {
  page: PageName;
  /** Title of the HTML document (the tab's title is set separately). */
  documentTitle: string;
  /** What the log calls the panel. */
  name: string;
  /** Validates a message from the page; throws on anything unexpected. */
  parse(raw: unknown): ToHost;
  /** The message types that are requests: they carry an id and get exactly one reply. */
  requests: readonly ToHost['type'][];
}

/** Where a page lives: an editor panel, or a view in the side bar. */
export type WebviewHost = vscode.WebviewPanel | vscode.WebviewView;

function isPanel(h: WebviewHost): h is vscode.WebviewPanel {
  return 'reveal' in h;
}

export abstract class WebviewPanelBase<ToPage extends { type: string }, ToHost extends { type: string }, H extends WebviewHost = vscode.WebviewPanel> extends Disposable {
  private ready = false;
  private readonly queued: ToPage[] = [];
  private readonly readyWaiters = new Set<() => void>();
  private readonly disposed = this._register(new vscode.EventEmitter<void>());
  /** Fires once, when the panel closes (by the user or by `dispose`). */
  readonly onDidDispose = this.disposed.event;

  protected constructor(
    readonly panel: H,
    extensionUri: vscode.Uri,
    private readonly contract: PanelContract<ToHost>,
    protected readonly log: (line: string) => void,
  ) {
    super();
    if (isPanel(panel)) panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'rnn-lab.svg');
    panel.webview.options = webviewOptions(extensionUri);
    panel.webview.html = pageHtml(panel.webview, extensionUri, contract.page, contract.documentTitle);
    this._register(panel.webview.onDidReceiveMessage((m) => this.receive(m)));
    this._register(panel.onDidDispose(() => this.dispose()));
  }

  /** Sends the page its data: all of it, each time it (re)loads. */
  protected abstract onReady(): void;
  /** A validated notification from the page (anything but `ready` and the requests). */
  protected abstract onMessage(m: ToHost): void;
  /** A validated request from the page; its value (or error) is sent back as the reply. */
  protected onRequest(m: ToHost): unknown {
    throw new Error(`${m.type} is not answered here`);
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** True once the page has loaded and said so. */
  protected get isReady(): boolean {
    return this.ready;
  }

  /** Posts to the page, once it is ready; messages posted before are delivered after `onReady`'s. */
  protected post(m: ToPage): void {
    if (this._isDisposed) return;
    if (this.ready) void this.panel.webview.postMessage(m);
    else this.queued.push(m);
  }

  /** Resolves when the page has loaded and asked for its state, or after `timeoutMs`, or on dispose. */
  whenReady(timeoutMs: number): Promise<void> {
    if (this.ready || this._isDisposed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        this.readyWaiters.delete(done);
        resolve();
      };
      const t = setTimeout(done, timeoutMs);
      this.readyWaiters.add(done);
    });
  }

  reveal(): void {
    const h: WebviewHost = this.panel;
    if (isPanel(h)) h.reveal();
    else h.show(true);
  }

  private receive(raw: unknown): void {
    let m: ToHost;
    try {
      m = this.contract.parse(raw);
    } catch (e) {
      this.log(`Rejected a message from the ${this.contract.name}: ${(e as Error).message}`);
      return;
    }
    if (m.type === 'ready') {
      this.ready = true;
      this.onReady();
      for (const q of this.queued.splice(0)) void this.panel.webview.postMessage(q);
      for (const w of [...this.readyWaiters]) w();
    } else if (this.contract.requests.includes(m.type)) {
      void this.answer((m as unknown as { id: number }).id, () => this.onRequest(m));
    } else {
      this.onMessage(m);
    }
  }

  private async answer(id: number, f: () => unknown): Promise<void> {
    let reply: Reply;
    try {
      reply = { type: 'reply', id, ok: true, value: (await f()) ?? null };
    } catch (e) {
      reply = { type: 'reply', id, ok: false, error: e instanceof Error ? e.message : String(e) };
    }
    if (!this._isDisposed) void this.panel.webview.postMessage(reply);
  }

  override dispose(): void {
    if (this._isDisposed) return;
    for (const w of [...this.readyWaiters]) w();
    this.queued.length = 0;
    this.disposed.fire();
    super.dispose();
    const h: WebviewHost = this.panel;
    if (isPanel(h)) h.dispose();
  }
}
