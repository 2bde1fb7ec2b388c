/**
 * The data file a palette command works on, picked the same way for every flow: the active
 * editor's file when its extension fits, otherwise a quick pick of the workspace's files of those
 * extensions (with a Browse… entry for a file elsewhere).
 */
import * as vscode from 'vscode';
import { t } from './strings';

/** At most this many workspace files are listed; the quick pick filters them as the user types. */
const MAX_LISTED = 500;

export async function pickDataFile(opts: { extensions: readonly string[]; title: string; filterName: string }): Promise<vscode.Uri | undefined> {
  const fits = (u: vscode.Uri) => opts.extensions.some((e) => u.path.toLowerCase().endsWith(`.${e}`));
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active && active.scheme === 'file' && fits(active)) return active;
  const found = await vscode.workspace.findFiles(`**/*.{${opts.extensions.join(',')}}`, '**/{node_modules,.git,.rnnlab}/**', MAX_LISTED);
  found.sort((a, b) => a.path.localeCompare(b.path));
  const browse = { label: `$(folder-opened) ${t('Browse…')}`, uri: undefined as vscode.Uri | undefined };
  const items = [...found.map((uri) => ({ label: vscode.workspace.asRelativePath(uri, false), uri })), browse];
  const pick = await vscode.window.showQuickPick(items, { title: opts.title, placeHolder: t('Pick a file ({0})', opts.extensions.map((e) => `.${e}`).join(', ')) });
  if (!pick) return undefined;
  if (pick.uri) return pick.uri;
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: false,
    openLabel: opts.title,
    filters: { [opts.filterName]: [...opts.extensions], [t('All files')]: ['*'] },
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
  });
  return picked?.[0];
}
