/**
 * Compare Runs: an editor panel overlaying the loss curves of two or more stored runs of one kind,
 * with their configs and headline figures side by side, and every line of their metrics exported
 * as one CSV. Any kind: it reads only what every run has (run.json, metrics.jsonl). The runs are
 * read from disk each time the page loads, so a restored panel (after a reload) shows the runs as
 * they are now; the page keeps only the folders and its controls.
 */
import * as vscode from 'vscode';
import { metricsCsv } from '../../shared/curves';
import { DEFAULT_COMPARE_VIEW, parseCompareMessage, parseCompareView, type CompareToHost, type CompareViewState, type HostToCompare } from '../../shared/runsProtocol';
import { Disposable } from '../core/disposable';
import { PanelManager } from '../core/panelManager';
import { t } from '../core/strings';
import { WebviewPanelBase } from '../core/webviewPanel';
import { readCompared } from './curveRuns';

class ComparePanel extends WebviewPanelBase<HostToCompare, CompareToHost> {
  static readonly viewType = 'rnnLab.compareRuns';

  constructor(
    panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private view: CompareViewState,
    log: (line: string) => void,
  ) {
    super(panel, extensionUri, { page: 'comparePage', documentTitle: t('Compare Runs'), name: 'Compare Runs panel', parse: parseCompareMessage, requests: [] }, log);
  }

  protected onReady(): void {
    void readCompared(this.view.dirs).then(({ runs, problems }) => {
      this.post({ type: 'runs', runs: runs.map(({ dir: _d, metrics: _m, ...r }) => r), view: this.view, problems });
    });
  }

  protected onMessage(m: CompareToHost): void {
    switch (m.type) {
      case 'view':
        // The page may change its controls, never which folders are read.
        this.view = { ...m.view, dirs: this.view.dirs };
        return;
      case 'exportCsv':
        void this.exportCsv();
        return;
      case 'cspViolation':
        this.log(`CSP violation in the Compare Runs panel: ${m.directive} ${m.blockedURI}`);
        return;
    }
  }

  /** Every line of every run's metrics.jsonl, read again from disk (nothing downsampled), saved where the user says. */
  private async exportCsv(): Promise<void> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({
      title: t('Export the compared runs’ metrics'),
      defaultUri: folder ? vscode.Uri.joinPath(folder, 'rnnlab-metrics.csv') : undefined,
      filters: { [t('CSV files')]: ['csv'] },
      saveLabel: t('Export CSV'),
    });
    if (!target) return;
    try {
      const { runs, problems } = await readCompared(this.view.dirs);
      if (problems.length) throw new Error(problems.join('; '));
      await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(metricsCsv(runs)));
      this.log(`Exported the metrics of ${runs.length} runs to ${target.fsPath}`);
    } catch (e) {
      void vscode.window.showErrorMessage(t('RNN Lab: could not export the metrics: {0}', (e as Error).message));
    }
  }
}

/** The Compare Runs panels: opened from the Runs tree, revived after a reload from the folders their page kept. */
export class ComparePanels extends Disposable {
  private readonly panels: PanelManager<ComparePanel>;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: (line: string) => void,
  ) {
    super();
    this.panels = this._register(
      new PanelManager(ComparePanel.viewType, extensionUri, (panel, state) => {
        let view: CompareViewState;
        try {
          view = parseCompareView(state);
        } catch (e) {
          this.log(`Rejected the restored state of a Compare Runs panel: ${(e as Error).message}`);
          view = { ...DEFAULT_COMPARE_VIEW, dirs: [] };
        }
        return new ComparePanel(panel, extensionUri, view, log);
      }),
    );
  }

  open(dirs: readonly string[]): void {
    this.panels.create(t('Compare {0} Runs', dirs.length), (panel) => new ComparePanel(panel, this.extensionUri, { ...DEFAULT_COMPARE_VIEW, dirs: [...dirs] }, this.log));
  }
}
