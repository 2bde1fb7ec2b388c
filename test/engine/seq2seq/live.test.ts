// What the extension's seq2seq flow reads from the engine besides the result: the course's
// pre-training numbers for a pair file (checkSeq2SeqFile), and the live events of a run: metrics
// and samples at the samples' cadence, the held-out loss, and the translator during training.
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { initBackend } from '../../../src/engine/backend';
import { checkSeq2SeqFile, runSeq2Seq, type Translator } from '../../../src/engine/seq2seq/run';
import type { Seq2SeqSample } from '../../../src/engine/seq2seq/types';
import type { TrainEvent } from '../../../src/engine/train/events';
import { EXAMPLES } from '../data/helpers';

const COURSE = path.join(EXAMPLES, 'course-pairs.tsv');

describe('checkSeq2SeqFile', () => {
  test("the course's four pairs: 15 and 11 words, the course's 17 and 13 with SOS and EOS, 19 and 15 with PAD and UNK", async () => {
    const c = await checkSeq2SeqFile(COURSE, {}, { displayName: 'course-pairs.tsv' });
    assert.equal(c.fileName, 'course-pairs.tsv');
    assert.deepEqual([c.pairsRead, c.pairsKept, c.skipped], [4, 4, 0]);
    assert.deepEqual([c.sourceWords, c.targetWords], [15, 11]);
    assert.deepEqual([c.sourceVocab, c.targetVocab], [19, 15]);
    assert.deepEqual([c.sourceUnknown, c.targetUnknown], [0, 0]);
    assert.deepEqual([c.testFraction, c.trainPairs, c.testPairs], [0, 4, 0], 'four pairs: measured on the training pairs');
    const lines = ['i feel hungry.\t나는 배가 고프다.', 'pytorch is very easy.\t파이토치는 매우 쉽다.', 'pytorch is a framework for deep learning.\t파이토치는 딥러닝을 위한 프레임워크이다.', 'pytorch is very clear to use.\t파이토치는 사용하기 매우 직관적이다.'];
    assert.ok(lines.includes(`${c.example.source}\t${c.example.target}`), JSON.stringify(c.example));
    assert.equal(lines.indexOf(`${c.example.source}\t${c.example.target}`) + 1, c.example.line);
  });

  test('the length limits and the minimum count change the numbers as the course would count them', async () => {
    // "pytorch is a framework for deep learning." has 7 source words: a source limit of 7 keeps pairs of at most 6.
    const c = await checkSeq2SeqFile(COURSE, { sourceMaxLength: 7 });
    assert.deepEqual([c.pairsRead, c.pairsKept, c.skipped], [4, 3, 1]);
    assert.equal(c.sourceWords, 15 - 5, 'a, framework, for, deep and learning. go; pytorch and is stay');
    const m = await checkSeq2SeqFile(COURSE, { minCount: 2 });
    // Source words seen twice or more: pytorch (3), is (3), very (2); the other 12 read as <UNK>.
    assert.deepEqual([m.sourceWords, m.sourceUnknown], [3, 12]);
    // Target: 파이토치는 (3), 매우 (2).
    assert.deepEqual([m.targetWords, m.targetUnknown], [2, 9]);
  });
});

describe('live events of a seq2seq run (wasm)', () => {
  before(async () => {
    await initBackend('wasm');
  });

  test("the course's run: metrics and samples every 1,000 steps, the four pairs as probes, the translator usable during training", async () => {
    const events: TrainEvent<Seq2SeqSample>[] = [];
    let translator: Translator | null = null;
    const during: string[] = [];
    const run = await runSeq2Seq(COURSE, { sampleEvery: 1 }, {
      onTranslator: (t) => (translator = t),
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'epochEnd' && e.epoch === 1) during.push(translator!.translate(['pytorch is very easy.'])[0].prediction);
      },
    });
    try {
      const metrics = events.filter((e) => e.type === 'metrics');
      const samples = events.filter((e) => e.type === 'samples');
      assert.deepEqual(metrics.map((e) => e.epoch), [1, 2, 3, 4, 5]);
      assert.deepEqual(samples.map((e) => e.epoch), [1, 2, 3, 4, 5]);
      // Metrics come before the samples of the same epoch, after its loss.
      const kinds = events.filter((e) => e.type !== 'batchEnd').map((e) => e.type);
      assert.deepEqual(kinds.slice(0, 4), ['start', 'epochEnd', 'metrics', 'samples']);
      const last = samples[samples.length - 1];
      assert.equal(last.samples.length, 4, 'four measured pairs: all probes, no random ones left');
      for (const s of last.samples) {
        assert.equal(s.kind, 'probe');
        assert.equal(s.prediction, s.target, `${s.source} → ${s.prediction}`);
        assert.equal(s.ended, true);
        assert.equal(s.attention, undefined, 'no attention, no weights');
      }
      const lastMetrics = metrics[metrics.length - 1];
      assert.deepEqual(lastMetrics.values, { tokenAccuracy: 1, exactMatch: 1, bleu: 1, unknownTokens: 0 });
      assert.deepEqual(run.result.test, { tokenAccuracy: 1, exactMatch: 1, bleu: 1, unknownTokens: 0 }, 'the final metrics agree with the last live ones');
      assert.equal(during.length, 1, 'translated during training');
      assert.equal(typeof during[0], 'string');
      for (const e of events) if (e.type === 'epochEnd') assert.equal(e.valLoss, null, 'no test split, no held-out loss');
    } finally {
      run.dispose();
    }
  });

  test('with a test split: a held-out loss per epoch, random held-out samples beside the probes, attention weights', async () => {
    // kor-eng.txt, 5% held out: enough test pairs for four probes and two random ones.
    const events: TrainEvent<Seq2SeqSample>[] = [];
    const run = await runSeq2Seq(path.join(EXAMPLES, 'kor-eng.txt'), { epochs: 2, batchSize: 64, optimizer: 'adam', lr: 0.001, hidden: 8, attention: 'general', sampleEvery: 1, testFraction: 0.05 }, { heldOutLoss: true, onEvent: (e) => events.push(e) });
    try {
      const epochs = events.filter((e) => e.type === 'epochEnd');
      assert.equal(epochs.length, 2);
      for (const e of epochs) assert.ok(e.valLoss !== null && Number.isFinite(e.valLoss) && e.valLoss > 0, `held-out loss ${e.valLoss}`);
      const start = events.find((e) => e.type === 'start');
      assert.equal(start?.validationExamples, run.result.testPairs);
      const samples = events.filter((e) => e.type === 'samples');
      const s = samples[0].samples;
      assert.deepEqual(s.map((x) => x.kind), ['probe', 'probe', 'probe', 'probe', 'random', 'random']);
      assert.deepEqual(s.slice(0, 4).map((x) => x.source), samples[1].samples.slice(0, 4).map((x) => x.source), 'the probes stay the same');
      for (const x of s) {
        const words = x.source.split(' ').length;
        assert.ok(x.attention && x.attention.length >= 1, 'attention weights per output step');
        for (const row of x.attention) {
          assert.equal(row.length, words + 1, 'a weight per source word and <EOS>');
          assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-4, 'weights sum to 1');
        }
      }
    } finally {
      run.dispose();
    }
  });
});
