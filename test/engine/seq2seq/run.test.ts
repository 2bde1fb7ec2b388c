// The seq2seq flow end to end on the course's four pairs (lab 11-5): exact translations after the
// course's training, seeded reproducibility, save → load, unknown words, the test split, no tensor
// growth across epochs, cancel and non-finite-loss handling, and a malformed pairs file.
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../src/engine/backend';
import { runSeq2Seq, loadTranslator, prepareSeq2SeqData, resolveSeq2SeqOptions } from '../../../src/engine/seq2seq/run';
import { RnnLabError } from '../../../src/engine/errors';
import { UNK } from '../../../src/engine/data/vocab';
import type { SentencePair } from '../../../src/engine/data/pairs';
import { FILES } from '../data/helpers';

const COURSE = path.join(__dirname, 'files', 'course.txt');

async function rejectsWith(p: Promise<unknown>, code: string): Promise<RnnLabError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof RnnLabError, `expected an RnnLabError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    return e;
  }
  assert.fail(`expected ${code}`);
}

describe('seq2seq run (wasm)', () => {
  before(async () => {
    await initBackend('wasm');
  });

  test("the course's settings translate all four pairs exactly; save → load translates the same", async () => {
    // Defaults are the course's: hidden 16, SGD lr 0.01, 5,000 batch-1 iterations, teacher forcing 1.
    const run = await runSeq2Seq(COURSE, {});
    const r = run.result;
    assert.equal(r.pairs, 4);
    assert.equal(r.measuredOn, 'train', 'four pairs: measured on the training pairs, as the course');
    assert.equal(r.steps, 5000);
    assert.deepEqual(r.test, { tokenAccuracy: 1, exactMatch: 1, bleu: 1, unknownTokens: 0 });
    for (const s of r.samples) assert.equal(s.prediction, s.target);
    assert.equal(r.sourceVocab, 17 + 2); // the course's 17 (incl. SOS, EOS) + PAD, UNK
    assert.equal(r.targetVocab, 13 + 2);
    assert.ok(r.finalLoss < 0.05, `final loss ${r.finalLoss}`);

    const sentences = ['I feel hungry.', 'Pytorch is very easy.', 'pytorch is very   tired.', 'Zebras feel hungry.'];
    const before = run.translator.translate(sentences);
    assert.equal(before[0].prediction, '나는 배가 고프다.');
    assert.deepEqual(before[0].unknown, []);
    assert.deepEqual(before[2].unknown, ['tired.']);
    assert.deepEqual(before[3].unknown, ['zebras']);

    const dir = await mkdtemp(path.join(tmpdir(), 'rnn-lab-s2s-'));
    try {
      await run.save(path.join(dir, 'model'));
      const loaded = await loadTranslator(path.join(dir, 'model'));
      assert.deepEqual(loaded.translate(sentences), before);
      assert.equal(loaded.sourceVocab.index('zebras'), UNK);
      loaded.dispose();
    } finally {
      await rm(dir, { recursive: true, force: true });
      run.dispose();
    }
  });

  test('the same seed gives the same numbers; another seed does not', async () => {
    const go = async (seed: number) => {
      const run = await runSeq2Seq(COURSE, { iterations: 300, seed });
      run.dispose();
      return run.result.history.map((h) => h.loss);
    };
    const a = await go(7);
    assert.deepEqual(await go(7), a);
    assert.notDeepEqual(await go(8), a);
  });

  test('mini-batches over epochs: tf.memory().numTensors is the same after every epoch', async () => {
    const counts: number[] = [];
    const run = await runSeq2Seq(
      COURSE,
      { epochs: 6, batchSize: 3, optimizer: 'adam', lr: 0.01, teacherForcing: 0.5, attention: 'general', sampleEvery: 2 },
      { onEvent: (e) => e.type === 'epochEnd' && counts.push(tf.memory().numTensors) },
    );
    run.dispose();
    assert.equal(counts.length, 6);
    assert.ok(counts.every((c) => c === counts[0]), `tensor counts ${counts}`);
    assert.equal(run.result.steps, 12); // 2 batches (3 + 1 pairs) per epoch
  });

  test('a cancel via AbortSignal rejects with CANCELLED and leaves no tensors behind', async () => {
    const before = tf.memory().numTensors;
    const ac = new AbortController();
    await rejectsWith(
      runSeq2Seq(COURSE, { iterations: 5000 }, { signal: ac.signal, onEvent: (e) => e.type === 'batchEnd' && e.step === 10 && ac.abort() }),
      'CANCELLED',
    );
    assert.equal(tf.memory().numTensors, before);
  });

  test('a learning rate past the bound of the table fails before training, naming --lr and its default', async () => {
    // It used to reach training (1e30 overflows float32 and stopped with NON_FINITE_LOSS); lr is
    // now below 10 on every surface. The trainer's NON_FINITE_LOSS hint is tested in forecast/run.test.ts.
    const e = await rejectsWith(runSeq2Seq(COURSE, { iterations: 100, lr: 1e30 }), 'BAD_OPTION');
    assert.equal(e.toString(), '--lr must be a number above 0 and below 10, got 1e+30. The default is --lr 0.01.');
    assert.equal(e.option, 'lr');
    assert.deepEqual(e.suggest, { option: 'lr', value: 0.01 });
  });

  test('a malformed pairs file fails with BAD_PAIRS naming the line', async () => {
    const e = await rejectsWith(runSeq2Seq(path.join(FILES, 'pairs_no_tab.txt'), { iterations: 1 }), 'BAD_PAIRS');
    assert.equal(e.location.line, 2);
    assert.ok(e.message.includes(path.join(FILES, 'pairs_no_tab.txt')), e.message);
    const named = await rejectsWith(runSeq2Seq(path.join(FILES, 'pairs_no_tab.txt'), { iterations: 1 }, { displayName: 'data/pairs.txt' }), 'BAD_PAIRS');
    assert.ok(named.message.includes('data/pairs.txt') && !named.message.includes(FILES), named.message);
  });

  test('bad options fail before training', () => {
    assert.throws(() => resolveSeq2SeqOptions({ teacherForcing: 2 }), /teacher-forcing/);
    assert.throws(() => resolveSeq2SeqOptions({ batchSize: 0 }), /batch-size/);
    assert.throws(() => resolveSeq2SeqOptions({ testFraction: 1 }), /test-fraction/);
  });
});

describe('prepareSeq2SeqData', () => {
  const pairs: SentencePair[] = Array.from({ length: 205 }, (_, i) => ({ source: [`s${i}`, 'x'], target: [`t${i % 50}`], line: i + 1 }));

  test('defaults to a 10% seeded test split for 100+ pairs (Python rounding), 0 below', () => {
    const d = prepareSeq2SeqData(pairs, resolveSeq2SeqOptions({}));
    assert.equal(d.test.length, 20); // round(20.5) = 20, as Python's round
    assert.equal(d.train.length, 185);
    assert.equal(d.measuredOn, 'test');
    assert.equal(d.sourceVocab.size, 4 + 206, 'vocabularies span all pairs');
    const again = prepareSeq2SeqData(pairs, resolveSeq2SeqOptions({}));
    assert.deepEqual(again.test.map((p) => Array.from(p.source)), d.test.map((p) => Array.from(p.source)));
    const other = prepareSeq2SeqData(pairs, resolveSeq2SeqOptions({ seed: 1 }));
    assert.notDeepEqual(other.test.map((p) => Array.from(p.source)), d.test.map((p) => Array.from(p.source)));
    const small = prepareSeq2SeqData(pairs.slice(0, 50), resolveSeq2SeqOptions({}));
    assert.equal(small.test.length, 0);
    assert.equal(small.measuredOn, 'train');
    assert.equal(small.measured.length, 50);
  });

  test('a split that leaves no test or no training pair is an error with a hint', () => {
    assert.throws(() => prepareSeq2SeqData(pairs.slice(0, 4), resolveSeq2SeqOptions({ testFraction: 0.1 })), /test-fraction 0/);
  });
});

test('testFile: its pairs are the test set (once per occurrence), the rest train; unknown pairs are an error', () => {
  const words = (s: string) => s.split(' ');
  const pair = (s: string, t: string, line: number) => ({ source: words(s), target: words(t), line });
  const pairs = [pair('a b', 'x', 1), pair('c', 'y', 2), pair('a b', 'x', 3), pair('d', 'z', 4)];
  const o = resolveSeq2SeqOptions({});
  const data = prepareSeq2SeqData(pairs, o, { file: 'held.txt', pairs: [pair('a b', 'x', 1)] });
  assert.equal(data.test.length, 1, 'one occurrence held out, the duplicate still trains');
  assert.equal(data.train.length, 3);
  assert.equal(data.measuredOn, 'test');
  assert.deepEqual(data.measured.map((m) => m.pair.line), [1]);
  assert.throws(
    () => prepareSeq2SeqData(pairs, o, { file: 'held.txt', pairs: [pair('q', 'r', 1)] }),
    (e: Error & { code?: string; hint?: string }) => e.code === 'BAD_OPTION' && /held\.txt/.test(e.message) && /taken from the training file/.test(e.hint ?? ''),
  );
});
