/** The activity-bar "Runs" tree: saved runs of every workspace folder, newest first. */
import * as vscode from 'vscode';
import { basename } from 'node:path';
import { listRuns, runsRoot, type RunSummary } from './store';

export class RunItem extends vscode.TreeItem {
  constructor(readonly run: RunSummary) {
    super(`${basename(run.config.file)}`, vscode.TreeItemCollapsibleState.None);
    const when = run.config.createdAt.replace('T', ' ').slice(0, 19);
    const fmt = (x: number | null) => (x === null ? '–' : x.toPrecision(4));
    this.description = `${when} · RMSE ${fmt(run.rmse)} (persistence ${fmt(run.naiveRmse)})`;
    this.tooltip = `${run.config.file}\n${run.dir}`;
    this.iconPath = new vscode.ThemeIcon(run.config.kind === 'saved-model' ? 'history' : 'graph-line');
    this.contextValue = run.hasModel ? 'rnnLab.runWithModel' : 'rnnLab.run';
    this.command = { command: 'rnnLab.openRun', title: 'Open run', arguments: [run.dir] };
  }
}

export class RunsView implements vscode.TreeDataProvider<RunItem>, vscode.Disposable {
  static readonly viewId = 'rnnLab.runs';
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly watcher: vscode.FileSystemWatcher;

  constructor() {
    // Runs written by another window or the CLI show up too.
    this.watcher = vscode.workspace.createFileSystemWatcher('**/.rnnlab/runs/*/config.json');
    this.watcher.onDidCreate(() => this.refresh());
    this.watcher.onDidDelete(() => this.refresh());
  }

  refresh(): void {
    this.changed.fire();
  }

  getTreeItem(item: RunItem): vscode.TreeItem {
    return item;
  }

  async getChildren(item?: RunItem): Promise<RunItem[]> {
    if (item) return [];
    return (await allRuns()).map((r) => new RunItem(r));
  }

  dispose(): void {
    this.watcher.dispose();
    this.changed.dispose();
  }
}

/** Saved runs of every workspace folder, newest first. */
export async function allRuns(): Promise<RunSummary[]> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const lists = await Promise.all(folders.map((f) => listRuns(runsRoot(f.uri.fsPath))));
  return lists.flat().sort((a, b) => (a.config.createdAt < b.config.createdAt ? 1 : -1));
}
