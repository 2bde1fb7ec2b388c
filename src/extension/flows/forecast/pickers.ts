/** The forecast flow's file and model pickers. */
import * as vscode from 'vscode';
import { basename, join } from 'node:path';
import { t } from '../../core/strings';
import { allRuns } from '../../runs/view';
import type { RunListing } from '../../runs/store';

/**
 * A CSV to read. `preferActiveEditor`: a CSV open in the active editor is taken without asking
 * (the command palette's Forecast with LSTM); otherwise the user always picks.
 */
export async function pickCsv(openLabel: string, preferActiveEditor: boolean): Promise<vscode.Uri | undefined> {
  const active = vscode.window.activeTextEditor?.document.uri;
  if (preferActiveEditor && active && /\.csv$/i.test(active.path)) return active;
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: false,
    openLabel,
    filters: { [t('CSV files')]: ['csv'], [t('All files')]: ['*'] },
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
  });
  return picked?.[0];
}

/** A saved forecaster: one of the trained runs, or a folder the user browses to. */
export async function pickModel(): Promise<string | undefined> {
  const runs = (await allRuns()).filter((r) => !r.damaged && r.hasModel && r.run.kind === 'forecast') as RunListing[];
  const browse = { label: `$(folder-opened) ${t('Browse for a model folder…')}`, dir: '' };
  const items = [
    ...runs.map((r) => ({ label: basename(r.run.dataset.path), description: new Date(r.run.startedAt).toLocaleString(), detail: r.dir, dir: join(r.dir, 'model') })),
    browse,
  ];
  const pick = await vscode.window.showQuickPick(items, { title: t('Forecast with a saved model'), placeHolder: t('Pick a saved run') });
  if (!pick) return undefined;
  if (pick !== browse) return pick.dir;
  const folder = await vscode.window.showOpenDialog({ canSelectFiles: false, canSelectFolders: true, openLabel: t('Use This Model') });
  return folder?.[0]?.fsPath;
}
