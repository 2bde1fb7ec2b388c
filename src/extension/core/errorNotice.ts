/** An engine error as every flow shows it: in the log, and as a notification that opens the file at the line it names. */
import * as vscode from 'vscode';
import { t } from './strings';
import { WorkerError } from './workerSession';

/** `text` is the error in the flow's words (its options named as its form names them). */
export function showEngineError(output: vscode.LogOutputChannel, text: string, e: unknown, file: vscode.Uri): void {
  output.error(text);
  const line = e instanceof WorkerError ? e.wire.location.line : undefined;
  const actions = line ? [t('Go to Line {0}', line)] : [];
  void vscode.window.showErrorMessage(t('RNN Lab: {0}', text), ...actions).then(async (a) => {
    if (!a || !line) return;
    const doc = await vscode.workspace.openTextDocument(file);
    const pos = new vscode.Position(line - 1, 0);
    await vscode.window.showTextDocument(doc, { selection: new vscode.Range(pos, pos) });
  });
}
