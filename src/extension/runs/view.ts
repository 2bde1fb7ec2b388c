/**
 * The activity-bar "Runs" tree: stored runs of every kind and every workspace folder, newest
 * first, with their status, time, length and headline figures; a running one shows its progress
 * live (from its metrics.jsonl, so a run of the CLI's shows too), a damaged folder its reason.
 * The tree knows no kind: each flow says how its runs read and open (RunKindView).
 *
 * Actions on runs (open, re-run, reveal, delete, compare) are here because they are the same for
 * every kind; the kind only supplies `open` and `rerun`.
 */
import * as vscode from 'vscode';
import { basename } from 'node:path';
import { statusWord as statusIn, trainingWords, type RunKind, type RunStatus } from '../../shared/runs';
import { settingValue } from '../../shared/options/settings';
import { STORE_OPTIONS } from '../../shared/options/store';
import { Disposable, disposeAll, type IDisposable } from '../core/disposable';
import { saidText } from '../core/errorText';
import { t } from '../core/strings';
import { deleteRun, listRuns, removeStaleTemps, runsRoot, STALE_MS, type DamagedRun, type ListingCache, type RunEntry, type RunListing } from './store';

/** How one kind of run shows in the tree, and opens; given by the flow that makes it. */
export interface RunKindView {
  /** A codicon name. */
  icon: string;
  /** The kind's headline figures in one line ("RMSE 9.87 (persistence 7.97)"); '' when there are none yet. */
  summary(run: RunListing): string;
  /** Opens the run's panel, restored from its folder. */
  open(run: RunListing): Promise<void>;
  /** Starts a new run with the same config. */
  rerun(run: RunListing): Promise<void>;
  /** True when the run's model can be applied to another file (the item then offers it). */
  appliesModel: boolean;
}

/** How long a run took, in the largest fitting units: 42 s, 3 min 5 s, 2 h 4 min. */
export function durationWords(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return t('{0} s', s);
  if (s < 3600) return t('{0} min {1} s', Math.floor(s / 60), s % 60);
  return t('{0} h {1} min', Math.floor(s / 3600), Math.floor((s % 3600) / 60));
}

const statusWord = (s: RunStatus) => statusIn(s, t);

const STATUS_ICON: Record<RunStatus, { icon?: string; color?: string }> = {
  running: { icon: 'loading~spin' },
  done: {},
  cancelled: { color: 'disabledForeground' },
  failed: { color: 'errorForeground' },
  interrupted: { color: 'list.warningForeground' },
};

/** A kind's figures as they are stored, for a kind whose flow does not say how they read. */
function headlineWords(h: Readonly<Record<string, number | null>>): string {
  return Object.entries(h)
    .map(([k, v]) => `${k} ${v === null ? '–' : v.toPrecision(4)}`)
    .join(' · ');
}

export class RunItem extends vscode.TreeItem {
  constructor(
    readonly run: RunListing,
    kind: RunKindView | undefined,
    now: number,
  ) {
    const r = run.run;
    super(basename(r.dataset.path), vscode.TreeItemCollapsibleState.None);
    const when = new Date(r.startedAt).toLocaleString();
    const seconds = r.endedAt ? (Date.parse(r.endedAt) - Date.parse(r.startedAt)) / 1000 : r.status === 'running' ? (now - Date.parse(r.startedAt)) / 1000 : (run.last?.t ?? 0);
    const { progress, logged } = trainingWords(r, run.last, run.points, t);
    const summary = r.status === 'done' ? (kind?.summary(run) ?? headlineWords(r.headline)) : logged;
    this.description = [r.status === 'done' ? '' : statusWord(r.status), progress, summary, when, durationWords(seconds)].filter(Boolean).join(' · ');
    const tip = new vscode.MarkdownString();
    tip.appendText(`${r.dataset.path}\n`);
    tip.appendText(`${statusWord(r.status)}${r.error ? `: ${r.error}` : ''}\n`);
    tip.appendText(`${run.dir}`);
    this.tooltip = tip;
    const look = STATUS_ICON[r.status];
    this.iconPath = new vscode.ThemeIcon(look.icon ?? kind?.icon ?? 'beaker', look.color ? new vscode.ThemeColor(look.color) : undefined);
    const model = run.hasModel && kind?.appliesModel ? '.model' : '';
    this.contextValue = `rnnLab.run.${r.status}${model}`;
    this.id = run.dir;
    this.command = { command: 'rnnLab.openRun', title: t('Open Run'), arguments: [this] };
  }
}

export class DamagedItem extends vscode.TreeItem {
  constructor(readonly damaged: DamagedRun) {
    super(damaged.id, vscode.TreeItemCollapsibleState.None);
    const reason = saidText(damaged.reason);
    this.description = t('damaged: {0}', reason);
    this.tooltip = `${damaged.dir}\n${reason}`;
    this.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
    this.contextValue = 'rnnLab.damagedRun';
    this.id = damaged.dir;
  }
}

export type RunsTreeItem = RunItem | DamagedItem;

function isRunsItem(x: unknown): x is RunsTreeItem {
  return x instanceof RunItem || x instanceof DamagedItem;
}

/** The runs folder of a workspace folder (the `rnnLab.runsDirectory` setting), else of `fallback`. */
export function runsRootFor(folder: vscode.WorkspaceFolder | undefined, fallback: string): string {
  const spec = STORE_OPTIONS.runsDirectory;
  const setting = settingValue(spec, vscode.workspace.getConfiguration('rnnLab', folder?.uri).get(spec.setting!));
  return runsRoot(folder ? folder.uri.fsPath : fallback, typeof setting === 'string' ? setting : undefined);
}

/** The runs folders of every workspace folder. */
export function allRunsRoots(): string[] {
  return (vscode.workspace.workspaceFolders ?? []).map((f) => runsRootFor(f, f.uri.fsPath));
}

/** Every run of every workspace folder, newest first. */
export async function allRuns(cache?: ListingCache): Promise<RunEntry[]> {
  const lists = await Promise.all(allRunsRoots().map((r) => listRuns(r, { cache })));
  const when = (e: RunEntry) => (e.damaged ? e.id : e.run.startedAt);
  return lists.flat().sort((a, b) => (when(a) < when(b) ? 1 : -1));
}

/** The tree refreshes at most this often while a run writes its metrics. */
const REFRESH_MS = 1000;

export class RunsView extends Disposable implements vscode.TreeDataProvider<RunsTreeItem> {
  static readonly viewId = 'rnnLab.runs';
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  readonly onDidChangeTreeData = this.changed.event;
  private readonly listedRuns = this._register(new vscode.EventEmitter<readonly RunEntry[]>());
  /** Fires each time the tree has listed the runs (a refresh, a running run's metrics grew). */
  readonly onDidList = this.listedRuns.event;
  private readonly kinds = new Map<RunKind, RunKindView>();
  /** The file watchers of the current runs folders (replaced when the setting or the folders change). */
  private watchers: IDisposable[] = [];
  private refreshTimer: NodeJS.Timeout | null = null;
  private staleTimer: NodeJS.Timeout | null = null;
  private readonly cache: ListingCache = new Map();

  constructor() {
    super();
    this._register({ dispose: () => disposeAll(this.watchers) });
    this.watch();
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`rnnLab.${STORE_OPTIONS.runsDirectory.setting}`)) {
          this.watch();
          this.refresh();
        }
      }),
    );
    this._register(vscode.workspace.onDidChangeWorkspaceFolders(() => (this.watch(), this.refresh())));
    this._register({
      dispose: () => {
        if (this.refreshTimer) clearTimeout(this.refreshTimer);
        if (this.staleTimer) clearTimeout(this.staleTimer);
      },
    });
  }

  /** A flow's kinds of run. */
  addKinds(kinds: Partial<Record<RunKind, RunKindView>>): void {
    for (const [k, v] of Object.entries(kinds)) this.kinds.set(k as RunKind, v);
    this.refresh();
  }

  kindView(kind: RunKind): RunKindView | undefined {
    return this.kinds.get(kind);
  }

  /** Runs written by another window or the CLI show up too; a running run's metrics move its progress. */
  private watch(): void {
    disposeAll(this.watchers);
    this.watchers = [];
    for (const root of allRunsRoots()) {
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(root), '*/{run.json,metrics.jsonl,config.json}'));
      this.watchers.push(watcher, ...[watcher.onDidCreate, watcher.onDidChange, watcher.onDidDelete].map((on) => on(() => this.refreshSoon())));
    }
  }

  refresh(): void {
    this.changed.fire();
  }

  private refreshSoon(): void {
    this.refreshTimer ??= setTimeout(() => {
      this.refreshTimer = null;
      this.refresh();
    }, REFRESH_MS);
  }

  getTreeItem(item: RunsTreeItem): vscode.TreeItem {
    return item;
  }

  async getChildren(item?: RunsTreeItem): Promise<RunsTreeItem[]> {
    if (item) return [];
    const runs = await allRuns(this.cache);
    // A running run whose writer stops is interrupted once its heartbeat is stale: look again then.
    if (this.staleTimer) clearTimeout(this.staleTimer);
    this.staleTimer = runs.some((r) => !r.damaged && r.run.status === 'running') ? setTimeout(() => this.refresh(), STALE_MS + 1000) : null;
    this.listedRuns.fire(runs);
    const now = Date.now();
    const items = runs.map((r) => (r.damaged ? new DamagedItem(r) : new RunItem(r, this.kinds.get(r.run.kind), now)));
    this.shown = new Map(items.map((i) => [i.id!, i]));
    return items;
  }

  /** The runs an action applies to: the clicked item and the selection (canSelectMany), without duplicates. */
  static targets(item: RunsTreeItem | undefined, selected: readonly RunsTreeItem[] | undefined): RunsTreeItem[] {
    const all = [...(selected ?? []), ...(item ? [item] : [])].filter(isRunsItem);
    return [...new Map(all.map((i) => [i.id, i])).values()];
  }

  private view: vscode.TreeView<RunsTreeItem> | null = null;
  private log: (line: string) => void = () => undefined;
  /** The items of the last listing, by id (a run folder). */
  private shown = new Map<string, RunsTreeItem>();

  /** The tree view showing this provider, and where to say that a command's argument was not one of its items. */
  attach(view: vscode.TreeView<RunsTreeItem>, log: (line: string) => void): void {
    this.view = view;
    this.log = log;
  }

  /**
   * The item a command was run on: its argument when that is one of this tree's items; else, for
   * an item handle VS Code could not turn back into the item (a refresh under an open context
   * menu: CI saw Reveal Run Folder get an argument without `dir`), the listed item whose id ends
   * the handle; else the view's first selected item (the command palette passes nothing), saying
   * so in the log.
   */
  private itemOf(arg: unknown): RunsTreeItem | undefined {
    if (isRunsItem(arg)) return arg;
    if (arg === undefined) return this.view?.selection.find(isRunsItem);
    const handle = (arg as { $treeItemHandle?: unknown } | null)?.$treeItemHandle;
    // VS Code's handle of an item with an id ends with "/<id>"; the longest such id is the item.
    const byHandle = typeof handle === 'string' ? [...this.shown.values()].filter((i) => handle.endsWith(`/${i.id}`)).sort((a, b) => b.id!.length - a.id!.length)[0] : undefined;
    if (byHandle) return byHandle;
    this.log(`Runs view: a command got ${JSON.stringify(arg)?.slice(0, 200)}, not one of the view's runs; using the selection.`);
    return this.view?.selection.find(isRunsItem);
  }

  /** The tree's commands, registered by the composition root. */
  commands(compare: (runs: readonly RunListing[]) => void): Record<string, (...args: never[]) => unknown> {
    const listings = (items: RunsTreeItem[]) => items.filter((i): i is RunItem => i instanceof RunItem).map((i) => i.run);
    return {
      'rnnLab.openRun': async (arg?: unknown) => {
        const item = this.itemOf(arg);
        if (!(item instanceof RunItem)) return;
        const kind = this.kinds.get(item.run.run.kind);
        if (kind) await kind.open(item.run);
        else void vscode.window.showWarningMessage(t('RNN Lab cannot open a {0} run in this version.', item.run.run.kind));
      },
      'rnnLab.rerunRun': async (arg?: unknown) => {
        const item = this.itemOf(arg);
        if (item instanceof RunItem) await this.kinds.get(item.run.run.kind)?.rerun(item.run);
      },
      'rnnLab.revealRun': async (arg?: unknown) => {
        const item = this.itemOf(arg);
        if (!item) return;
        const dir = vscode.Uri.file(item instanceof RunItem ? item.run.dir : item.damaged.dir);
        if (vscode.workspace.getWorkspaceFolder(dir)) await vscode.commands.executeCommand('revealInExplorer', dir);
        else await vscode.commands.executeCommand('revealFileInOS', dir);
      },
      'rnnLab.deleteRun': async (arg?: unknown, selected?: RunsTreeItem[]) => {
        const items = RunsView.targets(this.itemOf(arg), selected);
        if (!items.length) return;
        const dirs = items.map((i) => (i instanceof RunItem ? i.run.dir : i.damaged.dir));
        const question = dirs.length === 1 ? t('Delete the run folder {0}? Its metrics, result and model are removed.', dirs[0]) : t('Delete {0} run folders? Their metrics, results and models are removed.', dirs.length);
        const yes = t('Delete');
        if ((await vscode.window.showWarningMessage(question, { modal: true }, yes)) !== yes) return;
        const roots = allRunsRoots();
        for (const dir of dirs) {
          const root = roots.find((r) => dir.startsWith(r)) ?? '';
          await deleteRun(root, dir).catch((e: unknown) => vscode.window.showErrorMessage(t('RNN Lab: {0}', (e as Error).message)));
        }
        this.refresh();
      },
      'rnnLab.compareRuns': (arg?: unknown, selected?: RunsTreeItem[]) => {
        const runs = listings(RunsView.targets(this.itemOf(arg), selected));
        if (runs.length < 2) {
          void vscode.window.showInformationMessage(t('Select two or more runs in the Runs view to compare them.'));
          return;
        }
        if (new Set(runs.map((r) => r.run.kind)).size > 1) {
          void vscode.window.showWarningMessage(t('Compare runs of one kind: the selection mixes {0}.', [...new Set(runs.map((r) => r.run.kind))].join(', ')));
          return;
        }
        compare(runs);
      },
      'rnnLab.refreshRuns': () => this.refresh(),
    };
  }
}

/** Removes the temporary folders a crash left in every runs folder (those old enough not to be in use). */
export async function removeStaleRunTemps(extraRoots: readonly string[]): Promise<number> {
  const counts = await Promise.all([...allRunsRoots(), ...extraRoots].map((r) => removeStaleTemps(r)));
  return counts.reduce((a, b) => a + b, 0);
}
