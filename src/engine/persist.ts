/**
 * Saving a trained model as a folder of JSON files, atomically: the files are written to a fresh
 * sibling folder that is then renamed into place, so a crash or a cancel mid-save never leaves a
 * half-written model, and an earlier model at the same path survives until the new one is whole.
 */
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { RnnLabError } from './errors';

export const MODEL_FORMAT_VERSION = 1;

/** Write `files` (name → JSON-serialisable value) into `dir`, replacing it atomically. */
export async function writeModelDir(dir: string, files: Record<string, unknown>): Promise<void> {
  const parent = dirname(dir);
  await mkdir(parent, { recursive: true });
  const tmp = await mkdtemp(join(parent, `.${basename(dir)}.tmp-`));
  try {
    for (const [name, value] of Object.entries(files)) {
      await writeFile(join(tmp, name), JSON.stringify(value) + '\n', 'utf8');
    }
    let backup: string | null = null;
    try {
      backup = `${tmp}.old`;
      await rename(dir, backup);
    } catch {
      backup = null; // nothing there yet
    }
    await rename(tmp, dir);
    if (backup) await rm(backup, { recursive: true, force: true });
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** Read and parse `dir/name`, with a BAD_MODEL error that names the file when it is missing or damaged. */
export async function readModelFile<T>(dir: string, name: string): Promise<T> {
  const path = join(dir, name);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new RnnLabError('BAD_MODEL', `${path} is missing.`, 'Point to a folder made by `rnn-lab … --save DIR` or the Save model button.', { file: path });
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new RnnLabError('BAD_MODEL', `${path} is not valid JSON.`, 'Save the model again.', { file: path });
  }
}
