/**
 * Saved models of every kind, saved and loaded one way. Each kind (forecaster, seq2seq) gives a
 * ModelSpec: its `kind` in config.json, its data files, `validate`, which reads every field of
 * config.json and of the data files through one schema and checks that they fit each other, and
 * `build`, which makes the model whose weights are then loaded. The folder's own rules (config.json
 * is a JSON object, its kind, the versions this build reads, the weights file of each version, a
 * weights file that does not fit the model) live here once, so the kinds cannot drift apart: a
 * config.json holding `null`, `[]` or `{}`, cut short or from a newer RNN Lab gets the same
 * one-line error for every kind.
 */
import { join } from 'node:path';
import { RnnLabError } from '../errors';
import { encodeWeights, MODEL_FORMAT_VERSION, newerHint, READABLE_MODEL_VERSIONS, readModelFile, readWeights, WEIGHTS_FILE, writeModelDir, type StateDict } from '../persist';
import { Field } from '../schema';
import { say, type Said } from '../../shared/said';

export const CONFIG_FILE = 'config.json';

/** What config.json holds for every kind. */
export interface SavedBase {
  kind: string;
  version: number;
}

/** A model whose weights are saved under PyTorch's state_dict names. */
export interface Weighted {
  stateDict(): StateDict;
  loadStateDict(sd: StateDict): void;
  dispose(): void;
}

export interface ModelSpec<S extends SavedBase, D, M extends Weighted> {
  /** config.json's `kind`. */
  kind: S['kind'];
  /** "a forecaster", for "… does not hold a forecaster model". */
  noun: Said;
  /** Where such folders come from, for the hint. */
  origin: Said;
  /** The JSON data files saved beside config.json and the weights. */
  dataFiles: readonly string[];
  /**
   * Every field of config.json (`config`; kind and version already checked) and of the data files
   * (`data`, by file name), and how they fit together; the first misfit fails naming its file and field.
   */
  validate(config: Field, data: Readonly<Record<string, Field>>): { saved: S; data: D };
  /** The model a validated config describes, with fresh weights. */
  build(saved: S): M;
}

/** Write a model folder of `spec`'s kind (atomically, see writeModelDir); `data` by file name, each turned into JSON. */
export function saveModel<S extends SavedBase, M extends Weighted>(
  dir: string,
  spec: ModelSpec<S, unknown, M>,
  saved: Omit<S, 'kind' | 'version'>,
  model: M,
  data: Readonly<Record<string, unknown>>,
): Promise<void> {
  const extra = Object.keys(data).filter((k) => !spec.dataFiles.includes(k));
  if (extra.length || spec.dataFiles.some((k) => !(k in data))) throw new Error(`saveModel: data files ${Object.keys(data)} differ from ${spec.dataFiles}`);
  return writeModelDir(dir, { [CONFIG_FILE]: { kind: spec.kind, version: MODEL_FORMAT_VERSION, ...saved }, [WEIGHTS_FILE]: encodeWeights(model.stateDict()), ...data });
}

/** Read, check and build the model folder `dir` of `spec`'s kind; nothing is allocated for a folder that fails a check. */
export async function loadModel<S extends SavedBase, D, M extends Weighted>(dir: string, spec: ModelSpec<S, D, M>): Promise<{ saved: S; data: D; model: M }> {
  const root = new Field(join(dir, CONFIG_FILE), await readModelFile<unknown>(dir, CONFIG_FILE));
  const kind = root.get('kind').value;
  const version = root.get('version').value;
  if (kind !== spec.kind || !READABLE_MODEL_VERSIONS.includes(version as number)) {
    throw new RnnLabError(
      'BAD_MODEL',
      say('{0} does not hold {1} model (its config.json says kind {2}, version {3}).', dir, spec.noun, JSON.stringify(kind) ?? 'nothing', JSON.stringify(version) ?? 'nothing'),
      newerHint(version) ?? say('Choose a folder saved by {0}.', spec.origin),
      { file: root.file },
    );
  }
  const data: Record<string, Field> = {};
  for (const name of spec.dataFiles) data[name] = new Field(join(dir, name), await readModelFile<unknown>(dir, name));
  const checked = spec.validate(root, data);
  const { weights, file: weightsFile } = await readWeights(dir, version as number);
  const model = spec.build(checked.saved);
  try {
    model.loadStateDict(weights);
  } catch (e) {
    model.dispose();
    throw new RnnLabError('BAD_MODEL', say('{0} does not fit the model in {1}: {2}.', weightsFile, root.file, (e as Error).message), say('Save the model again.'), { file: weightsFile });
  }
  return { saved: checked.saved, data: checked.data, model };
}
