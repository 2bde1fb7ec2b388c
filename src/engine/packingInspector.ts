/**
 * The packing inspector's numbers (lecture 11-6 made visible): one batch of sequences run through
 * this engine's padSequence, packPaddedSequence and padPackedSequence, and the GRU on the packed
 * one-hot batch, as the course runs torch.nn.RNN; plus what padding, packing and length bucketing
 * cost over the whole file. The page only draws what this returns: nothing is computed twice.
 *
 * The course indexes characters with `['<pad>'] + list(set(...))`, whose order changes from one
 * Python process to the next (string hashing is randomised), so a learner's indices may differ
 * from run to run. Here the vocabulary is `<pad>` at 0 and then every token in sorted order (by
 * code point, as Python's `sorted`), which is also how test/fixtures/packing.json was made.
 *
 * A file is kept as its lines' text and lengths; only the drawn batch is split into tokens, so a
 * large file costs its text and one pass for the vocabulary and the statistics.
 */
import * as tf from '@tensorflow/tfjs-core';
import { RnnLabError, isRnnLabError } from './errors';
import { RNN } from './nn/rnn';
import { resolveOptions } from './options';
import { firstUnsorted, packPaddedSequence, padPackedSequence, padSequence, PYTORCH_UNSORTED_ERROR, type PackedSequence } from './packing';
import { Rng } from './random';
import { decodeText, forEachLine, isBlank } from './data/text';
import { PACKING_OPTIONS } from '../shared/options/packing';
import type { FileCost, PackedView, PackingColumn, PackingOptions, PackingShapes, PackingSplit, PackingView } from '../shared/packing';
import { say } from '../shared/said';

/** The course's lab 11-6 strings. */
export const COURSE_STRINGS: readonly string[] = ['hello world', 'midnight', 'calculation', 'path', 'short circuit'];
export const PAD_TOKEN = '<pad>';
/** Time steps drawn per batch; the lengths, batch sizes, shapes and costs always cover every step. */
export const MAX_DRAWN_STEPS = 80;
/** A vocabulary up to this size is listed with its indices. */
export const MAX_LISTED_VOCAB = 200;
/** The course's torch.nn.RNN(hidden_size=30). */
export const INSPECTOR_HIDDEN = 30;
/** One-hot inputs up to this many numbers (16 MiB of float32) run through the GRU; larger batches take their shapes from the layout. */
const MAX_RNN_INPUT = 1 << 22;

/** The sequences to inspect, split one way, with their vocabulary. */
export interface Corpus {
  name: string;
  builtIn: boolean;
  split: PackingSplit;
  column: PackingColumn;
  /** Each sequence's text (one side of the line, for a pair file). */
  texts: string[];
  /** 1-based line of each sequence; null for the built-in strings. */
  lines: (number | null)[];
  /** Tokens per sequence. */
  lengths: Int32Array;
  blankLines: number;
  /** `<pad>`, then the tokens sorted by code point. */
  vocab: string[];
  index: Map<string, number>;
}

/** A sequence's tokens: its characters (code points, spaces included, as the course), or its whitespace-separated words. */
export function splitTokens(s: string, split: PackingSplit): string[] {
  if (split === 'chars') return Array.from(s);
  const t = s.trim();
  return t === '' ? [] : t.split(/\s+/);
}

function byCodePoint(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; ) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x - y;
    i += x > 0xffff ? 2 : 1;
  }
  return a.length - b.length;
}

function makeCorpus(name: string, builtIn: boolean, split: PackingSplit, column: PackingColumn, texts: string[], lines: (number | null)[], blankLines: number): Corpus {
  const lengths = new Int32Array(texts.length);
  const seen = new Set<string>();
  texts.forEach((s, i) => {
    const tokens = splitTokens(s, split);
    lengths[i] = tokens.length;
    for (const tok of tokens) seen.add(tok);
  });
  seen.delete(PAD_TOKEN);
  const vocab = [PAD_TOKEN, ...[...seen].sort(byCodePoint)];
  return { name, builtIn, split, column, texts, lines, lengths, blankLines, vocab, index: new Map(vocab.map((tok, i) => [tok, i])) };
}

/** The course's five strings. */
export function courseCorpus(split: PackingSplit = 'chars'): Corpus {
  return makeCorpus('the course\u2019s five strings', true, split, 'line', [...COURSE_STRINGS], COURSE_STRINGS.map(() => null), 0);
}

/**
 * A text file, one sequence per line; with column `source` or `target`, one side of a
 * tab-separated pair file (the first or second field; kor-eng.txt's third, the attribution, is
 * ignored). Blank lines (or blank sides) are left out and counted: PyTorch refuses zero lengths.
 * Throws NOT_UTF8 / EMPTY_FILE as every reader does, and BAD_PAIRS naming the first line without
 * a tab when a side is asked of a file that is not a pair file.
 */
export function corpusFromText(input: Buffer | Uint8Array | string, file: string, split: PackingSplit, column: PackingColumn): Corpus {
  const text = decodeText(input, file, say('text'));
  const texts: string[] = [];
  const lines: number[] = [];
  let blank = 0;
  forEachLine(text, (line, n) => {
    let side = line;
    if (column !== 'line') {
      const tab = line.indexOf('\t');
      if (tab < 0) {
        if (isBlank(line)) {
          blank++;
          return;
        }
        throw new RnnLabError(
          'BAD_PAIRS',
          column === 'source' ? say('line {0} has no tab, so it has no source side.', n) : say('line {0} has no tab, so it has no target side.', n),
          say('Choose the whole line as the sequence for a plain text file, or separate source and target with a tab.'),
          { file, line: n },
        );
      }
      const end = line.indexOf('\t', tab + 1);
      side = column === 'source' ? line.slice(0, tab) : line.slice(tab + 1, end < 0 ? undefined : end);
    }
    if (splitTokens(side, split).length === 0) {
      blank++;
      return;
    }
    texts.push(side);
    lines.push(n);
  });
  if (texts.length === 0) {
    const blankSay = column === 'line' ? say('every line is blank: there is no sequence to pack.') : column === 'source' ? say('every source side is blank: there is no sequence to pack.') : say('every target side is blank: there is no sequence to pack.');
    throw new RnnLabError('EMPTY_FILE', blankSay, say('Pick a file with one sequence per line.'), { file });
  }
  return makeCorpus(file, false, split, column, texts, lines, blank);
}

/** Steps an RNN runs over every batch of `lengths` cut `batchSize` at a time: padded in this order, and padded after sorting by length. */
export function fileCost(lengths: ArrayLike<number>, batchSize: number): FileCost {
  const padded = (ls: ArrayLike<number>) => {
    let steps = 0;
    for (let s = 0; s < ls.length; s += batchSize) {
      let max = 0;
      const end = Math.min(ls.length, s + batchSize);
      for (let i = s; i < end; i++) max = Math.max(max, ls[i]);
      steps += max * (end - s);
    }
    return steps;
  };
  let tokens = 0;
  for (let i = 0; i < lengths.length; i++) tokens += lengths[i];
  const sorted = Int32Array.from(lengths).sort().reverse();
  return { sequences: lengths.length, batches: Math.ceil(lengths.length / batchSize), tokens, paddedSteps: padded(lengths), bucketedSteps: padded(sorted) };
}

/** Rows of a [B, T] / [T, B] matrix, cut to the first `steps` time steps. */
function drawnRows(m: number[][], batchFirst: boolean, steps: number): number[][] {
  return batchFirst ? m.map((row) => row.slice(0, steps)) : m.slice(0, steps);
}

/** The course's RNN of hidden 30 on the packed one-hot batch: the shapes of what it returns. */
function rnnShapes(ids: tf.Tensor, lengths: number[], V: number, batchFirst: boolean, enforceSorted: boolean): PackingShapes {
  const H = INSPECTOR_HIDDEN;
  const B = ids.shape[batchFirst ? 0 : 1]!;
  const T = ids.shape[batchFirst ? 1 : 0]!;
  const total = lengths.reduce((a, b) => a + b, 0);
  if (B * T * V > MAX_RNN_INPUT) {
    return { paddedOutput: batchFirst ? [B, T, H] : [T, B, H], packedOutput: [total, H], hidden: [1, B, H], from: 'layout', hiddenSize: H };
  }
  const rnn = new RNN({ mode: 'gru', inputSize: V, hiddenSize: H, numLayers: 1 }, new Rng(0));
  const made: tf.Tensor[] = [];
  try {
    const oneHot = tf.tidy(() => tf.cast(tf.oneHot(tf.cast(ids, 'int32'), V), 'float32')); // [B, T, V] or [T, B, V]
    made.push(oneHot);
    const packed = packPaddedSequence(oneHot, lengths, { batchFirst, enforceSorted });
    made.push(packed.data);
    const out = rnn.forwardPackedSequence(packed);
    made.push(out.output, out.h);
    const padded = padPackedSequence({ ...packed, data: out.output }, { batchFirst });
    made.push(padded.padded);
    return { paddedOutput: padded.padded.shape, packedOutput: out.output.shape, hidden: out.h.shape, from: 'rnn', hiddenSize: H };
  } finally {
    tf.dispose(made);
    rnn.dispose();
  }
}

/**
 * One batch of `corpus` through the engine's packing functions, for the inspector's page. Call
 * after initBackend. Options are checked against the packing table (BAD_OPTION); the batch index
 * is clamped to the last batch. With enforceSorted and unsorted lengths, `packed` and `shapes`
 * are null and `error` holds PyTorch's words and the engine's.
 */
export function inspectPacking(corpus: Corpus, options: Partial<PackingOptions> = {}): PackingView {
  const o = resolveOptions<PackingOptions>(PACKING_OPTIONS, options);
  if (corpus.split !== o.split || corpus.column !== o.column) {
    throw new RnnLabError('BAD_OPTION', `the corpus was split by ${corpus.split} (${corpus.column}), but the options ask for ${o.split} (${o.column}).`, 'Read the file again with these options.');
  }
  const N = corpus.texts.length;
  const batches = Math.ceil(N / o.batchSize);
  const batch = Math.min(o.batch, batches - 1);
  const members: number[] = [];
  for (let i = batch * o.batchSize; i < Math.min(N, (batch + 1) * o.batchSize); i++) members.push(i);
  if (o.sortByLength) members.sort((a, b) => corpus.lengths[b] - corpus.lengths[a]); // stable: ties keep their order
  const tokens = members.map((i) => splitTokens(corpus.texts[i], o.split));
  const ids = tokens.map((ts) => ts.map((tok) => corpus.index.get(tok)!));
  const lengths = members.map((i) => corpus.lengths[i]);
  const B = members.length;
  const T = Math.max(...lengths);
  const drawnSteps = Math.min(T, MAX_DRAWN_STEPS);

  const made: tf.Tensor[] = [];
  try {
    const paddedT = padSequence(ids, { batchFirst: o.batchFirst }); // [B, T] or [T, B]
    made.push(paddedT);
    const padded = drawnRows(paddedT.arraySync() as number[][], o.batchFirst, drawnSteps);

    let packed: PackedView | null = null;
    let error: PackingView['error'] = null;
    let shapes: PackingShapes | null = null;
    if (o.enforceSorted && firstUnsorted(lengths) > 0) {
      let engine = '';
      try {
        packPaddedSequence(paddedT, lengths, { batchFirst: o.batchFirst, enforceSorted: true }).data.dispose();
      } catch (e) {
        if (!isRnnLabError(e)) throw e;
        engine = e.toString();
      }
      error = { pytorch: PYTORCH_UNSORTED_ERROR, engine };
    } else {
      const p: PackedSequence = packPaddedSequence(paddedT, lengths, { batchFirst: o.batchFirst, enforceSorted: o.enforceSorted });
      made.push(p.data);
      const unpacked = padPackedSequence(p, { batchFirst: o.batchFirst });
      made.push(unpacked.padded);
      let drawnRowsCount = 0;
      for (let t = 0; t < drawnSteps; t++) drawnRowsCount += p.batchSizes[t];
      const order = p.sortedIndices ? Array.from(p.sortedIndices) : Array.from({ length: B }, (_, j) => j);
      packed = {
        data: Array.from(p.data.dataSync().subarray(0, drawnRowsCount)),
        batchSizes: Array.from(p.batchSizes),
        sortedIndices: p.sortedIndices ? Array.from(p.sortedIndices) : null,
        unsortedIndices: p.unsortedIndices ? Array.from(p.unsortedIndices) : null,
        order,
        unpacked: drawnRows(unpacked.padded.arraySync() as number[][], o.batchFirst, drawnSteps),
        unpackedLengths: Array.from(unpacked.lengths),
      };
      shapes = rnnShapes(paddedT, lengths, corpus.vocab.length, o.batchFirst, o.enforceSorted);
    }
    return {
      sourceName: corpus.name,
      builtIn: corpus.builtIn,
      options: { ...o, batch },
      batches,
      blankLines: corpus.blankLines,
      vocabSize: corpus.vocab.length,
      vocab: corpus.vocab.length <= MAX_LISTED_VOCAB ? corpus.vocab : null,
      sequences: members.map((i, b) => ({ line: corpus.lines[i], index: i, length: lengths[b], tokens: tokens[b].slice(0, drawnSteps), ids: ids[b].slice(0, drawnSteps) })),
      lengths,
      maxLength: T,
      drawnSteps,
      paddedShape: paddedT.shape,
      padded,
      packed,
      error,
      shapes,
      cost: { packedSteps: lengths.reduce((a, b) => a + b, 0), paddedSteps: B * T },
      file: fileCost(corpus.lengths, o.batchSize),
    };
  } finally {
    tf.dispose(made);
  }
}
