/** What leaves a run panel for the user's files: the trained model folder, and chart images. */
import * as vscode from 'vscode';
import { basename } from 'node:path';
import { t } from '../../core/strings';
import { SaveRefused, saveModelFolder } from './modelSave';
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
  const runDir = vscode.Uri.file(phase.runDir);
  const base = vscode.workspace.workspaceFolders?.[0]?.uri ?? runDir;
  const stem = basename(panel.runState.fileName).replace(/\.[^.]+$/, '');
  const target = await vscode.window.showSaveDialog({
    defaultUri: vscode.Uri.joinPath(base, 'models', `${stem}-lstm-${panel.runState.runId.slice(0, 10)}`),
    saveLabel: t('Save Model Here'),
    title: t('Save the trained model as a folder'),
  });
  if (!target) return;
  try {
    const outcome = await saveModelFolder(runDir, target);
    if (outcome === 'declined') return;
    const shown = vscode.workspace.asRelativePath(target, false);
    panel.notice(outcome === 'replaced' ? t('Model replaced in {0}.', shown) : t('Model saved to {0}.', shown));
    log(`Model ${outcome} at ${target.fsPath}`);
  } catch (e) {
    void vscode.window.showErrorMessage(e instanceof SaveRefused ? t('RNN Lab: {0}', e.message) : t('RNN Lab: could not save the model: {0}', errorText(e)));
  }
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
