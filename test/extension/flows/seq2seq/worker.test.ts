// The seq2seq flow through the real training worker (dist/worker.js, built by `npm run build`), as
// the host drives it: the numbers before training, the files that cannot train (each error names
// the line, or the skipped lines are counted), a course run whose batch ends are thinned and whose
// run is stored as kind seq2seq, Try a sentence during training, and translating with the saved model.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { WorkerError, WorkerSession } from '../../../../src/extension/core/workerSession';
import { readRunSamples, runIdFor } from '../../../../src/extension/runs/store';
import { freshSeq2SeqRunState, parseSeq2SeqRunState, storedSampleSets } from '../../../../src/shared/seq2seqProtocol';
import { parseMetrics, type RunJson } from '../../../../src/shared/runs';
import type { TrainEvent } from '../../../../src/engine/train/events';
import type { Seq2SeqOptions, Translation } from '../../../../src/engine/seq2seq/types';

const ROOT = resolve(__dirname, '..', '..', '..', '..');
const WORKER = join(ROOT, 'dist', 'worker.js');
const COURSE = join(ROOT, 'examples', 'course-pairs.tsv');

let dir: string;
let session: WorkerSession;
before(async () => {
  assert.ok(existsSync(WORKER), `${WORKER} is missing: run \`npm run build\` first (npm test does).`);
  dir = await mkdtemp(join(tmpdir(), 'rnn-lab-s2s-worker-'));
  session = new WorkerSession(WORKER);
});
after(async () => {
  session.dispose();
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, text: string): Promise<string> {
  const p = join(dir, name);
  await writeFile(p, text);
  return p;
}

async function rejection(p: Promise<unknown>): Promise<WorkerError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof WorkerError, String(e));
    return e;
  }
  assert.fail('expected the request to fail');
}

const check = (path: string, fileName: string, options: Partial<Seq2SeqOptions> = {}) => session.request({ type: 'seq2seq.check', file: path, fileName, options });

describe('seq2seq.check in the worker', () => {
  test("the course's file: 4 pairs, 15 and 11 words, vocabularies of 19 and 15", async () => {
    const c = await check(COURSE, 'examples/course-pairs.tsv');
    assert.equal(c.fileName, 'examples/course-pairs.tsv');
    assert.deepEqual([c.pairsRead, c.pairsKept, c.sourceWords, c.targetWords, c.sourceVocab, c.targetVocab], [4, 4, 15, 11, 19, 15]);
  });

  test('a line without a tab: the error names the file as the host does and the line', async () => {
    const p = await file('no_tab.tsv', 'go.\t가.\nhi.  안녕.\n');
    const e = await rejection(check(p, 'ws/no_tab.tsv'));
    assert.equal(e.wire.code, 'BAD_PAIRS');
    assert.equal(e.wire.location.line, 2);
    assert.match(e.wire.text, /^ws\/no_tab\.tsv:2: Line 2 of ws\/no_tab\.tsv has no tab: "hi\.  안녕\."/);
    assert.ok(!e.wire.text.includes(dir), 'the worker path never shows');
  });

  test('an empty file: a clear error naming it', async () => {
    const p = await file('empty.tsv', '');
    const e = await rejection(check(p, 'ws/empty.tsv'));
    assert.match(e.wire.text, /ws\/empty\.tsv/);
    assert.match(e.wire.text, /empty/i);
  });

  test('a line with an empty side: the line and the column', async () => {
    const p = await file('empty_side.tsv', 'go.\t가.\nrun!\t\n');
    const e = await rejection(check(p, 'ws/empty_side.tsv'));
    assert.equal(e.wire.code, 'BAD_PAIRS');
    assert.deepEqual([e.wire.location.line, e.wire.location.column], [2, 2]);
    assert.match(e.wire.text, /Line 2 of ws\/empty_side\.tsv has an empty target \(second column\)/);
  });

  test('a line of 10,000 words is skipped, and counted', async () => {
    const long = Array.from({ length: 10_000 }, (_, i) => `w${i}`).join(' ');
    const p = await file('long_line.tsv', `go.\t가.\n${long}\t길다.\nrun!\t뛰어!\n`);
    const c = await check(p, 'ws/long_line.tsv');
    assert.deepEqual([c.pairsRead, c.pairsKept, c.skipped], [3, 2, 1]);
    assert.equal(c.sourceWords, 2, 'none of the long line’s words enter the vocabulary');
  });

  test('every pair too long: NO_PAIRS names the shortest pair and suggests the limit that keeps it', async () => {
    const p = await file('too_long.tsv', 'this sentence has many more words than the default limit allows.\t짧다.\n');
    const e = await rejection(check(p, 'ws/too_long.tsv'));
    assert.equal(e.wire.code, 'NO_PAIRS');
    assert.match(e.wire.text, /None of the 1 pairs in ws\/too_long\.tsv is short enough.*line 1\) has 11 source and 1 target words/);
    assert.deepEqual(e.wire.suggest, { option: 'sourceMaxLength', value: 12 });
  });

  test('a test fraction that leaves no training pair: the option is named', async () => {
    const e = await rejection(check(COURSE, 'course-pairs.tsv', { testFraction: 0.9 }));
    assert.equal(e.wire.code, 'BAD_OPTION');
    assert.equal(e.wire.option, 'testFraction');
  });
});

describe('seq2seq.train and seq2seq.translate in the worker', () => {
  test('a course run: thinned batch ends, the run stored as seq2seq, Try a sentence while it trains, the saved model translates', { timeout: 120_000 }, async () => {
    const runs = join(dir, 'runs');
    const options: Partial<Seq2SeqOptions> = { iterations: 3000, sampleEvery: 1, backend: 'wasm' };
    const runId = runIdFor(new Date());
    const events: TrainEvent[] = [];
    const during: Promise<Translation[]>[] = [];
    const outcome = await session.request({ type: 'seq2seq.train', file: COURSE, fileName: 'course-pairs.tsv', options, store: { root: runs, runId } }, (e) => {
      events.push(e);
      if (e.type === 'epochEnd' && e.epoch === 1) during.push(session.request({ type: 'seq2seq.translate', sentences: ['pytorch is very easy.', 'zebras are easy.'] }));
    });
    const batchEnds = events.filter((e) => e.type === 'batchEnd');
    assert.ok(batchEnds.length < 3000 / 10, `batch ends are thinned (${batchEnds.length} of 3000 reached the host)`);
    // The last batch of each report interval is forwarded before its end: the host knows each report's step.
    const reportSteps = events.flatMap((e, i) => (e.type === 'epochEnd' ? [events[i - 1]] : []));
    assert.deepEqual(reportSteps.map((e) => (e.type === 'batchEnd' ? e.step : -1)), [1000, 2000, 3000]);
    assert.deepEqual(events.filter((e) => e.type === 'metrics').map((e) => e.epoch), [1, 2, 3]);
    assert.equal(events.filter((e) => e.type === 'samples').length, 3);

    const [tried] = await Promise.all(during);
    assert.equal(tried.length, 2, 'translated while training ran');
    assert.deepEqual(tried[1].unknown, ['zebras', 'are'], 'words outside the vocabulary are named, not an error');

    assert.ok(outcome.runDir, outcome.saveError);
    assert.deepEqual(await readdir(join(runs)), [runId]);
    const stored = JSON.parse(readFileSync(join(outcome.runDir, 'run.json'), 'utf8')) as RunJson;
    assert.equal(stored.kind, 'seq2seq');
    assert.equal(stored.status, 'done');
    assert.equal(typeof stored.headline.tokenAccuracy, 'number');
    assert.equal(typeof stored.headline.bleu, 'number');
    const metricLines = parseMetrics(readFileSync(join(outcome.runDir, 'metrics.jsonl'), 'utf8'));
    assert.equal(metricLines.length, 3, 'one metrics line per report');
    // The held-out measurements the panel draws are on the report's line, at its step, as the events said them.
    const measured = events.flatMap((e) => (e.type === 'metrics' ? [e.values] : []));
    assert.deepEqual(
      metricLines.map((m) => [m.step, m.tokenAccuracy, m.exactMatch, m.bleu]),
      measured.map((v, i) => [1000 * (i + 1), v.tokenAccuracy, v.exactMatch, v.bleu]),
    );
    assert.ok(metricLines.every((m) => typeof m.tokenAccuracy === 'number' && typeof m.bleu === 'number'));
    assert.equal(readFileSync(join(outcome.runDir, 'samples.jsonl'), 'utf8').trim().split('\n').length, 3, 'one samples line per report');
    // A reopened run's step slider: the earlier sets at their steps, as a panel state that parses.
    const earlier = storedSampleSets(await readRunSamples(outcome.runDir), metricLines, outcome.result.steps);
    assert.deepEqual(earlier.map((x) => x.step), [1000, 2000]);
    const reopened = parseSeq2SeqRunState({ ...freshSeq2SeqRunState({ runId, fileName: 'course-pairs.tsv', totalSteps: 3000, courseMode: true, measuredOn: 'train', attention: false, phase: { kind: 'training' } }), samples: earlier });
    assert.equal(reopened.samples.length, 2);
    assert.ok(reopened.samples.every((x) => x.samples.length > 0 && x.samples.every((y) => typeof y.prediction === 'string')));
    assert.ok(existsSync(join(outcome.runDir, 'result.json')));
    assert.equal(outcome.result.steps, 3000);

    const saved = await session.request({ type: 'seq2seq.translate', sentences: ['i feel hungry.'], modelDir: join(outcome.runDir, 'model') });
    assert.equal(saved[0].source, 'i feel hungry.');
    assert.equal(typeof saved[0].prediction, 'string');
    // With no run in progress and no folder, there is nothing to translate with.
    const none = await rejection(session.request({ type: 'seq2seq.translate', sentences: ['hi'] }));
    assert.match(none.message, /No model is being trained/);
    assert.equal(none.wire.code, 'NO_MODEL', "the code the panel's Try a sentence waits on, for the run's stored model");
  });
});
