/** The seq2seq flow's picker of a trained translator (data files are picked through core/pickFile). */
import * as vscode from 'vscode';
import { basename, join } from 'node:path';
import { t } from '../../core/strings';
import type { RunListing } from '../../runs/store';
import { allRuns } from '../../runs/view';

/** A saved translator: the newest seq2seq run first, then the others, or a folder the user browses to. */
export async function pickTranslator(): Promise<string | undefined> {
  const runs = (await allRuns()).filter((r): r is RunListing => !r.damaged && r.hasModel && r.run.kind === 'seq2seq');
  const browse = { label: `$(folder-opened) ${t('Browse for a model folder…')}`, dir: '' };
  const items = [
    ...runs.map((r, i) => ({
      label: basename(r.run.dataset.path),
      description: `${r.run.startedAt.replace('T', ' ').slice(0, 19)}${i === 0 ? ` · ${t('latest')}` : ''}`,
      detail: r.dir,
      dir: join(r.dir, 'model'),
    })),
    browse,
  ];
  // The first of two steps (the model, then the sentence): a webview taking focus back as the
  // palette closes must not dismiss it; Escape still does.
  const pick = await vscode.window.showQuickPick(items, { title: t('Translate with a trained model'), placeHolder: t('Pick a trained translator'), ignoreFocusOut: true });
  if (!pick) return undefined;
  if (pick !== browse) return pick.dir;
  const folder = await vscode.window.showOpenDialog({ canSelectFiles: false, canSelectFolders: true, openLabel: t('Use This Model') });
  return folder?.[0]?.fsPath;
}
