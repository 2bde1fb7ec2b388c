// The packing inspector's view model against the course's lab 11-6 numbers (hand-checkable:
// lengths [11, 8, 11, 4, 13], 47 packed steps against 5 × 13 = 65 padded) and against the
// PyTorch 1.13 fixture (test/fixtures/packing.json): the packed data, batch_sizes, the indices,
// the unpacked batch, the shapes of the course's RNN of hidden 30, and PyTorch's error words.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/engine/backend';
import { isRnnLabError } from '../../src/engine/errors';
import { PYTORCH_UNSORTED_ERROR } from '../../src/engine/packing';
import { corpusFromText, courseCorpus, fileCost, inspectPacking, MAX_DRAWN_STEPS } from '../../src/engine/packingInspector';

const fx = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'packing.json'), 'utf8'));
const W = fx.words;

function rejects(f: () => unknown, code: string, re: RegExp): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(isRnnLabError(e), `an RnnLabError, got ${String(e)}`);
    assert.equal(e.code, code);
    assert.match(e.toString(), re);
    return true;
  });
}

describe('packing inspector', () => {
  before(async () => {
    await initBackend('cpu');
  });

  it("the course's strings: vocabulary, lengths, padded batch, packed data and indices as PyTorch", () => {
    const before = tf.memory().numTensors;
    const v = inspectPacking(courseCorpus());
    assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
    assert.deepEqual(v.vocab, W.vocab);
    assert.deepEqual(v.lengths, [11, 8, 11, 4, 13]);
    assert.deepEqual(v.sequences.map((s) => s.ids), W.sequences);
    assert.deepEqual(v.sequences[0].tokens.join(''), 'hello world');
    assert.deepEqual(v.paddedShape, [5, 13]);
    assert.deepEqual(v.padded, W.padSequenceBatchFirst);
    assert.ok(v.packed);
    assert.deepEqual(v.packed.batchSizes, [5, 5, 5, 5, 4, 4, 4, 4, 3, 3, 3, 1, 1]);
    assert.deepEqual(v.packed.data, W.packPaddedSequence.data);
    assert.deepEqual(v.packed.sortedIndices, [4, 0, 2, 1, 3]);
    assert.deepEqual(v.packed.unsortedIndices, [1, 3, 2, 4, 0]);
    assert.deepEqual(v.packed.order, [4, 0, 2, 1, 3]);
    assert.deepEqual(v.packed.unpacked, W.padPackedSequence.padded);
    assert.deepEqual(v.packed.unpackedLengths, W.padPackedSequence.lengths);
    assert.deepEqual(v.cost, { packedSteps: 47, paddedSteps: 65 });
    assert.deepEqual(v.file, { sequences: 5, batches: 1, tokens: 47, paddedSteps: 65, bucketedSteps: 65 });
    assert.equal(v.error, null);
  });

  it("the shapes the course prints for its RNN of hidden 30, from the engine's GRU on the packed batch", () => {
    const v = inspectPacking(courseCorpus());
    const want = fx.courseRnnShapes;
    assert.deepEqual(v.shapes, { paddedOutput: want.paddedOutput, packedOutput: want.packedOutput, hidden: want.hidden, from: 'rnn', hiddenSize: want.hiddenSize });
    assert.deepEqual(want.paddedOutput, [5, 13, 30]);
    const tm = inspectPacking(courseCorpus(), { batchFirst: false });
    assert.deepEqual(tm.shapes?.paddedOutput, [13, 5, 30]);
    assert.deepEqual(tm.paddedShape, [13, 5]);
    assert.deepEqual(tm.padded, W.padSequenceTimeFirst);
    assert.deepEqual(tm.packed?.unpacked, W.padSequenceTimeFirst);
  });

  it("enforce_sorted on unsorted lengths: PyTorch's error word for word, and the engine's located message", () => {
    assert.equal(PYTORCH_UNSORTED_ERROR, fx.enforceSortedError);
    const v = inspectPacking(courseCorpus(), { enforceSorted: true });
    assert.equal(v.packed, null);
    assert.equal(v.shapes, null);
    assert.equal(v.error?.pytorch, fx.enforceSortedError);
    // [11, 8, 11, …]: the first rise is 8 → 11.
    assert.match(v.error?.engine ?? '', /lengths\[1\] = 8 < lengths\[2\] = 11/);
    assert.match(v.error?.engine ?? '', /enforceSorted: false/);
    // The padded batch and the counts still show.
    assert.deepEqual(v.lengths, [11, 8, 11, 4, 13]);
    assert.deepEqual(v.cost, { packedSteps: 47, paddedSteps: 65 });
  });

  it('sorted by length: the course\u2019s sorted batch packs under enforce_sorted with no indices (PyTorch: None)', () => {
    const v = inspectPacking(courseCorpus(), { sortByLength: true, enforceSorted: true });
    const S = W.sorted;
    assert.deepEqual(v.sequences.map((s) => s.index), S.order);
    assert.deepEqual(v.lengths, S.lengths);
    assert.deepEqual(v.padded, S.padSequenceBatchFirst);
    assert.equal(v.error, null);
    assert.equal(v.packed?.sortedIndices, null);
    assert.equal(v.packed?.unsortedIndices, null);
    assert.deepEqual(v.packed?.order, [0, 1, 2, 3, 4]);
    assert.deepEqual(v.packed?.data, S.packPaddedSequence.data);
  });

  it('batches of two: the chosen batch, clamped to the last; file costs with and without length bucketing', () => {
    const v = inspectPacking(courseCorpus(), { batchSize: 2, batch: 1 });
    assert.equal(v.batches, 3);
    assert.deepEqual(v.lengths, [11, 4]);
    assert.deepEqual(v.packed?.batchSizes, [2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1]);
    assert.deepEqual(v.cost, { packedSteps: 15, paddedSteps: 22 });
    const last = inspectPacking(courseCorpus(), { batchSize: 2, batch: 99 });
    assert.equal(last.options.batch, 2);
    assert.deepEqual(last.lengths, [13]);
    // File order: [11, 8] [11, 4] [13] → 22 + 22 + 13 = 57 padded; sorted: [13, 11] [11, 8] [4] → 26 + 22 + 4 = 52.
    assert.deepEqual(v.file, { sequences: 5, batches: 3, tokens: 47, paddedSteps: 57, bucketedSteps: 52 });
    assert.deepEqual(fileCost([3, 1, 3, 1], 2), { sequences: 4, batches: 2, tokens: 8, paddedSteps: 12, bucketedSteps: 8 });
  });

  it('words instead of characters', () => {
    const v = inspectPacking(courseCorpus('words'), { split: 'words' });
    assert.deepEqual(v.vocab, ['<pad>', 'calculation', 'circuit', 'hello', 'midnight', 'path', 'short', 'world']);
    assert.deepEqual(v.lengths, [2, 1, 1, 1, 2]);
    assert.deepEqual(v.packed?.batchSizes, [5, 2]);
  });

  it('a text file: blank lines left out, markup kept as text, a pair file by side, long lines drawn in part', () => {
    const c = corpusFromText('<img src=x onerror=alert(1)>\n\nab\n', 'm.txt', 'chars', 'line');
    assert.equal(c.blankLines, 1);
    const v = inspectPacking(c);
    assert.deepEqual(v.sequences.map((s) => s.line), [1, 3]);
    assert.equal(v.sequences[0].tokens.join(''), '<img src=x onerror=alert(1)>');
    assert.deepEqual(v.vocab?.[0], '<pad>');

    const pairs = corpusFromText('go .\tva !\tCC-BY\nhi .\tsalut !\n', 'p.txt', 'words', 'target');
    assert.deepEqual(inspectPacking(pairs, { split: 'words', column: 'target' }).sequences.map((s) => s.tokens), [['va', '!'], ['salut', '!']]);
    rejects(() => corpusFromText('a\tb\nno tab here\n', 'p.txt', 'chars', 'source'), 'BAD_PAIRS', /^p\.txt:2: line 2 has no tab.*whole line/);
    rejects(() => corpusFromText('\n \n', 'e.txt', 'chars', 'line'), 'EMPTY_FILE', /e\.txt/);

    const long = inspectPacking(corpusFromText(`${'x'.repeat(500)}\nab\n`, 'l.txt', 'chars', 'line'));
    assert.equal(long.maxLength, 500);
    assert.equal(long.drawnSteps, MAX_DRAWN_STEPS);
    assert.equal(long.padded[0].length, MAX_DRAWN_STEPS);
    assert.equal(long.packed?.batchSizes.length, 500);
    assert.equal(long.packed?.data.length, 2 * 2 + (MAX_DRAWN_STEPS - 2));
    assert.deepEqual(long.cost, { packedSteps: 502, paddedSteps: 1000 });
  });

  it('options outside the table are refused, naming the option', () => {
    rejects(() => inspectPacking(courseCorpus(), { batchSize: 65 }), 'BAD_OPTION', /batch-size.*1 to 64/);
  });
});
