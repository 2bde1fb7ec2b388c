/**
 * The packing inspector's contract (viewType rnnLab.packing): what the engine's inspector
 * computes for one batch (the view model the page draws, and nothing it must compute again),
 * the messages in both directions, and the checks of everything the page sends or kept in
 * setState. Imports nothing outside src/shared: the host, the worker and the page all take it.
 */
import type { Reply } from './channel';
import { PACKING_OPTIONS } from './options/packing';
import { isAllowed } from './options/spec';
import { bare, obj, onlyKeys, parsePageMessage, ProtocolError, str, type Obj, type PageBasics } from './protocol';

export type PackingSplit = 'chars' | 'words';
export type PackingColumn = 'line' | 'source' | 'target';

/** The controls (src/shared/options/packing.ts). */
export interface PackingOptions {
  batchSize: number;
  /** Which batch of the file, from 0; clamped to the last one by the inspector. */
  batch: number;
  sortByLength: boolean;
  batchFirst: boolean;
  enforceSorted: boolean;
  split: PackingSplit;
  column: PackingColumn;
}

/** One sequence of the drawn batch, in batch order (after the optional sort). */
export interface PackingSequence {
  /** 1-based line in the file; null for the built-in strings. */
  line: number | null;
  /** Position among all the sequences (0-based), before batching. */
  index: number;
  length: number;
  /** The first `drawnSteps` tokens, as text (drawn with textContent only). */
  tokens: string[];
  /** Their vocabulary indices. */
  ids: number[];
}

/** What pack_padded_sequence returned for the batch, and what pad_packed_sequence made of it. */
export interface PackedView {
  /** PackedSequence.data, the rows of the drawn steps only (the first `offsets[drawnSteps]`). */
  data: number[];
  /** PackedSequence.batch_sizes, every step. */
  batchSizes: number[];
  /** As PyTorch reports them: null when packed with enforce_sorted=True. */
  sortedIndices: number[] | null;
  unsortedIndices: number[] | null;
  /** Sorted position → batch index (the identity when the indices are null): which sequence each row of a step is. */
  order: number[];
  /** pad_packed_sequence's padded result, laid out as `padded` is, drawn steps only. */
  unpacked: number[][];
  /** pad_packed_sequence's lengths. */
  unpackedLengths: number[];
}

export interface PackingShapes {
  /** pad_packed_sequence(rnn output): [B, T, 30] (batch_first) or [T, B, 30]. */
  paddedOutput: number[];
  /** The packed output's data: [sum(lengths), 30]. */
  packedOutput: number[];
  /** The final hidden state: [1, B, 30]. */
  hidden: number[];
  /** 'rnn': read off the tensors the engine's GRU returned; 'layout': the batch was too large to run, so from the packed layout. */
  from: 'rnn' | 'layout';
  hiddenSize: number;
}

/** Steps an RNN computes over a whole file, batch after batch. */
export interface FileCost {
  sequences: number;
  batches: number;
  /** Real tokens: what packing computes. */
  tokens: number;
  /** Padded to each batch's longest, batches in file order. */
  paddedSteps: number;
  /** Padded, after sorting the file by length and cutting batches (length bucketing). */
  bucketedSteps: number;
}

export interface PackingView {
  /** The built-in strings or the file's name (display only). */
  sourceName: string;
  builtIn: boolean;
  /** The options as applied (the batch clamped to the file). */
  options: PackingOptions;
  batches: number;
  /** Blank lines left out (PyTorch refuses zero lengths). */
  blankLines: number;
  vocabSize: number;
  /** The vocabulary, `<pad>` first, when small enough to list (else null). */
  vocab: string[] | null;
  sequences: PackingSequence[];
  lengths: number[];
  maxLength: number;
  /** Time steps drawn (the rest of a long batch is counted, not drawn). */
  drawnSteps: number;
  /** The padded batch's shape, [B, T] or [T, B]. */
  paddedShape: number[];
  /** pad_sequence's result, drawn steps only: [B][t] with batch_first, else [t][B]. */
  padded: number[][];
  /** Null when packing refused the batch (`error`). */
  packed: PackedView | null;
  /** enforce_sorted=True with unsorted lengths: PyTorch's words, and the engine's. */
  error: { pytorch: string; engine: string } | null;
  shapes: PackingShapes | null;
  /** This batch: steps computed packed (sum of lengths) against padded (B × T). */
  cost: { packedSteps: number; paddedSteps: number };
  file: FileCost;
}

/** Where the sequences come from. A file is named by its absolute path; the host checks it is in the workspace. */
export type PackingSource = { kind: 'course' } | { kind: 'file'; path: string };

/** What the page keeps with setState, and the serializer hands back after a reload. */
export interface PackingState {
  source: PackingSource;
  options: PackingOptions;
}

export type HostToPacking =
  | { type: 'view'; view: PackingView; state: PackingState }
  /** The file could not be read or split: the message names the line and the fix. */
  | { type: 'failed'; message: string; state: PackingState }
  | Reply;

export type PackingToHost =
  | PageBasics
  /** Draw the current source with these options. */
  | { type: 'inspect'; options: PackingOptions }
  /** Ask the host for a text file to inspect instead. */
  | { type: 'openFile' }
  | { type: 'useCourse' };

const OPTION_KEYS = Object.keys(PACKING_OPTIONS) as (keyof PackingOptions)[];

/** The controls, each allowed by its table entry. Throws ProtocolError. */
export function parsePackingOptions(x: unknown): PackingOptions {
  const o = obj(x, 'options');
  onlyKeys(o, OPTION_KEYS);
  for (const k of OPTION_KEYS) {
    if (!isAllowed(PACKING_OPTIONS[k], o[k])) throw new ProtocolError(`${k} is not an allowed value`);
  }
  return Object.fromEntries(OPTION_KEYS.map((k) => [k, o[k]])) as unknown as PackingOptions;
}

/** Validates a message from the inspector's page. Throws ProtocolError on anything unexpected. */
export function parsePackingMessage(x: unknown): PackingToHost {
  return parsePageMessage<PackingToHost>(x, {
    openFile: bare('openFile'),
    useCourse: bare('useCourse'),
    inspect: (o) => (onlyKeys(o, ['type', 'options']), { type: 'inspect', options: parsePackingOptions(o.options) }),
  });
}

function parseSource(x: unknown): PackingSource {
  const o: Obj = obj(x, 'source');
  if (o.kind === 'course') {
    onlyKeys(o, ['kind']);
    return { kind: 'course' };
  }
  if (o.kind === 'file') {
    onlyKeys(o, ['kind', 'path']);
    const path = str(o, 'path', 4096);
    if (!/^(\/|[A-Za-z]:[\\/])/.test(path)) throw new ProtocolError('path must be absolute');
    return { kind: 'file', path };
  }
  throw new ProtocolError('source must be the course strings or a file');
}

/** Validates the state the page kept (as untrusted as its messages). */
export function parsePackingState(x: unknown): PackingState {
  const o = obj(x, 'state');
  onlyKeys(o, ['source', 'options']);
  return { source: parseSource(o.source), options: parsePackingOptions(o.options) };
}
