/**
 * Saving a trained model as a folder, atomically and without loss: the files are written to a fresh
 * sibling folder that is then renamed into place, so a crash or a cancel mid-save never leaves a
 * half-written model, an earlier model at the same path survives until the new one is whole, and
 * nothing but an RNN Lab model folder is ever replaced.
 *
 * A model folder holds config.json (kind, version, sizes, options), the weights and the data
 * files (scaler, vocabularies). Version 2 stores the weights as model.safetensors, float32 under
 * PyTorch's state_dict names; version 1 (the first release) stored them as weights.json, which
 * is still read.
 */
import { existsSync } from 'node:fs';
import { lstat, mkdir, mkdtemp, open, readdir, readFile, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { freeModelName, judgeModelFolder, saveSiblings } from '../shared/modelFolder';
import { readInputFile } from './data/text';
import { RnnLabError } from './errors';
import { decodeSafetensors, encodeSafetensors, type Float32Tensor } from './safetensors';
import { say, type Said } from '../shared/said';

export const MODEL_FORMAT_VERSION = 2;
/** Versions this build reads. */
export const READABLE_MODEL_VERSIONS: readonly number[] = [1, 2];
export const WEIGHTS_FILE = 'model.safetensors';
const LEGACY_WEIGHTS_FILE = 'weights.json';

/** Named weights in PyTorch's state_dict layout (row-major data). */
export type StateDict = Record<string, { shape: number[]; data: ArrayLike<number> }>;

/** The weights file's bytes. */
export function encodeWeights(sd: StateDict): Uint8Array {
  const tensors: Record<string, Float32Tensor> = {};
  for (const [name, t] of Object.entries(sd)) tensors[name] = { shape: t.shape, data: t.data instanceof Float32Array ? t.data : Float32Array.from(t.data) };
  return encodeSafetensors(tensors, { format: 'pt', producer: 'rnn-lab' });
}

/** The weights of a model folder of `version` (checked by the caller) and the file they came from. */
export async function readWeights(dir: string, version: number): Promise<{ weights: StateDict; file: string }> {
  if (version === 1) return { weights: await readModelFile<StateDict>(dir, LEGACY_WEIGHTS_FILE), file: join(dir, LEGACY_WEIGHTS_FILE) };
  const path = join(dir, WEIGHTS_FILE);
  const bytes = await readModelBytes(path);
  return { weights: decodeSafetensors(bytes, path).tensors, file: path };
}

/**
 * `data` is `size` finite numbers (an array or a Float32Array): what loadStateDict checks before
 * it makes a tensor (tf.tensor would take strings or nulls, and assign would then throw past it).
 */
export function isWeightData(data: unknown, size: number): data is ArrayLike<number> {
  if (!(Array.isArray(data) || data instanceof Float32Array) || data.length !== size) return false;
  for (let i = 0; i < size; i++) if (typeof data[i] !== 'number' || !Number.isFinite(data[i])) return false;
  return true;
}

/** The hint for a model folder from a newer RNN Lab, or undefined when `version` is not newer. */
export function newerHint(version: unknown): Said | undefined {
  return typeof version === 'number' && version > MODEL_FORMAT_VERSION
    ? say('It was saved by a newer RNN Lab (model format {0}; this one reads up to {1}): update RNN Lab.', version, MODEL_FORMAT_VERSION)
    : undefined;
}

function missing(path: string): RnnLabError {
  return new RnnLabError('BAD_MODEL', say('{0} is missing.', path), say('Point to a folder made by `rnn-lab … --save DIR` or the Save model button.'), { file: path });
}

/** A model folder's file, through the one reader of user files (regular files only, bounded). */
function readModelBytes(path: string): Promise<Buffer> {
  return readInputFile(path, path, say('model folder'), { code: 'BAD_MODEL', missing: missing(path) });
}

// ---------------------------------------------------------------------------------------------
// Saving a model folder without losing anything
//
// A save replaces what is at its path only when that is an RNN Lab model folder and nothing else
// (judgeModelFolder); anything else is refused before anything is touched. The new folder is
// written beside the target (`.<name>.tmp-…`) and renamed into place. Replacing a model takes two
// renames (old → `.<name>.rnnlab-old`, new → path); a process killed between them leaves the old
// model in the backup, and the next save or load of that path puts it back (recoverModelDir), so
// the path never stays empty. A lock file (`.<name>.rnnlab-lock`, holding the pid) serialises two
// saves into one path: the second waits, then replaces the first's model.

/** How long a save waits for another save into the same path. */
const LOCK_WAIT_MS = 15_000;
/** A lock older than this is stale even when its pid is alive (pids are reused). */
const LOCK_STALE_MS = 10 * 60_000;
/** A config.json larger than this is not read when judging a folder. */
const CONFIG_LIMIT = 1 << 20;

/** The sibling of `abs` that `saveSiblings[which]` names (the temporary prefix, the backup, the lock). */
function beside(abs: string, which: keyof typeof saveSiblings): string {
  return join(dirname(abs), saveSiblings[which](basename(abs)));
}

function errnoOf(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}

/** A save path that RNN Lab will not use: says what is there and suggests a free path. */
function refused(shownAs: string, abs: string, reason: string): RnnLabError {
  const free = freeModelName(basename(abs), (n) => existsSync(join(dirname(abs), n)));
  return new RnnLabError('BAD_SAVE_PATH', `${shownAs} ${reason}; nothing there was changed.`, `Save the model to a free path, such as ${join(dirname(shownAs), free)}.`, { file: shownAs });
}

/** A file-system error while saving, said in words (permission, read-only, disk full). */
function saveFailed(shownAs: string, e: unknown): RnnLabError {
  if (e instanceof RnnLabError) return e;
  const code = errnoOf(e);
  const why =
    code === 'EACCES' || code === 'EPERM' ? say('permission denied') :
    code === 'EROFS' ? say('the file system is read-only') :
    code === 'ENOSPC' ? say('the disk is full') :
    code === 'ENAMETOOLONG' ? say('the path is too long') :
    ((e as Error)?.message ?? String(e));
  return new RnnLabError('BAD_SAVE_PATH', say('Cannot save the model to {0}: {1}.', shownAs, why), say('Choose a folder you can write to.'), { file: shownAs });
}

/** What a save into a path will do: create it, or replace an RNN Lab model (or an empty folder) there. */
export type SaveTarget = { state: 'free' } | { state: 'replace'; kind: string | null };

/**
 * Where a save into `dir` stands, touching nothing: throws BAD_SAVE_PATH when the path holds
 * anything but an RNN Lab model folder, or cannot be created or written. The CLI calls it before
 * training, so a bad --save fails at once instead of losing the trained model at the end.
 * `shownAs` is the path as the user gave it, for messages.
 */
export async function checkSaveTarget(dir: string, shownAs: string = dir): Promise<SaveTarget> {
  const abs = resolve(dir);
  if (dirname(abs) === abs) throw refused(shownAs, abs, 'is the root of the file system');
  let st;
  try {
    st = await lstat(abs);
  } catch (e) {
    if (errnoOf(e) !== 'ENOENT' && errnoOf(e) !== 'ENOTDIR') throw saveFailed(shownAs, e);
    await checkCreatable(abs, shownAs);
    return { state: 'free' };
  }
  if (st.isSymbolicLink()) throw refused(shownAs, abs, 'is a symbolic link');
  if (!st.isDirectory()) throw refused(shownAs, abs, st.isFile() ? 'is a file' : 'is not a folder (a device, pipe or socket)');
  const entries = await readdir(abs).catch((e) => {
    throw saveFailed(shownAs, e);
  });
  const verdict = judgeModelFolder(entries, entries.includes('config.json') ? await readSmallJson(join(abs, 'config.json')) : undefined);
  if (!verdict.replaceable) throw refused(shownAs, abs, verdict.reason);
  await requireWritable(dirname(abs), shownAs);
  return { state: 'replace', kind: verdict.kind };
}

/** Parsed JSON of a regular file of at most CONFIG_LIMIT bytes; undefined otherwise. */
async function readSmallJson(path: string): Promise<unknown> {
  try {
    const st = await lstat(path);
    if (!st.isFile() || st.size > CONFIG_LIMIT) return undefined;
    return JSON.parse(await readFile(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/** The nearest existing ancestor of `abs` must be a folder we can write into. */
async function checkCreatable(abs: string, shownAs: string): Promise<void> {
  // `shown` walks up `shownAs` beside `p`, so a message names the ancestor as the user wrote it.
  for (let p = dirname(abs), shown = dirname(shownAs); ; p = dirname(p), shown = dirname(shown)) {
    let st;
    try {
      st = await stat(p);
    } catch (e) {
      if ((errnoOf(e) === 'ENOENT' || errnoOf(e) === 'ENOTDIR') && dirname(p) !== p) continue;
      throw saveFailed(shownAs, e);
    }
    if (!st.isDirectory()) throw refused(shown === '.' ? p : shown, p, `is a file, so ${shownAs} cannot be made inside it`);
    await requireWritable(p, shownAs);
    return;
  }
}

/**
 * `folder` takes new entries: a probe folder is made and removed, which also catches what a
 * permission check misses (a read-only mount, /proc, root's permission bypass).
 */
async function requireWritable(folder: string, shownAs: string): Promise<void> {
  try {
    await rmdir(await mkdtemp(join(folder, '.rnnlab-probe-')));
  } catch (e) {
    throw saveFailed(shownAs, e);
  }
}

/** Take the save lock of `abs`, waiting for another save into it; returns the release. */
async function lockSave(abs: string, shownAs: string): Promise<() => Promise<void>> {
  const lock = beside(abs, 'lock');
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      const fh = await open(lock, 'wx');
      await fh.writeFile(String(process.pid));
      await fh.close();
      return () => rm(lock, { force: true });
    } catch (e) {
      if (errnoOf(e) !== 'EEXIST') throw saveFailed(shownAs, e);
    }
    if (await lockIsStale(lock)) {
      await rm(lock, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new RnnLabError('BAD_SAVE_PATH', say('Another save into {0} has been under way for over {1} s.', shownAs, LOCK_WAIT_MS / 1000), say('Wait for it to finish, or save to another path. (If no RNN Lab is running, delete {0}.)', lock), { file: shownAs });
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function lockIsStale(lock: string): Promise<boolean> {
  try {
    const [text, st] = await Promise.all([readFile(lock, 'utf8'), stat(lock)]);
    if (Date.now() - st.mtimeMs > LOCK_STALE_MS) return true;
    const pid = Number(text);
    if (!Number.isInteger(pid) || pid <= 0) return Date.now() - st.mtimeMs > 1000; // being written, or junk
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return errnoOf(e) === 'ESRCH' || errnoOf(e) === 'ENOENT';
  }
}

/**
 * Finish or undo a save into `abs` that a killed process left half-done: a backup with no model
 * at the path is put back; a backup beside a model that made it into place is removed, and so are
 * leftover temporary folders. Returns whether the path was restored. Call with the lock held.
 */
async function recoverLocked(abs: string): Promise<boolean> {
  const backup = beside(abs, 'backup');
  let restored = false;
  if (existsSync(backup)) {
    if (existsSync(abs)) await rm(backup, { recursive: true, force: true });
    else {
      await rename(backup, abs);
      restored = true;
    }
  }
  const prefix = saveSiblings.tempPrefix(basename(abs));
  for (const name of await readdir(dirname(abs)).catch(() => [] as string[])) {
    if (name.startsWith(prefix)) await rm(join(dirname(abs), name), { recursive: true, force: true });
  }
  return restored;
}

/**
 * Repair what an interrupted save left at `dir` (see recoverLocked), unless a save into it is under
 * way. Loading calls it when a model folder is missing. Returns whether the model was put back.
 */
export async function recoverModelDir(dir: string): Promise<boolean> {
  const abs = resolve(dir);
  if (!existsSync(beside(abs, 'backup'))) return false;
  let release: () => Promise<void>;
  try {
    const fh = await open(beside(abs, 'lock'), 'wx');
    await fh.writeFile(String(process.pid));
    await fh.close();
    release = () => rm(beside(abs, 'lock'), { force: true });
  } catch {
    return false; // a save is under way, or the folder cannot be written: leave it alone
  }
  try {
    return await recoverLocked(abs);
  } catch {
    return false;
  } finally {
    await release();
  }
}

/**
 * Write `files` into the folder `dir` (bytes as they are, anything else as JSON), creating it, or
 * replacing it when it is an RNN Lab model folder (checkSaveTarget); anything else there is an
 * error and is left as it was. `shownAs` is the path as the user gave it, for messages.
 */
export async function writeModelDir(dir: string, files: Record<string, unknown>, shownAs: string = dir): Promise<void> {
  const abs = resolve(dir);
  await checkSaveTarget(abs, shownAs);
  try {
    await mkdir(dirname(abs), { recursive: true });
  } catch (e) {
    throw saveFailed(shownAs, e);
  }
  const release = await lockSave(abs, shownAs);
  try {
    await recoverLocked(abs);
    // Checked again under the lock: the path may have changed since (another save, the user).
    const target = await checkSaveTarget(abs, shownAs);
    const tmp = await mkdtemp(beside(abs, 'tempPrefix')).catch((e) => {
      throw saveFailed(shownAs, e);
    });
    try {
      for (const [name, value] of Object.entries(files)) {
        if (value instanceof Uint8Array) await writeFile(join(tmp, name), value);
        else await writeFile(join(tmp, name), JSON.stringify(value) + '\n', 'utf8');
      }
      if (target.state === 'replace' && target.kind !== null) {
        const backup = beside(abs, 'backup');
        await rename(abs, backup);
        await rename(tmp, abs);
        await rm(backup, { recursive: true, force: true });
      } else {
        if (target.state === 'replace') await rmdir(abs); // an empty folder: nothing is lost
        await rename(tmp, abs);
      }
    } catch (e) {
      await rm(tmp, { recursive: true, force: true });
      throw saveFailed(shownAs, e);
    }
  } finally {
    await release();
  }
}

/** Read and parse `dir/name`, with a BAD_MODEL error that names the file when it is missing or damaged. */
export async function readModelFile<T>(dir: string, name: string): Promise<T> {
  const path = join(dir, name);
  let text: string;
  try {
    text = (await readModelBytes(path)).toString('utf8');
  } catch (e) {
    // A save killed between its two renames leaves the old model beside the path: put it back.
    if (existsSync(path) || !(await recoverModelDir(dir))) throw e;
    text = (await readModelBytes(path)).toString('utf8');
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new RnnLabError('BAD_MODEL', say('{0} is not valid JSON.', path), say('Save the model again.'), { file: path });
  }
}
