/**
 * RNN Lab: Open Examples (`rnnLab.openExamples`): the course's data sets, so a new user has
 * something to run at once. With a folder open they are copied into `rnn-lab-examples/` in it
 * (copy.ts decides, never overwriting a user's file) and the pair file is opened; with no folder
 * open the shipped files are opened as they are.
 */
import * as vscode from 'vscode';
import { basename, join } from 'node:path';
import { t } from '../core/strings';
import { copyPlanned, EXAMPLE_FILES, EXAMPLES_FOLDER, planExampleCopies } from './copy';

export async function openExamples(extensionUri: vscode.Uri, log: (line: string) => void): Promise<void> {
  const shipped = vscode.Uri.joinPath(extensionUri, 'examples').fsPath;
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder || folder.uri.scheme !== 'file') {
    for (const name of ['README.md', 'course-pairs.tsv'] as const) {
      await vscode.window.showTextDocument(vscode.Uri.file(join(shipped, name)), { preview: false });
    }
    void vscode.window.showInformationMessage(t('No folder is open, so the examples are shown where RNN Lab keeps them ({0}). Open a folder and run Open Examples again to copy them into it.', EXAMPLE_FILES.join(', ')));
    return;
  }
  const target = join(folder.uri.fsPath, EXAMPLES_FOLDER);
  const plan = await planExampleCopies(shipped, target);
  const renamed = plan.filter((p) => p.status === 'renamed');
  if (renamed.length > 0) {
    const copyBeside = t('Copy Beside Them');
    const answer = await vscode.window.showWarningMessage(
      t('{0} already has files of these names that differ from the examples: {1}. Yours stay as they are.', EXAMPLES_FOLDER, renamed.map((p) => p.name).join(', ')),
      { modal: true, detail: t('The examples would be copied as {0}.', renamed.map((p) => basename(p.to)).join(', ')) },
      copyBeside,
    );
    if (answer !== copyBeside) return;
  }
  try {
    await copyPlanned(plan, target);
  } catch (e) {
    void vscode.window.showErrorMessage(t('Could not copy the examples into {0}: {1}. Nothing of yours was changed.', target, (e as Error).message));
    return;
  }
  const copied = plan.filter((p) => p.status !== 'same');
  log(`Open Examples: ${copied.length ? copied.map((p) => basename(p.to)).join(', ') : 'nothing new'} in ${target}`);
  const pairs = plan.find((p) => p.name === 'course-pairs.tsv')!;
  await vscode.window.showTextDocument(vscode.Uri.file(pairs.to), { preview: false });
  await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(pairs.to));
  void vscode.window.showInformationMessage(
    copied.length ? t('Copied {0} example files into {1}. README.md says where they come from and their licences.', copied.length, EXAMPLES_FOLDER) : t('The examples are already in {0}.', EXAMPLES_FOLDER),
  );
}
