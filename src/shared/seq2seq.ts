/**
 * The seq2seq flow's shapes that cross a boundary: its options (into a saved translator's
 * config.json, and to a worker), its result and the translations it shows. The engine owns the
 * behaviour and re-exports these from src/engine/seq2seq/types.ts.
 */
import type { LossPoint } from './events';
import type { BackendName, OptimizerName } from './names';

/** Steps per progress report in iteration mode (the course's print_every). */
export const SEQ2SEQ_REPORT_EVERY = 1000;

/** Luong attention: `dot` scores hᵀ·s, `general` scores hᵀ·W_a·s; `none` is the course's plain decoder. */
export type AttentionKind = 'none' | 'dot' | 'general';

export interface Seq2SeqOptions {
  /** Embedding and GRU hidden size (the course: 16; the kor-eng bench: 256). */
  hidden: number;
  /**
   * Optimiser steps, each on `batchSize` pairs drawn at random (with replacement). With batch size 1
   * this is the course's loop: N random pairs, one at a time. Ignored when `epochs` is set.
   */
  iterations: number;
  /** Passes over the shuffled training pairs in mini-batches; when set, replaces `iterations`. */
  epochs?: number;
  /**
   * Pairs per step. 1 is the course's batch-1 mode: the loss is the SUM of the per-token NLL.
   * Above 1 the loss is the mean over the batch's real (non-PAD) target tokens.
   */
  batchSize: number;
  optimizer: OptimizerName;
  lr: number;
  /** Probability that a step is teacher-forced (the course: always). Drawn once per step. */
  teacherForcing: number;
  attention: AttentionKind;
  /** Keep pairs whose source has fewer words than this (the course's filter: 10). */
  sourceMaxLength: number;
  /** Keep pairs whose target has fewer words than this (the course's filter: 12); also the greedy decoding limit. */
  targetMaxLength: number;
  /**
   * Share of the pairs held out (after a seeded shuffle) to measure the metrics on. Default
   * (undefined): 0.1 for files of 100 pairs or more, else 0. With 0 the metrics are measured on the
   * training pairs, as the course's evaluate does.
   */
  testFraction?: number;
  /**
   * A file of sentence pairs to hold out instead of a random fraction: each of its pairs is taken
   * out of FILE's pairs (once per occurrence) and used as the test set; the rest train. This is
   * how the bench evaluates RNN Lab and PyTorch on the same held-out pairs.
   */
  testFile?: string;
  /** Make punctuation separate tokens (the course keeps it attached). */
  splitPunctuation: boolean;
  /** Translate from the second column to the first. */
  reverse: boolean;
  /** Words seen fewer times map to <UNK>. */
  minCount: number;
  /** Global gradient-norm clipping; 0 = off. */
  clipNorm: number;
  /** Seed for weights, the split, batches and teacher-forcing draws: the same seed gives the same numbers. */
  seed: number;
  /** Emit a few greedy test translations every this many epochs (or report intervals); 0 = never. */
  sampleEvery: number;
  backend?: BackendName;
  /** Threads for the large products: 0 or absent for every core (`--threads`, `rnnLab.threads`). */
  threads?: number;
}

export interface TranslationMetrics {
  /** Correct tokens / reference tokens (target words + <EOS>), position by position. */
  tokenAccuracy: number;
  /** Share of sentences whose prediction, up to its first <EOS>, equals the reference. */
  exactMatch: number;
  /** Corpus BLEU-4 (Papineni et al.), in [0, 1]. */
  bleu: number;
  /** Reference tokens that are <UNK> (words rarer than --min-count): never counted as correct, in any metric. */
  unknownTokens: number;
}

export interface Seq2SeqSample {
  source: string;
  target: string;
  /** Decoded words, up to and without <EOS>; words outside the vocabulary read `<UNK>`. */
  prediction: string;
  /** Live samples: true when decoding stopped at <EOS> (the course prints it: `< 나는 배가 고프다. <EOS>`). A stored result's samples keep the CLI's three fields. */
  ended?: boolean;
  /** Live samples: one of the fixed probe pairs, or a pair drawn at random from the measured ones. */
  kind?: 'probe' | 'random';
  /** Attention decoders: weights [output step][source position incl. <EOS>]. */
  attention?: number[][];
}

/**
 * What the course prints before training, computed for a pair file and the options that shape the
 * pairs and vocabularies (lengths, punctuation, direction, minimum count).
 */
export interface Seq2SeqFileCheck {
  fileName: string;
  /** Non-blank lines read as pairs. */
  pairsRead: number;
  /** Pairs kept by the length filter; `skipped` = pairsRead - pairsKept. */
  pairsKept: number;
  skipped: number;
  /** Distinct words, without the reserved tokens: the course's count - 2 (its SOS and EOS). */
  sourceWords: number;
  targetWords: number;
  /** Vocabulary sizes with <SOS>, <EOS>, <PAD>, <UNK>: the course's count + 2. */
  sourceVocab: number;
  targetVocab: number;
  /** Distinct words rarer than the minimum count, read as <UNK>. */
  sourceUnknown: number;
  targetUnknown: number;
  /** One kept pair, drawn with the run's seed (the course prints random.choice(pairs)). */
  example: { source: string; target: string; line: number };
  /** The test fraction the run will use (the automatic one when unset), and the split it gives. */
  testFraction: number;
  trainPairs: number;
  testPairs: number;
}

export interface Seq2SeqResult {
  backend: string;
  trainSeconds: number;
  /**
   * Mean per-token training loss: over the last report interval (≤ 1,000 steps) in iteration mode,
   * the course's running average; over the last epoch, token-weighted, in epoch mode.
   */
  finalLoss: number;
  /** Optimiser steps taken. */
  steps: number;
  msPerStep: number;
  /** Pairs kept by the length filter. */
  pairs: number;
  trainPairs: number;
  testPairs: number;
  /** Vocabulary sizes including <SOS>, <EOS>, <PAD>, <UNK> (the course's counts + 2). */
  sourceVocab: number;
  targetVocab: number;
  /** 'train' when the test fraction is 0 and the metrics come from the training pairs. */
  measuredOn: 'test' | 'train';
  test: TranslationMetrics;
  /** Greedy translations of (up to 10) measured pairs. */
  samples: Seq2SeqSample[];
  /** One entry per epoch (per report interval in iteration mode). */
  history: LossPoint[];
  /** Effective options (defaults filled in). */
  options: Omit<Seq2SeqOptions, 'backend' | 'threads'>;
}

export interface Translation {
  source: string;
  /** Words of the input that are not in the source vocabulary (they were read as <UNK>). */
  unknown: string[];
  prediction: string;
  /** Predicted token ids, up to and without <EOS>. */
  ids: number[];
  /** True when decoding stopped at <EOS> (not at the length limit). */
  endedWithEos: boolean;
  /** Attention decoders: weights [output step][source position incl. <EOS>]. */
  attention?: number[][];
}
