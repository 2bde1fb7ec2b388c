/**
 * The packing inspector's controls (lecture 11-6 made visible): how a list of sequences is cut
 * into a batch, and the two flags of PyTorch's packing functions. The page's controls, the
 * protocol's checks and the engine's inspector all read these entries, so a bound is the same
 * everywhere. Defaults show the course's batch: its five strings, unsorted, batch-first, packed
 * with enforce_sorted=False (so sorted_indices are there to see).
 */
import { defineOptions } from './spec';

export const PACKING_OPTIONS = defineOptions({
  batchSize: { type: 'int', min: 1, max: 64, default: 5, label: 'Batch size', help: 'Sequences per batch (the course: all five strings).', flag: 'batch-size' },
  batch: { type: 'int', min: 0, max: 100_000_000, default: 0, label: 'Batch', help: 'Which batch of the file to draw, from 0.', flag: 'batch' },
  sortByLength: { type: 'boolean', default: false, label: 'Sorted by length', help: 'Sort the batch by decreasing length before packing, as the course does before pack_sequence.', flag: 'sort-by-length' },
  batchFirst: { type: 'boolean', default: true, label: 'batch_first', help: 'Padded tensors are [batch, time] (True) or [time, batch] (False).', flag: 'batch-first' },
  enforceSorted: { type: 'boolean', default: false, label: 'enforce_sorted', help: 'Require lengths sorted in decreasing order (PyTorch\u2019s default is True).', flag: 'enforce-sorted' },
  split: {
    type: 'enum',
    choices: [
      { value: 'chars', label: 'Characters' },
      { value: 'words', label: 'Words' },
    ],
    default: 'chars',
    label: 'Split into',
    help: 'Tokens of a sequence: its characters (the course) or its space-separated words.',
    flag: 'split',
  },
  column: {
    type: 'enum',
    choices: [
      { value: 'line', label: 'Whole line' },
      { value: 'source', label: 'Source (before the tab)' },
      { value: 'target', label: 'Target (after the tab)' },
    ],
    default: 'line',
    label: 'Sequence',
    help: 'The whole line, or one side of a tab-separated pair file.',
    flag: 'column',
  },
});
