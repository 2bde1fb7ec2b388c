/**
 * The activity-bar "Runs" tree: saved runs of every kind and every workspace folder, newest
 * first. The tree knows no kind: each flow says how its runs read (icon, one-line summary).
 */
import * as vscode from 'vscode';
import { basename } from 'node:path';
import type { RunKind } from '../../shared/runs';
import { Disposable } from '../core/disposable';
import { t } from '../core/strings';
import { listRuns, removeStaleTemps, runsRoot, type RunSummary } from './store';

/** How one kind of run shows in the tree; given by the flow that makes it. */
export interface RunKindView {
  /** A codicon name. */
  icon: string;
  /** The line beside the file name, after the date. */
  summary(run: RunSummary): string;
  /** True when the run's model can be applied to another file (the item then offers it). */
  appliesModel: boolean;
}

export type RunKindViews = { readonly [K in RunKind]: RunKindView };

export class RunItem extends vscode.TreeItem {
  constructor(
    readonly run: RunSummary,
    kind: RunKindView,
  ) {
    super(`${basename(run.config.file)}`, vscode.TreeItemCollapsibleState.None);
    const when = run.config.createdAt.replace('T', ' ').slice(0, 19);
    this.description = `${when} · ${kind.summary(run)}`;
    this.tooltip = `${run.config.file}\n${run.dir}`;
    this.iconPath = new vscode.ThemeIcon(kind.icon);
    this.contextValue = run.hasModel && kind.appliesModel ? 'rnnLab.runWithModel' : 'rnnLab.run';
    this.command = { command: 'rnnLab.openRun', title: t('Open Run'), arguments: [run.dir] };
  }
}

export class RunsView extends Disposable implements vscode.TreeDataProvider<RunItem> {
  static readonly viewId = 'rnnLab.runs';
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly kinds: RunKindViews) {
    super();
    // Runs written by another window or the CLI show up too.
    const watcher = this._register(vscode.workspace.createFileSystemWatcher('**/.rnnlab/runs/*/config.json'));
    this._register(watcher.onDidCreate(() => this.refresh()));
    this._register(watcher.onDidDelete(() => this.refresh()));
  }

  refresh(): void {
    this.changed.fire();
  }

  getTreeItem(item: RunItem): vscode.TreeItem {
    return item;
  }

  async getChildren(item?: RunItem): Promise<RunItem[]> {
    if (item) return [];
    return (await allRuns()).map((r) => new RunItem(r, this.kinds[r.config.kind]));
  }
}

/** Saved runs of every workspace folder, newest first. */
export async function allRuns(): Promise<RunSummary[]> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const lists = await Promise.all(folders.map((f) => listRuns(runsRoot(f.uri.fsPath))));
  return lists.flat().sort((a, b) => (a.config.createdAt < b.config.createdAt ? 1 : -1));
}

/** Removes the temporary folders a crash left in every runs folder (those old enough not to be in use). */
export async function removeStaleRunTemps(extraRoots: readonly string[]): Promise<number> {
  const roots = [...(vscode.workspace.workspaceFolders ?? []).map((f) => runsRoot(f.uri.fsPath)), ...extraRoots];
  const counts = await Promise.all(roots.map((r) => removeStaleTemps(r)));
  return counts.reduce((a, b) => a + b, 0);
}
