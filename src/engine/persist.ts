/**
 * Saving a trained model as a folder, atomically: the files are written to a fresh sibling folder
 * that is then renamed into place, so a crash or a cancel mid-save never leaves a half-written
 * model, and an earlier model at the same path survives until the new one is whole.
 *
 * A model folder holds config.json (kind, version, sizes, options), the weights and the data
 * files (scaler, vocabularies). Version 2 stores the weights as model.safetensors, float32 under
 * PyTorch's state_dict names; version 1 (the first release) stored them as weights.json, which
 * is still read.
 */
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { RnnLabError } from './errors';
import { decodeSafetensors, encodeSafetensors, type Float32Tensor } from './safetensors';

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
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch {
    throw missing(path);
  }
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
export function newerHint(version: unknown): string | undefined {
  return typeof version === 'number' && version > MODEL_FORMAT_VERSION
    ? `It was saved by a newer RNN Lab (model format ${version}; this one reads up to ${MODEL_FORMAT_VERSION}): update RNN Lab.`
    : undefined;
}

function missing(path: string): RnnLabError {
  return new RnnLabError('BAD_MODEL', `${path} is missing.`, 'Point to a folder made by `rnn-lab … --save DIR` or the Save model button.', { file: path });
}

/**
 * Write `files` into `dir`, replacing it atomically: bytes as they are, anything else as JSON.
 */
export async function writeModelDir(dir: string, files: Record<string, unknown>): Promise<void> {
  const parent = dirname(dir);
  await mkdir(parent, { recursive: true });
  const tmp = await mkdtemp(join(parent, `.${basename(dir)}.tmp-`));
  try {
    for (const [name, value] of Object.entries(files)) {
      if (value instanceof Uint8Array) await writeFile(join(tmp, name), value);
      else await writeFile(join(tmp, name), JSON.stringify(value) + '\n', 'utf8');
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
    throw missing(path);
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new RnnLabError('BAD_MODEL', `${path} is not valid JSON.`, 'Save the model again.', { file: path });
  }
}
