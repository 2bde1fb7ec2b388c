/**
 * Save model, on the host side: copy a run's model folder to a path the user picked, under the same
 * rule as the CLI's --save (src/shared/modelFolder.ts): a free path is created; an RNN Lab model
 * folder is replaced only after the user says so; anything else (a file, a folder of theirs, a model
 * folder with their own files in it) is refused with nothing touched and a free path suggested.
 *
 * It goes through vscode.workspace.fs, so it also works on remote workspaces, and writes atomically
 * like the engine: the copy is made in a hidden sibling folder and renamed into place; a replaced
 * model is moved aside first and deleted only once the new one is in place. Every flow's Save model
 * goes through `saveRunModelAs`.
 */
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { freeModelName, judgeModelFolder, saveSiblings, type ModelFolderVerdict } from '../../shared/modelFolder';
import { t } from './strings';

/**
 * Files of the run copied beside the model, renamed so they cannot clash with the model's own
 * (its config.json): the run's record (run.json; a first-release run's config.json) and result.
 * Those the run has are copied.
 */
const RUN_FILES: readonly (readonly [string, string])[] = [
  ['run.json', 'run.json'],
  ['config.json', 'run-config.json'],
  ['result.json', 'run-result.json'],
];

export type SaveOutcome = 'saved' | 'replaced' | 'declined';

async function statOrNull(uri: vscode.Uri): Promise<vscode.FileStat | null> {
  try {
    return await vscode.workspace.fs.stat(uri);
  } catch {
    return null;
  }
}

async function verdictOn(target: vscode.Uri): Promise<ModelFolderVerdict | null> {
  const st = await statOrNull(target);
  if (!st) return null;
  if (st.type & vscode.FileType.SymbolicLink) return { replaceable: false, reason: t('is a symbolic link') };
  if (!(st.type & vscode.FileType.Directory)) return { replaceable: false, reason: t('is a file') };
  const entries = (await vscode.workspace.fs.readDirectory(target)).map(([name]) => name);
  let config: unknown;
  if (entries.includes('config.json')) {
    try {
      config = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(target, 'config.json'))));
    } catch {
      config = undefined;
    }
  }
  return judgeModelFolder(entries, config, t);
}

/** Thrown when the target holds something that is not to be replaced; the message says what and suggests a free path. */
export class SaveRefused extends Error {}

/**
 * Copies `runDir/model` (and the run's config and result) to `target`. Asks before replacing an
 * RNN Lab model; throws SaveRefused for anything else at the path.
 */
export async function saveModelFolder(runDir: vscode.Uri, target: vscode.Uri): Promise<SaveOutcome> {
  const shown = vscode.workspace.asRelativePath(target, false);
  const parent = vscode.Uri.joinPath(target, '..');
  const name = target.path.split('/').pop() ?? 'model';
  const verdict = await verdictOn(target);
  if (verdict && !verdict.replaceable) {
    const siblings = new Set((await vscode.workspace.fs.readDirectory(parent)).map(([n]) => n));
    throw new SaveRefused(t('{0} {1}; nothing there was changed. Save the model to a free path, such as {2}.', shown, verdict.reason, freeModelName(name, (n) => siblings.has(n))));
  }
  const replacing = verdict !== null && verdict.kind !== null;
  if (replacing) {
    const replace = t('Replace');
    const choice = await vscode.window.showWarningMessage(
      t("{0} already holds an RNN Lab {1} model. Replace it with this run's model?", shown, verdict.kind),
      { modal: true, detail: t('The model there now is deleted once the new one is written.') },
      replace,
    );
    if (choice !== replace) return 'declined';
  }
  const tmp = vscode.Uri.joinPath(parent, saveSiblings.tempPrefix(name) + randomBytes(4).toString('hex'));
  try {
    await vscode.workspace.fs.copy(vscode.Uri.joinPath(runDir, 'model'), tmp, { overwrite: false });
    for (const [from, to] of RUN_FILES) {
      if (await statOrNull(vscode.Uri.joinPath(runDir, from))) await vscode.workspace.fs.copy(vscode.Uri.joinPath(runDir, from), vscode.Uri.joinPath(tmp, to), { overwrite: false });
    }
    if (replacing) {
      const backup = vscode.Uri.joinPath(parent, saveSiblings.backup(name));
      await vscode.workspace.fs.rename(target, backup, { overwrite: false });
      await vscode.workspace.fs.rename(tmp, target, { overwrite: false });
      await vscode.workspace.fs.delete(backup, { recursive: true, useTrash: false });
    } else {
      if (verdict) await vscode.workspace.fs.delete(target, { recursive: false, useTrash: false }); // an empty folder
      await vscode.workspace.fs.rename(tmp, target, { overwrite: false });
    }
  } catch (e) {
    await vscode.workspace.fs.delete(tmp, { recursive: true, useTrash: false }).then(undefined, () => undefined);
    throw e;
  }
  return replacing ? 'replaced' : 'saved';
}

/**
 * Save model, as every flow's panel offers it: asks where (a save dialog at `models/<name>` in the
 * workspace), copies the run's model folder there under the rule above, and says where it went.
 */
export async function saveRunModelAs(
  runDir: string,
  name: string,
  notice: (message: string) => void,
  log: (line: string) => void,
  errorText: (e: unknown) => string,
): Promise<void> {
  const run = vscode.Uri.file(runDir);
  const base = vscode.workspace.workspaceFolders?.[0]?.uri ?? run;
  const target = await vscode.window.showSaveDialog({
    defaultUri: vscode.Uri.joinPath(base, 'models', name),
    saveLabel: t('Save Model Here'),
    title: t('Save the trained model as a folder'),
  });
  if (!target) return;
  try {
    const outcome = await saveModelFolder(run, target);
    if (outcome === 'declined') return;
    const shown = vscode.workspace.asRelativePath(target, false);
    notice(outcome === 'replaced' ? t('Model replaced in {0}.', shown) : t('Model saved to {0}.', shown));
    log(`Model ${outcome} at ${target.fsPath}`);
  } catch (e) {
    void vscode.window.showErrorMessage(e instanceof SaveRefused ? t('RNN Lab: {0}', e.message) : t('RNN Lab: could not save the model: {0}', errorText(e)));
  }
}
