/** What leaves a run panel for the user's files: the trained model folder, and chart images. */
import * as vscode from 'vscode';
import { basename } from 'node:path';
import { t } from '../../core/strings';
import { saveRunModelAs } from '../../core/modelSave';
import type { RunPanel } from './runPanel';

/**
 * Copies the run's model folder (plus its config and result) to a folder the user picks in the
 * workspace, under modelSave.ts's rule: a folder of the user's is never overwritten.
 */
export async function saveModel(panel: RunPanel, log: (line: string) => void, errorText: (e: unknown) => string): Promise<void> {
  const phase = panel.runState.phase;
  if (phase.kind !== 'done' || !phase.runDir || panel.runState.source !== 'train') {
    void vscode.window.showWarningMessage(t('RNN Lab: this run has no trained model to save.'));
    return;
  }
  const stem = basename(panel.runState.fileName).replace(/\.[^.]+$/, '');
  await saveRunModelAs(phase.runDir, `${stem}-lstm-${panel.runState.runId.slice(0, 10)}`, (m) => panel.notice(m), log, errorText);
}

/** Writes the chart the page rendered (a data: URL the protocol has checked) to a file the user picks. */
export async function exportImage(panel: RunPanel, format: 'png' | 'svg', dataUrl: string): Promise<void> {
  const stem = basename(panel.runState.fileName).replace(/\.[^.]+$/, '');
  const base = vscode.workspace.workspaceFolders?.[0]?.uri;
  const target = await vscode.window.showSaveDialog({
    defaultUri: base ? vscode.Uri.joinPath(base, `${stem}-forecast.${format}`) : undefined,
    filters: format === 'png' ? { [t('PNG image')]: ['png'] } : { [t('SVG image')]: ['svg'] },
  });
  if (!target) return;
  const comma = dataUrl.indexOf(',');
  const payload = dataUrl.slice(comma + 1);
  const bytes = format === 'png' ? Buffer.from(payload, 'base64') : Buffer.from(decodeURIComponent(payload), 'utf8');
  await vscode.workspace.fs.writeFile(target, bytes);
  panel.notice(t('Chart saved to {0}.', vscode.workspace.asRelativePath(target, false)));
}
