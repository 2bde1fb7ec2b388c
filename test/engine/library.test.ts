// The library as a JavaScript user loads it: `require('dist/engine/index.js')`, its own `tf`, and
// the packing functions on plain arrays, against PyTorch's pack_sequence.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ROOT } from './data/helpers';
import { ensureCliBuilt } from '../helpers/cli';

type Engine = typeof import('../../src/engine/index');
let engine: Engine;

before(async () => {
  ensureCliBuilt();
  engine = require(path.join(ROOT, 'dist', 'engine', 'index.js')) as Engine;
  await engine.initBackend();
});

test('packSequence on plain arrays gives PyTorch batch_sizes and data, and leaks no tensor', () => {
  const before = engine.tensorCount();
  // torch.nn.utils.rnn.pack_sequence([tensor([1,2,3]), tensor([4,5])], enforce_sorted=False):
  // data [1, 4, 2, 5, 3], batch_sizes [2, 2, 1], sorted_indices [0, 1].
  const p = engine.packSequence([[1, 2, 3], [4, 5]], { enforceSorted: false });
  assert.deepEqual(Array.from(p.batchSizes), [2, 2, 1]);
  assert.deepEqual(Array.from(p.data.dataSync()), [1, 4, 2, 5, 3]);
  assert.deepEqual(Array.from(p.sortedIndices ?? []), [0, 1]);
  // Shorter first: PyTorch sorts, sorted_indices [1, 0], unsorted_indices [1, 0].
  const q = engine.packSequence([[4, 5], [1, 2, 3]], { enforceSorted: false });
  assert.deepEqual(Array.from(q.data.dataSync()), [1, 4, 2, 5, 3]);
  assert.deepEqual(Array.from(q.sortedIndices ?? []), [1, 0]);
  assert.deepEqual(Array.from(q.unsortedIndices ?? []), [1, 0]);
  assert.equal(engine.tensorCount(), before + 2, 'only the two results stay');
  engine.tf.dispose([p.data, q.data]);
});

test('feature rows, padSequence and packPaddedSequence take plain arrays too; tensors from the exported tf work', () => {
  const p = engine.packSequence([[[1, 10], [2, 20], [3, 30]], [[4, 40], [5, 50]]]);
  assert.deepEqual(p.data.shape, [5, 2]);
  assert.deepEqual(Array.from(p.data.dataSync()), [1, 10, 4, 40, 2, 20, 5, 50, 3, 30]);
  const padded = engine.padSequence([[1, 2, 3], [4, 5]], { batchFirst: true });
  assert.deepEqual(padded.arraySync(), [[1, 2, 3], [4, 5, 0]]);
  const fromPadded = engine.packPaddedSequence([[1, 2, 3], [4, 5, 0]], [3, 2], { batchFirst: true });
  assert.deepEqual(Array.from(fromPadded.batchSizes), [2, 2, 1]);
  const t = engine.tf.tensor1d([7, 8]);
  const mixed = engine.packSequence([t, [9]]);
  assert.deepEqual(Array.from(mixed.data.dataSync()), [7, 9, 8]);
  engine.tf.dispose([p.data, padded, fromPadded.data, t, mixed.data]);
  assert.throws(() => engine.packSequence([[[1, 2], [3]]]), (e: Error & { code?: string }) => e.code === 'BAD_OPTION' && /rectangular/.test(e.message));
});
