/**
 * The seq2seq flow's options (the course's lab 11-5 by default): the CLI's `seq2seq` flags and
 * resolveSeq2SeqOptions come from here. Rules across options (epochs or iterations) stay in code.
 */
import { defineOptions } from './spec';
import { TRAINER_OPTIONS as T } from './trainer';

export const SEQ2SEQ_OPTIONS = defineOptions({
  hidden: { type: 'int', min: 1, max: 4096, default: 16, label: 'Hidden size', help: 'Embedding and GRU hidden size.', flag: 'hidden' },
  epochs: { ...T.epochs, help: 'Passes over the shuffled training pairs in mini-batches; replaces iterations.' },
  iterations: {
    type: 'int',
    min: 1,
    max: 100_000_000,
    default: 5000,
    label: 'Iterations',
    help: 'Optimiser steps, each on batch-size random pairs (the course: one pair at a time).',
    flag: 'iterations',
  },
  batchSize: { ...T.batchSize, default: 1, help: 'Pairs per step; 1 sums the loss over the tokens as the course does.' },
  optimizer: {
    type: 'enum',
    choices: [
      { value: 'sgd', label: 'SGD' },
      { value: 'adam', label: 'Adam' },
    ],
    default: 'sgd',
    label: 'Optimiser',
    help: 'sgd (the course) or adam.',
    flag: 'optimizer',
  },
  lr: T.lr,
  teacherForcing: {
    type: 'number',
    min: 0,
    max: 1,
    default: 1,
    label: 'Teacher forcing',
    help: 'Probability that a step is teacher-forced (the course: always, 1).',
    flag: 'teacher-forcing',
  },
  attention: {
    type: 'enum',
    choices: [
      { value: 'none', label: 'None' },
      { value: 'dot', label: 'Luong dot' },
      { value: 'general', label: 'Luong general' },
    ],
    default: 'none',
    switchTo: 'general',
    label: 'Attention',
    help: 'Decode with Luong general attention (the course decodes without).',
    flag: 'attention',
  },
  sourceMaxLength: { type: 'int', min: 2, max: 1000, default: 10, label: 'Source max length', help: 'Keep pairs whose source has fewer words than this.', flag: 'source-max-length' },
  targetMaxLength: {
    type: 'int',
    min: 2,
    max: 1000,
    default: 12,
    label: 'Target max length',
    help: 'Keep pairs whose target has fewer words than this; also the decoding limit.',
    flag: 'target-max-length',
  },
  testFraction: {
    type: 'number',
    min: 0,
    max: 0.99,
    label: 'Test fraction',
    help: 'Share of the pairs held out for the metrics (default 0.1 from 100 pairs, else 0: measured on the training pairs).',
    flag: 'test-fraction',
  },
  testFile: { type: 'string', maxLength: 4096, label: 'Test file', help: 'Hold out the pairs of this file (taken from FILE) instead of a random fraction.', flag: 'test-file', metavar: 'PAIRS' },
  splitPunctuation: { type: 'boolean', default: false, label: 'Split punctuation', help: 'Make punctuation separate tokens (the course keeps it attached).', flag: 'split-punctuation' },
  reverse: { type: 'boolean', default: false, label: 'Reverse', help: 'Translate from the second column to the first.', flag: 'reverse' },
  minCount: { type: 'int', min: 1, max: 1_000_000, default: 1, label: 'Minimum count', help: 'Words seen fewer times map to <UNK>.', flag: 'min-count' },
  clipNorm: T.clipNorm,
  seed: T.seed,
  sampleEvery: {
    type: 'int',
    min: 0,
    max: 1_000_000,
    default: 0,
    label: 'Sample every',
    help: 'Emit a few greedy test translations every this many epochs; 0 for never.',
    flag: 'sample-every',
  },
  backend: T.backend,
  threads: T.threads,
});
