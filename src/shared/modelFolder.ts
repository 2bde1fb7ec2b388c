/**
 * When may RNN Lab replace what is at a model-save path? Only when it is an RNN Lab model folder
 * and nothing else: its config.json names a kind RNN Lab saves, and every entry in it is a file
 * RNN Lab writes. Anything else (a file, a folder of the user's, a model folder the user has put
 * notes into) is refused, because replacing a folder deletes what is in it.
 *
 * The engine (CLI and library saves) and the extension host (Save model, through
 * vscode.workspace.fs) each do their own I/O and ask this one predicate, so both surfaces refuse
 * exactly the same things. It imports only the words of src/shared: it sits below both.
 */
import { english, type Translate } from './options/spec';

/** The kinds of model folder RNN Lab writes (config.json `kind`). */
export const MODEL_KINDS: readonly string[] = ['forecaster', 'seq2seq'];

/**
 * Every name RNN Lab writes into a model folder: config.json, the weights (model.safetensors, or
 * weights.json from the first release), the data files, and the run record the extension's Save
 * model copies beside them.
 */
export const MODEL_FOLDER_FILES: readonly string[] = [
  'config.json',
  'model.safetensors',
  'weights.json',
  'scaler.json',
  'source_vocab.json',
  'target_vocab.json',
  'run-config.json',
  'run-result.json',
];

/**
 * The names a save uses beside the folder `name`: the new folder is written as
 * `.<name>.tmp-<random>`; a model being replaced is moved to `.<name>.rnnlab-old` until the new one
 * is in place (a load that finds only the backup puts it back); `.<name>.rnnlab-lock` holds the pid
 * of the save under way.
 */
export const saveSiblings = {
  tempPrefix: (name: string): string => `.${name}.tmp-`,
  backup: (name: string): string => `.${name}.rnnlab-old`,
  lock: (name: string): string => `.${name}.rnnlab-lock`,
};

export type ModelFolderVerdict =
  /** Nothing in it: replacing it loses nothing. */
  | { replaceable: true; kind: null }
  /** An RNN Lab model folder of `kind`, holding only RNN Lab's files. */
  | { replaceable: true; kind: string }
  /** Not to be replaced; `reason` completes "… is not replaced: it …". */
  | { replaceable: false; reason: string };

/**
 * The verdict on an existing folder from its entries and its parsed config.json (undefined when
 * there is none, or it does not parse); the reason in `t`'s words (the CLI's are English).
 */
export function judgeModelFolder(entries: readonly string[], config: unknown, t: Translate = english): ModelFolderVerdict {
  if (entries.length === 0) return { replaceable: true, kind: null };
  const kind = typeof config === 'object' && config !== null ? (config as { kind?: unknown }).kind : undefined;
  if (typeof kind !== 'string' || !MODEL_KINDS.includes(kind)) {
    const n = entries.length;
    const reason =
      n === 1
        ? t('is a folder that is not an RNN Lab model (it holds 1 entry and no RNN Lab config.json)')
        : t('is a folder that is not an RNN Lab model (it holds {0} entries and no RNN Lab config.json)', n);
    return { replaceable: false, reason };
  }
  const foreign = entries.filter((e) => !MODEL_FOLDER_FILES.includes(e));
  if (foreign.length > 0) {
    const shown = foreign.slice(0, 3).join(', ') + (foreign.length > 3 ? t(', … ({0} in all)', foreign.length) : '');
    return { replaceable: false, reason: t('is an RNN Lab model folder that also holds files RNN Lab did not write ({0})', shown) };
  }
  return { replaceable: true, kind };
}

/**
 * A free name to suggest instead of `name` (a final path component): `<stem>-model`, then
 * `<stem>-model-2`, … — the first that `taken` says is free.
 */
export function freeModelName(name: string, taken: (candidate: string) => boolean): string {
  const stem = name.replace(/\.[^.]*$/, '') || 'model';
  const base = stem.endsWith('model') ? stem : `${stem}-model`;
  if (!taken(base)) return base;
  for (let k = 2; k < 10_000; k++) if (!taken(`${base}-${k}`)) return `${base}-${k}`;
  return `${base}-${Date.now()}`;
}
