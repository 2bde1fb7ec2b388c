// Translation metrics on hand-checkable cases: corpus BLEU-4 (Papineni et al.) and the position-wise
// token accuracy / exact match of bench/reference/seq2seq_batched.py.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { corpusBleu, translationAccuracy } from '../../../src/engine/metrics';

const w = (s: string) => (s === '' ? [] : s.split(' '));

describe('corpusBleu', () => {
  test('identical sentences score 1', () => {
    assert.equal(corpusBleu([w('a b c d')], [w('a b c d')]), 1);
  });

  test('a correct but short candidate pays the brevity penalty exp(1 − r/c)', () => {
    // every n-gram precision is 1; c = 4, r = 6
    assert.ok(Math.abs(corpusBleu([w('a b c d e f')], [w('a b c d')]) - Math.exp(1 - 6 / 4)) < 1e-12);
  });

  test('no matching 4-gram gives 0 (no smoothing); an empty candidate gives 0', () => {
    assert.equal(corpusBleu([w('a b c d')], [w('a b d c')]), 0);
    assert.equal(corpusBleu([w('a b c d')], [w('')]), 0);
  });

  test('clipped counts: "the the the the the the the" vs "the cat is on the mat" has unigram precision 2/7', () => {
    assert.ok(Math.abs(corpusBleu([w('the cat is on the mat')], [w('the the the the the the the')], 1) - 2 / 7) < 1e-12);
  });

  test('counts are pooled over the corpus before the geometric mean', () => {
    // sentence 1 identical (4, 3, 2, 1 matches of 4, 3, 2, 1); sentence 2 "e f g x" vs "e f g h" (3, 2, 1, 0 of 4, 3, 2, 1)
    const expected = Math.pow((7 / 8) * (5 / 6) * (3 / 4) * (1 / 2), 1 / 4);
    const got = corpusBleu([w('a b c d'), w('e f g h')], [w('a b c d'), w('e f g x')]);
    assert.ok(Math.abs(got - expected) < 1e-12, `${got} vs ${expected}`);
    // …which differs from the mean of sentence BLEUs (1 and 0)
    assert.notEqual(got, 0.5);
  });

  test('works on token ids too', () => {
    assert.equal(corpusBleu([[4, 5, 6, 7]], [[4, 5, 6, 7]]), 1);
  });
});

describe('translationAccuracy (EOS = 1)', () => {
  test('position-wise against reference + <EOS>; nothing after a predicted <EOS> counts', () => {
    const r = translationAccuracy(
      [[5, 6, 1], [5, 6, 7, 1], [5, 1]],
      [
        [5, 6, 1], // 3/3, exact
        [5, 1, 7, 1], // 5 ✓, then <EOS> where 6 was due ✗; the 7 and <EOS> after it never count: 1/4
        [5, 6, 6], // stopped at the step limit without <EOS>: 1/2
      ],
      1,
    );
    assert.equal(r.correct, 5);
    assert.equal(r.total, 9);
    assert.equal(r.exact, 1);
    assert.equal(r.tokenAccuracy, 5 / 9);
    assert.equal(r.exactMatch, 1 / 3);
  });

  test('a prediction longer than its reference is exact when it stops with <EOS> at the right place', () => {
    assert.equal(translationAccuracy([[4, 1]], [[4, 1, 9, 9]], 1).exactMatch, 1);
    assert.equal(translationAccuracy([[4, 1]], [[4, 9, 1]], 1).exactMatch, 0);
  });
});
