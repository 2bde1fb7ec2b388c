/**
 * The side bar's charts view (a webview view under the Runs tree): small loss curves of the runs
 * selected in the tree and of any run training now, read from their metrics.jsonl and thinned
 * for drawing. It redraws when the selection changes and whenever the tree lists again (a running
 * run's metrics grew). A webview only because a tree cannot draw a curve.
 */
import * as vscode from 'vscode';
import { thinCurve } from '../../shared/curves';
import { parseChartsMessage, type ChartsToHost, type HostToCharts } from '../../shared/runsProtocol';
import { Disposable } from '../core/disposable';
import { t } from '../core/strings';
import { WebviewPanelBase } from '../core/webviewPanel';
import { readCompared, type CurveCache } from './curveRuns';
import type { RunEntry } from './store';

/** Points drawn per curve: a small chart is a few hundred pixels wide. */
const CHART_POINTS = 400;
/** Curves drawn at most: the selection first, then the running ones. */
const MAX_CHARTS = 20;

class ChartsPage extends WebviewPanelBase<HostToCharts, ChartsToHost, vscode.WebviewView> {
  constructor(
    view: vscode.WebviewView,
    extensionUri: vscode.Uri,
    log: (line: string) => void,
    private readonly data: () => Promise<HostToCharts>,
  ) {
    super(view, extensionUri, { page: 'chartsPage', documentTitle: t('Loss curves'), name: 'charts view', parse: parseChartsMessage, requests: [] }, log);
  }

  protected onReady(): void {
    void this.update();
  }

  async update(): Promise<void> {
    if (this.isReady) this.post(await this.data());
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
  private readonly cache: CurveCache = new Map();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: (line: string) => void,
  ) {
    super();
    this._register({ dispose: () => this.page?.dispose() });
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    const page = new ChartsPage(view, this.extensionUri, this.log, () => this.data());
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

  private async data(): Promise<HostToCharts> {
    const dirs = [...new Set([...this.selected, ...this.running])].slice(0, MAX_CHARTS);
    const { runs, problems } = await readCompared(dirs, this.cache);
    // Only the runs drawn now stay cached.
    for (const d of [...this.cache.keys()]) if (!dirs.includes(d)) this.cache.delete(d);
    for (const p of problems) this.log(`Charts view: ${p}`);
    const note = dirs.length ? '' : t('Select runs in the Runs view to see their loss curves here.');
    return { type: 'runs', runs: runs.map((r) => ({ id: r.id, label: r.label, color: r.color, kind: r.kind, status: r.status, curve: thinCurve(r.curve, CHART_POINTS) })), note };
  }
}
