// The vocabulary panel's requests through the host's WorkerSession and the real worker
// (dist/worker.js, built by `npm run build`): open a pair file's tables, ask for rows and
// coverage by table id, and a bad file fails naming the line by the name the host passed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { WorkerError, WorkerSession } from '../../../../src/extension/core/workerSession';

const WORKER = resolve(__dirname, '../../../../dist/worker.js');
const COURSE = resolve(__dirname, '../../../../examples/course-pairs.tsv');
let session: WorkerSession;
let dir: string;

before(async () => {
  assert.ok(existsSync(WORKER), `${WORKER} is missing: run \`npm run build\` first.`);
  session = new WorkerSession(WORKER);
  dir = await mkdtemp(join(tmpdir(), 'rnn-lab-vocab-worker-'));
});
after(async () => {
  session.dispose();
  await rm(dir, { recursive: true, force: true });
});

test('open, rows and coverage, each answered by its table id', async () => {
  const opened = await session.request({ type: 'seq2seq.vocabulary', from: { file: COURSE, fileName: 'course-pairs.tsv', options: { minCount: 2 } } });
  assert.deepEqual({ ...opened, tableId: 0 }, { tableId: 0, title: 'course-pairs.tsv', pairs: { read: 4, kept: 4 }, words: { source: 15, target: 11 }, minCount: 2, minCountFixed: false });
  const other = await session.request({ type: 'seq2seq.vocabulary', from: { file: COURSE, fileName: 'again.tsv', options: { reverse: true } } });
  assert.notEqual(other.tableId, opened.tableId);
  assert.deepEqual(other.words, { source: 11, target: 15 });
  const rows = await session.request({ type: 'seq2seq.vocabularyRows', tableId: opened.tableId, side: 'target', query: { sort: 'count', descending: true, filter: '', offset: 0, limit: 2, minCount: 2 } });
  assert.deepEqual(rows, { offset: 0, shown: 15, total: 15, rows: [{ index: 4, word: '파이토치는', count: 3, reserved: false }, { index: 5, word: '매우', count: 2, reserved: false }] });
  const coverage = await session.request({ type: 'seq2seq.vocabularyCoverage', tableId: opened.tableId, minCount: 2 });
  assert.deepEqual([coverage.source.keptTokens, coverage.source.tokens, coverage.target.unkWords], [8, 20, 9]);
});

test('a pair file without a tab fails with the line, named as the host named the file', async () => {
  const bad = join(dir, 'bad.tsv');
  await writeFile(bad, 'one\ttwo\nno tab here\n');
  const e = await session.request({ type: 'seq2seq.vocabulary', from: { file: bad, fileName: 'data/bad.tsv', options: {} } }).then(
    () => assert.fail('should fail'),
    (x: unknown) => x as WorkerError,
  );
  assert.ok(e instanceof WorkerError);
  assert.equal(e.wire.code, 'BAD_PAIRS');
  assert.equal(e.wire.location.line, 2);
  assert.match(e.wire.text, /Line 2 of data\/bad\.tsv has no tab/);
  assert.ok(!e.wire.text.includes(dir), 'the worker does not name the absolute path');
});
