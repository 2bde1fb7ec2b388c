/**
 * The side bar's charts view (a webview view under the Runs tree): small loss curves of the runs
 * selected in the tree and of any run training now, read from their metrics.jsonl and thinned
 * for drawing (ChartFeed: only what changed is read and sent). It redraws when the selection
 * changes and whenever the tree lists again (a running run's metrics grew). A webview only because
 * a tree cannot draw a curve.
 */
import * as vscode from 'vscode';
import { parseChartsMessage, type ChartsToHost, type HostToCharts } from '../../shared/runsProtocol';
import { Disposable } from '../core/disposable';
import { t } from '../core/strings';
import { WebviewPanelBase } from '../core/webviewPanel';
import { ChartFeed } from './curveRuns';
import type { RunEntry } from './store';

/** Curves drawn at most: the selection first, then the running ones. */
const MAX_CHARTS = 20;

class ChartsPage extends WebviewPanelBase<HostToCharts, ChartsToHost, vscode.WebviewView> {
  constructor(
    view: vscode.WebviewView,
    extensionUri: vscode.Uri,
    log: (line: string) => void,
    private readonly data: (all: boolean) => Promise<HostToCharts>,
  ) {
    super(view, extensionUri, { page: 'chartsPage', documentTitle: t('Loss curves'), name: 'charts view', parse: parseChartsMessage, requests: [] }, log);
  }

  protected onReady(): void {
    // A page that (re)loaded has none of the runs: send them all.
    void this.update(true);
  }

  private updating: Promise<void> = Promise.resolve();

  /** One message at a time, in order: each says what changed since the one before. */
  update(all = false): Promise<void> {
    this.updating = this.updating.then(async () => {
      if (this.isReady) this.post(await this.data(all));
    }).catch((e: unknown) => this.log(`Charts view: ${(e as Error).message}`));
    return this.updating;
  }

  protected onMessage(m: ChartsToHost): void {
    if (m.type === 'cspViolation') this.log(`CSP violation in the charts view: ${m.directive} ${m.blockedURI}`);
  }
}

export class ChartsView extends Disposable implements vscode.WebviewViewProvider {
  static readonly viewId = 'rnnLab.charts';
  private page: ChartsPage | null = null;
  private selected: string[] = [];
  private running: string[] = [];
  private readonly feed = new ChartFeed();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: (line: string) => void,
  ) {
    super();
    this._register({ dispose: () => this.page?.dispose() });
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    const page = new ChartsPage(view, this.extensionUri, this.log, (all) => this.data(all));
    this.page = page;
    page.onDidDispose(() => {
      if (this.page === page) this.page = null;
    });
  }

  /** The tree's selection changed. */
  select(dirs: readonly string[]): void {
    this.selected = [...dirs];
    void this.page?.update();
  }

  /** The tree listed the runs again: the running ones are drawn too, and redrawn as they grow. */
  listed(runs: readonly RunEntry[]): void {
    const running = runs.filter((r) => !r.damaged && r.run.status === 'running').map((r) => r.dir);
    if (running.length === 0 && this.running.length === 0) return;
    this.running = running;
    void this.page?.update();
  }

  private async data(all: boolean): Promise<HostToCharts> {
    if (all) this.feed.reset();
    const dirs = [...new Set([...this.selected, ...this.running])].slice(0, MAX_CHARTS);
    const note = dirs.length ? '' : t('Select runs in the Runs view to see their loss curves here.');
    const { message, problems } = await this.feed.message(dirs, note);
    for (const p of problems) this.log(`Charts view: ${p}`);
    return message;
  }
}
