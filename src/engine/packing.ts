/**
 * Variable-length batches, as `torch.nn.utils.rnn` does them: pad_sequence, pack_sequence,
 * pack_padded_sequence, pad_packed_sequence, with PyTorch's semantics and camelCased names.
 *
 * A packed batch stores, time step by time step, the rows of every sequence still running at that
 * step, longest sequence first. With sequences sorted by decreasing length, step t holds
 * `batchSizes[t]` rows: the first `batchSizes[t]` sorted sequences. An RNN then runs step t on a
 * shrinking prefix of the batch and never touches padding.
 *
 * Two layers:
 *  - the index layer (`packLayout`, `paddedRowsForPacked`) is plain typed arrays, no tensors, so the
 *    RNN kernels can use it directly;
 *  - the tensor layer moves data with exactly one `tf.gather` per call on a 2-D view
 *    `[rows, prod(features)]` of the input, inside `tf.tidy`, so nothing leaks.
 *
 * Sorting is stable descending by length, matching `torch.sort(lengths, descending=True)` as
 * PyTorch uses it (equal lengths keep their original order).
 *
 * Sequences may also be plain arrays, as a JavaScript user holds them: `[1, 2, 3]` is a sequence of
 * three steps, `[[1, 2], [3, 4]]` one of two steps with two features each; they become float32
 * tensors for the call and are freed with it.
 */
import * as tf from '@tensorflow/tfjs-core';
import { RnnLabError } from './errors';

/** A packed batch (PyTorch `PackedSequence`). */
export interface PackedSequence {
  /** `[sum(lengths), ...features]`: the packed rows, time-major, longest sequence first within each step. */
  data: tf.Tensor;
  /** Length = max length; `batchSizes[t]` = number of sequences with length > t (non-increasing). */
  batchSizes: Int32Array;
  /** Sorted position -> original batch index; null when packed with enforceSorted true (PyTorch: None). */
  sortedIndices: Int32Array | null;
  /** Original batch index -> sorted position; null when sortedIndices is null. */
  unsortedIndices: Int32Array | null;
}

/** Where every packed row lives; pure indices, no tensors. */
export interface PackLayout {
  /** Per time step: how many sequences are still running (length = maxLength). */
  batchSizes: Int32Array;
  /** `offsets[t]` = first packed row of step t; length maxLength + 1, last entry = total. */
  offsets: Int32Array;
  /** Sorted position -> original batch index (identity when enforceSorted). */
  sortedIndices: Int32Array;
  /** Original batch index -> sorted position (identity when enforceSorted). */
  unsortedIndices: Int32Array;
  /** Sequence lengths in ORIGINAL batch order. */
  lengths: Int32Array;
  /** Number of packed rows, = sum(lengths). */
  total: number;
  /** Longest length, = batchSizes.length. */
  maxLength: number;
}

/** A sequence `[length, ...features]`: a tensor, or plain numbers (one per step, or a row of features per step). */
export type SequenceInput = tf.Tensor | readonly number[] | readonly (readonly number[])[];

/** A padded batch as a tensor, or as nested plain arrays of numbers. */
export type PaddedInput = tf.Tensor | readonly unknown[];

function bad(message: string, hint?: string): RnnLabError {
  return new RnnLabError('BAD_OPTION', message, hint);
}

function product(dims: readonly number[]): number {
  let p = 1;
  for (const d of dims) p *= d;
  return p;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function fmtShape(s: readonly number[]): string {
  return `[${s.join(', ')}]`;
}

/** Check and copy lengths into an Int32Array. Every length must be a positive integer. */
function checkLengths(lengths: ArrayLike<number>, where: string): Int32Array {
  if (lengths.length === 0) {
    throw bad(`${where}: the batch is empty (no lengths given).`, 'Pass at least one sequence.');
  }
  const out = new Int32Array(lengths.length);
  for (let i = 0; i < lengths.length; i++) {
    const l = lengths[i];
    if (!Number.isInteger(l) || l <= 0) {
      throw bad(
        `${where}: lengths[${i}] is ${l}; every sequence length must be a positive integer.`,
        'Drop empty sequences from the batch before packing (PyTorch also rejects zero lengths).',
      );
    }
    if (l > 0x7fffffff) throw bad(`${where}: lengths[${i}] = ${l} is too large.`);
    out[i] = l;
  }
  return out;
}

/**
 * What PyTorch 1.13 raises (aten's `_pack_padded_sequence`, under pack_padded_sequence and
 * pack_sequence) for unsorted lengths with enforce_sorted=True, word for word, as
 * test/fixtures/packing.json records it: the packing inspector shows it beside this engine's own
 * message, so a learner recognises the error from their notebook.
 */
export const PYTORCH_UNSORTED_ERROR =
  'RuntimeError: `lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to sidestep this requirement if you do not need ONNX exportability.';

/** The first i with lengths[i] > lengths[i − 1] (where enforceSorted refuses the batch), or −1 when they do not increase. */
export function firstUnsorted(lengths: ArrayLike<number>): number {
  for (let i = 1; i < lengths.length; i++) if (lengths[i] > lengths[i - 1]) return i;
  return -1;
}

/** Build the layout from lengths already checked. */
function layoutFromLengths(lens: Int32Array, enforceSorted: boolean, where: string): PackLayout {
  const B = lens.length;
  const sortedIndices = new Int32Array(B);
  const unsortedIndices = new Int32Array(B);
  let maxLength = 0;
  let total = 0;
  for (let i = 0; i < B; i++) {
    if (lens[i] > maxLength) maxLength = lens[i];
    total += lens[i];
  }
  // count[l] = number of sequences of length exactly l.
  const count = new Int32Array(maxLength + 1);
  for (let i = 0; i < B; i++) count[lens[i]]++;

  if (enforceSorted) {
    const i = firstUnsorted(lens);
    if (i > 0) {
      throw bad(
        `${where}: lengths must be sorted in decreasing order when enforceSorted is true, but lengths[${i - 1}] = ${lens[i - 1]} < lengths[${i}] = ${lens[i]}.`,
        'Sort the batch by decreasing length, or pass enforceSorted: false to let packing sort it (and undo the sort on the way out).',
      );
    }
    for (let i = 0; i < B; i++) sortedIndices[i] = unsortedIndices[i] = i;
  } else {
    // Stable counting sort, descending: start[l] = first sorted position of length l.
    const start = new Int32Array(maxLength + 1);
    let pos = 0;
    for (let l = maxLength; l >= 1; l--) {
      start[l] = pos;
      pos += count[l];
    }
    for (let i = 0; i < B; i++) {
      const p = start[lens[i]]++;
      sortedIndices[p] = i;
      unsortedIndices[i] = p;
    }
  }

  // batchSizes[t] = #{ i : lens[i] > t } = sum over l > t of count[l].
  const batchSizes = new Int32Array(maxLength);
  let running = 0;
  for (let t = maxLength - 1; t >= 0; t--) {
    running += count[t + 1];
    batchSizes[t] = running;
  }
  const offsets = new Int32Array(maxLength + 1);
  for (let t = 0; t < maxLength; t++) offsets[t + 1] = offsets[t] + batchSizes[t];

  return { batchSizes, offsets, sortedIndices, unsortedIndices, lengths: lens, total, maxLength };
}

/**
 * Index layout of a packed batch, from per-sequence lengths (original batch order).
 * With enforceSorted the lengths must already be non-increasing and the permutations are the
 * identity; otherwise the batch is sorted stably by decreasing length.
 * Throws BAD_OPTION for an empty batch, a non-positive or non-integer length, or unsorted lengths
 * under enforceSorted.
 */
export function packLayout(lengths: ArrayLike<number>, enforceSorted: boolean): PackLayout {
  return layoutFromLengths(checkLengths(lengths, 'packLayout'), enforceSorted, 'packLayout');
}

/**
 * For each packed row r (in packed order, length layout.total), the row of the padded tensor it
 * comes from / goes to, with the padded tensor viewed as 2-D rows:
 *  - batchFirst: `[B, T, ...]` -> row `b * T + t`;
 *  - time-major: `[T, B, ...]` -> row `t * B + b`.
 * `T` is the padded time length and must be >= layout.maxLength.
 */
export function paddedRowsForPacked(layout: PackLayout, batchFirst: boolean, T: number): Int32Array {
  if (!Number.isInteger(T) || T < layout.maxLength) {
    throw bad(
      `paddedRowsForPacked: padded length T = ${T} is shorter than the longest sequence (${layout.maxLength}).`,
      'Pass T >= the maximum length.',
    );
  }
  const B = layout.sortedIndices.length;
  const { batchSizes, offsets, sortedIndices } = layout;
  const out = new Int32Array(layout.total);
  for (let t = 0; t < layout.maxLength; t++) {
    const n = batchSizes[t];
    const o = offsets[t];
    if (batchFirst) {
      for (let j = 0; j < n; j++) out[o + j] = sortedIndices[j] * T + t;
    } else {
      const base = t * B;
      for (let j = 0; j < n; j++) out[o + j] = base + sortedIndices[j];
    }
  }
  return out;
}

/** Plain arrays as float32 tensors (tensors pass through); `owned` are the ones made here, for the caller to free. */
function asTensors(sequences: readonly SequenceInput[], where: string): { tensors: tf.Tensor[]; owned: tf.Tensor[] } {
  if (!Array.isArray(sequences)) throw bad(`${where}: expected a list of sequences.`, 'Pass an array of tensors or of plain number arrays.');
  const owned: tf.Tensor[] = [];
  const tensors = sequences.map((s, i) => {
    if (s instanceof tf.Tensor) return s;
    const t = plainTensor(s, `${where}: sequences[${i}]`);
    owned.push(t);
    return t;
  });
  return { tensors, owned };
}

function plainTensor(x: unknown, what: string): tf.Tensor {
  if (!Array.isArray(x)) throw bad(`${what} is neither a tensor nor an array.`, 'Pass a tf.Tensor or an array of numbers.');
  try {
    return x.length === 0 ? tf.tensor1d([], 'float32') : tf.tensor(x as number[], undefined, 'float32');
  } catch (e) {
    throw bad(`${what} is not a rectangular array of numbers: ${(e as Error).message}`, 'Give every step the same number of features.');
  }
}

/** Validate a list of sequences `[L_i, ...features]`; return their shared feature shape and dtype. */
function checkSequences(sequences: readonly tf.Tensor[], where: string): { feat: number[]; dtype: tf.DataType } {
  if (!Array.isArray(sequences) || sequences.length === 0) {
    throw bad(`${where}: the list of sequences is empty.`, 'Pass at least one tensor of shape [length, ...features].');
  }
  const first = sequences[0];
  for (let i = 0; i < sequences.length; i++) {
    const s = sequences[i];
    if (s.rank < 1) {
      throw bad(`${where}: sequences[${i}] is a scalar; each sequence needs shape [length, ...features].`, 'Wrap scalars with tf.tensor1d or reshape to [length].');
    }
    if (!sameShape(s.shape.slice(1), first.shape.slice(1))) {
      throw bad(
        `${where}: sequences[${i}] has shape ${fmtShape(s.shape)} but sequences[0] has shape ${fmtShape(first.shape)}; all sequences must share the trailing (feature) dimensions.`,
        'Reshape the sequences so only the first (time) dimension differs.',
      );
    }
    if (s.dtype !== first.dtype) {
      throw bad(
        `${where}: sequences[${i}] has dtype ${s.dtype} but sequences[0] has dtype ${first.dtype}.`,
        'Cast them to one dtype with tf.cast first.',
      );
    }
  }
  return { feat: first.shape.slice(1), dtype: first.dtype };
}

/** The sequences stacked along time as one `[sum(L_i), F]` tensor (call inside tidy). */
function concatRows(sequences: readonly tf.Tensor[], F: number): tf.Tensor2D {
  const parts = sequences.map((s) => tf.reshape(s, [s.shape[0], F]) as tf.Tensor2D);
  return parts.length === 1 ? parts[0] : tf.concat2d(parts, 0);
}

/**
 * Pad a list of `[L_i, ...features]` tensors to the longest length L.
 * Returns `[L, B, ...features]` (time-major, the default) or `[B, L, ...features]` with batchFirst;
 * positions past a sequence's end hold paddingValue. Same dtype as the inputs. Zero-length
 * sequences are allowed (as in PyTorch).
 */
export function padSequence(sequences: readonly SequenceInput[], opts: { batchFirst?: boolean; paddingValue?: number } = {}): tf.Tensor {
  const { tensors, owned } = asTensors(sequences, 'padSequence');
  try {
    return padTensors(tensors, opts);
  } finally {
    tf.dispose(owned);
  }
}

function padTensors(sequences: tf.Tensor[], opts: { batchFirst?: boolean; paddingValue?: number }): tf.Tensor {
  const batchFirst = opts.batchFirst ?? false;
  const paddingValue = opts.paddingValue ?? 0;
  const { feat, dtype } = checkSequences(sequences, 'padSequence');
  const B = sequences.length;
  const F = product(feat);
  let L = 0;
  let N = 0;
  for (const s of sequences) {
    if (s.shape[0] > L) L = s.shape[0];
    N += s.shape[0];
  }
  // Row N of the source is a padding row; every padded slot points at a data row or at it.
  const idx = new Int32Array(B * L).fill(N);
  let start = 0;
  for (let b = 0; b < B; b++) {
    const len = sequences[b].shape[0];
    for (let t = 0; t < len; t++) idx[batchFirst ? b * L + t : t * B + b] = start + t;
    start += len;
  }
  const outShape = batchFirst ? [B, L, ...feat] : [L, B, ...feat];
  return tf.tidy(() => {
    const pad = tf.fill([1, F], paddingValue, dtype) as tf.Tensor2D;
    const src = N === 0 ? pad : tf.concat2d([concatRows(sequences.filter((s) => s.shape[0] > 0), F), pad], 0);
    return tf.reshape(tf.gather(src, tf.tensor1d(idx, 'int32'), 0), outShape);
  });
}

/**
 * Pack a list of `[L_i, ...features]` tensors (PyTorch pack_sequence).
 * Returns a PackedSequence with data `[sum(L_i), ...features]`. With enforceSorted (the default)
 * the lengths must be non-increasing and sortedIndices/unsortedIndices are null.
 */
export function packSequence(sequences: readonly SequenceInput[], opts: { enforceSorted?: boolean } = {}): PackedSequence {
  const { tensors, owned } = asTensors(sequences, 'packSequence');
  try {
    return packTensors(tensors, opts);
  } finally {
    tf.dispose(owned);
  }
}

function packTensors(sequences: tf.Tensor[], opts: { enforceSorted?: boolean }): PackedSequence {
  const enforceSorted = opts.enforceSorted ?? true;
  const { feat } = checkSequences(sequences, 'packSequence');
  const F = product(feat);
  const lens = checkLengths(
    sequences.map((s) => s.shape[0]),
    'packSequence',
  );
  const layout = layoutFromLengths(lens, enforceSorted, 'packSequence');
  // Row of sequence b at step t in the concatenated source = starts[b] + t.
  const starts = new Int32Array(lens.length);
  for (let b = 1; b < lens.length; b++) starts[b] = starts[b - 1] + lens[b - 1];
  const idx = new Int32Array(layout.total);
  for (let t = 0; t < layout.maxLength; t++) {
    const o = layout.offsets[t];
    for (let j = 0; j < layout.batchSizes[t]; j++) idx[o + j] = starts[layout.sortedIndices[j]] + t;
  }
  const data = tf.tidy(() =>
    tf.reshape(tf.gather(concatRows(sequences, F), tf.tensor1d(idx, 'int32'), 0), [layout.total, ...feat]),
  );
  return wrap(data, layout, enforceSorted);
}

function wrap(data: tf.Tensor, layout: PackLayout, enforceSorted: boolean): PackedSequence {
  return {
    data,
    batchSizes: layout.batchSizes,
    sortedIndices: enforceSorted ? null : layout.sortedIndices,
    unsortedIndices: enforceSorted ? null : layout.unsortedIndices,
  };
}

/**
 * Pack a padded batch (PyTorch pack_padded_sequence). `input` is `[T, B, ...features]`, or
 * `[B, T, ...features]` with batchFirst; `lengths` (original batch order) must each be in 1..T.
 * Returns a PackedSequence with data `[sum(lengths), ...features]`; with enforceSorted (the
 * default) lengths must be non-increasing and the index fields are null.
 */
export function packPaddedSequence(input: PaddedInput, lengths: ArrayLike<number>, opts: { batchFirst?: boolean; enforceSorted?: boolean } = {}): PackedSequence {
  if (input instanceof tf.Tensor) return packPadded(input, lengths, opts);
  const t = plainTensor(input, 'packPaddedSequence: input');
  try {
    return packPadded(t, lengths, opts);
  } finally {
    t.dispose();
  }
}

function packPadded(input: tf.Tensor, lengths: ArrayLike<number>, opts: { batchFirst?: boolean; enforceSorted?: boolean }): PackedSequence {
  const batchFirst = opts.batchFirst ?? false;
  const enforceSorted = opts.enforceSorted ?? true;
  if (input.rank < 2) {
    throw bad(
      `packPaddedSequence: input has shape ${fmtShape(input.shape)}; it needs at least 2 dimensions (${batchFirst ? '[B, T, ...]' : '[T, B, ...]'}).`,
      'Pad the sequences with padSequence first.',
    );
  }
  const shape: number[] = input.shape;
  const B = batchFirst ? shape[0] : shape[1];
  const T = batchFirst ? shape[1] : shape[0];
  const feat = input.shape.slice(2);
  if (lengths.length !== B) {
    throw bad(
      `packPaddedSequence: got ${lengths.length} lengths for a batch of ${B} (input shape ${fmtShape(input.shape)}, batchFirst ${batchFirst}).`,
      'Give one length per sequence, and check batchFirst matches the input layout.',
    );
  }
  const lens = checkLengths(lengths, 'packPaddedSequence');
  for (let i = 0; i < B; i++) {
    if (lens[i] > T) {
      throw bad(
        `packPaddedSequence: lengths[${i}] = ${lens[i]} is longer than the padded time dimension (${T}) of input ${fmtShape(input.shape)}.`,
        'Lengths must not exceed the padded length; check batchFirst matches the input layout.',
      );
    }
  }
  const layout = layoutFromLengths(lens, enforceSorted, 'packPaddedSequence');
  const idx = paddedRowsForPacked(layout, batchFirst, T);
  const F = product(feat);
  const data = tf.tidy(() =>
    tf.reshape(tf.gather(tf.reshape(input, [B * T, F]), tf.tensor1d(idx, 'int32'), 0), [layout.total, ...feat]),
  );
  return wrap(data, layout, enforceSorted);
}

/** Rebuild the layout of an existing PackedSequence, checking it is well-formed. */
function layoutOfPacked(seq: PackedSequence, where: string): PackLayout {
  const bs = seq.batchSizes;
  const T = bs.length;
  if (T === 0) throw bad(`${where}: batchSizes is empty.`, 'Build the PackedSequence with packSequence or packPaddedSequence.');
  const B = bs[0];
  const offsets = new Int32Array(T + 1);
  for (let t = 0; t < T; t++) {
    if (!(bs[t] > 0) || (t > 0 && bs[t] > bs[t - 1])) {
      throw bad(
        `${where}: batchSizes must be positive and non-increasing, but batchSizes[${t}] = ${bs[t]}.`,
        'Build the PackedSequence with packSequence or packPaddedSequence.',
      );
    }
    offsets[t + 1] = offsets[t] + bs[t];
  }
  const total = offsets[T];
  if (seq.data.rank < 1 || seq.data.shape[0] !== total) {
    throw bad(
      `${where}: data has shape ${fmtShape(seq.data.shape)} but batchSizes sum to ${total} rows.`,
      'Keep data and batchSizes from the same PackedSequence.',
    );
  }
  let sortedIndices = seq.sortedIndices;
  let unsortedIndices = seq.unsortedIndices;
  if (sortedIndices && sortedIndices.length !== B) {
    throw bad(`${where}: sortedIndices has ${sortedIndices.length} entries for a batch of ${B}.`, 'Keep the index fields from the same PackedSequence.');
  }
  if (unsortedIndices && unsortedIndices.length !== B) {
    throw bad(`${where}: unsortedIndices has ${unsortedIndices.length} entries for a batch of ${B}.`, 'Keep the index fields from the same PackedSequence.');
  }
  if (!sortedIndices && unsortedIndices) {
    sortedIndices = new Int32Array(B);
    for (let b = 0; b < B; b++) sortedIndices[unsortedIndices[b]] = b;
  } else if (sortedIndices && !unsortedIndices) {
    // PyTorch: unsorted_indices = invert_permutation(sorted_indices).
    unsortedIndices = new Int32Array(B);
    for (let j = 0; j < B; j++) unsortedIndices[sortedIndices[j]] = j;
  } else if (!sortedIndices || !unsortedIndices) {
    sortedIndices = new Int32Array(B);
    for (let j = 0; j < B; j++) sortedIndices[j] = j;
    unsortedIndices = sortedIndices;
  }
  const seen = new Uint8Array(B);
  for (let j = 0; j < B; j++) {
    const b = sortedIndices[j];
    if (!(b >= 0 && b < B) || seen[b] || unsortedIndices[b] !== j) {
      throw bad(`${where}: sortedIndices/unsortedIndices are not inverse permutations of 0..${B - 1}.`, 'Keep the index fields from the same PackedSequence.');
    }
    seen[b] = 1;
  }
  // Length of the sequence at sorted position j = #{ t : bs[t] > j }.
  const lengths = new Int32Array(B);
  let t = 0;
  for (let j = B - 1; j >= 0; j--) {
    while (t < T && bs[t] > j) t++;
    lengths[sortedIndices[j]] = t;
  }
  return { batchSizes: bs, offsets, sortedIndices, unsortedIndices, lengths, total, maxLength: T };
}

/**
 * Unpack to a padded batch (PyTorch pad_packed_sequence), restoring the original batch order.
 * Returns `padded`: `[T, B, ...features]` (or `[B, T, ...features]` with batchFirst), where
 * T = totalLength ?? max length and slots past each sequence's end hold paddingValue; and
 * `lengths`: each sequence's length in original batch order. totalLength below the max length
 * is an error.
 */
export function padPackedSequence(
  seq: PackedSequence,
  opts: { batchFirst?: boolean; paddingValue?: number; totalLength?: number } = {},
): { padded: tf.Tensor; lengths: Int32Array } {
  const batchFirst = opts.batchFirst ?? false;
  const paddingValue = opts.paddingValue ?? 0;
  const layout = layoutOfPacked(seq, 'padPackedSequence');
  let T = layout.maxLength;
  if (opts.totalLength !== undefined) {
    if (!Number.isInteger(opts.totalLength) || opts.totalLength < layout.maxLength) {
      throw bad(
        `padPackedSequence: totalLength = ${opts.totalLength} is less than the longest sequence in the batch (${layout.maxLength}).`,
        `Pass totalLength >= ${layout.maxLength}, or leave it out to pad to the longest sequence.`,
      );
    }
    T = opts.totalLength;
  }
  const B = layout.sortedIndices.length;
  const feat = seq.data.shape.slice(1);
  const F = product(feat);
  const rows = paddedRowsForPacked(layout, batchFirst, T);
  // Row `total` of the source is the padding row.
  const idx = new Int32Array(B * T).fill(layout.total);
  for (let r = 0; r < rows.length; r++) idx[rows[r]] = r;
  const outShape = batchFirst ? [B, T, ...feat] : [T, B, ...feat];
  const padded = tf.tidy(() => {
    const pad = tf.fill([1, F], paddingValue, seq.data.dtype) as tf.Tensor2D;
    const src = tf.concat2d([tf.reshape(seq.data, [layout.total, F]) as tf.Tensor2D, pad], 0);
    return tf.reshape(tf.gather(src, tf.tensor1d(idx, 'int32'), 0), outShape);
  });
  return { padded, lengths: layout.lengths };
}
