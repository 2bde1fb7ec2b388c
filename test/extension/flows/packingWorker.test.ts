// The packing inspector's requests through the real worker (dist/worker.js, built by `npm run
// build`): the course's batch, a file read once and read again when it changes on disk, and a
// file that is not a pair file refused with its name (as the host passes it) and its line.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { WorkerError, WorkerSession } from '../../../src/extension/core/workerSession';
import type { PackingOptions } from '../../../src/shared/packing';

const WORKER = resolve(__dirname, '..', '..', '..', 'dist', 'worker.js');
const OPTIONS: PackingOptions = { batchSize: 5, batch: 0, sortByLength: false, batchFirst: true, enforceSorted: false, split: 'chars', column: 'line' };

describe('packing inspector in the worker', () => {
  let dir: string;
  let session: WorkerSession;
  before(async () => {
    assert.ok(existsSync(WORKER), `${WORKER} is missing: run \`npm run build\` first.`);
    dir = await mkdtemp(join(tmpdir(), 'rnn-lab-packing-'));
    session = new WorkerSession(WORKER);
  });
  after(async () => {
    session.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  test("the course's strings", async () => {
    const v = await session.request({ type: 'inspectPacking', source: { kind: 'course' }, fileName: '', options: { ...OPTIONS, column: 'target' } });
    assert.deepEqual(v.packed?.batchSizes, [5, 5, 5, 5, 4, 4, 4, 4, 3, 3, 3, 1, 1]);
    assert.deepEqual(v.cost, { packedSteps: 47, paddedSteps: 65 });
    assert.equal(v.options.column, 'line', 'the built-in strings have no pair side');
  });

  test('a file, read again when it changes; a side asked of a file without tabs is refused on its line', async () => {
    const file = join(dir, 'lines.txt');
    await writeFile(file, 'abc\nde\n');
    const ask = { type: 'inspectPacking' as const, source: { kind: 'file' as const, path: file }, fileName: 'ws/lines.txt', options: OPTIONS };
    assert.deepEqual((await session.request(ask)).lengths, [3, 2]);
    await writeFile(file, 'abcd\nde\nf\n');
    assert.deepEqual((await session.request(ask)).lengths, [4, 2, 1]);
    const e = await session.request({ ...ask, options: { ...OPTIONS, column: 'source' } }).then(
      () => assert.fail('a file without tabs has no source side'),
      (err: unknown) => err,
    );
    assert.ok(e instanceof WorkerError);
    assert.equal(e.wire.code, 'BAD_PAIRS');
    assert.match(e.wire.text, /^ws\/lines\.txt:1: line 1 has no tab/);
  });
});
