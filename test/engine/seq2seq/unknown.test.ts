// <UNK> never counts as correct: a reference word the vocabulary left out cannot be matched, not
// even by a predicted <UNK>, in token accuracy, exact match or BLEU; the metrics say how many
// reference tokens are <UNK>. With --min-count so high that every word is <UNK>, only the <EOS>
// tokens can score (the issue saw 81.9% token accuracy there).
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { initBackend } from '../../../src/engine/backend';
import { translationAccuracy } from '../../../src/engine/metrics';
import { runSeq2Seq } from '../../../src/engine/seq2seq/run';
import { cli, ensureCliBuilt, lastJsonLine } from '../../helpers/cli';

const COURSE = path.join(__dirname, 'files', 'course.txt');
const EOS = 1;
const UNK = 3;

describe('<UNK> in the translation metrics', () => {
  before(async () => {
    ensureCliBuilt();
    await initBackend('wasm');
  });

  test('a reference <UNK> is never correct, even against a predicted <UNK>', () => {
    // Sentence 1: [5, UNK, EOS] predicted [5, UNK, EOS]: 2 of 3 correct, not exact.
    // Sentence 2: [6, EOS] predicted [6, EOS]: 2 of 2, exact.
    const r = translationAccuracy([[5, UNK, EOS], [6, EOS]], [[5, UNK, EOS], [6, EOS]], EOS, UNK);
    assert.deepEqual(r, { tokenAccuracy: 4 / 5, exactMatch: 1 / 2, correct: 4, total: 5, exact: 1, unknown: 1 });
    // Without an unk id (the default) every token compares as it is.
    assert.equal(translationAccuracy([[5, UNK, EOS]], [[5, UNK, EOS]], EOS).tokenAccuracy, 1);
  });

  test('--min-count 100 on the course pairs: every target word is <UNK>, only <EOS> can score', async () => {
    const run = await runSeq2Seq(COURSE, { minCount: 100, iterations: 300 });
    run.dispose();
    const t = run.result.test;
    // The four targets have 3 + 3 + 4 + 4 words (14 tokens, all <UNK>) and 4 <EOS>.
    assert.equal(t.unknownTokens, 14);
    assert.ok(t.tokenAccuracy <= 4 / 18, `token accuracy ${t.tokenAccuracy}`);
    assert.equal(t.exactMatch, 0);
    assert.equal(t.bleu, 0);
    const r = await cli(['seq2seq', COURSE, '--min-count', '100', '--iterations', '300']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /14 reference tokens are <UNK> \(words rarer than --min-count 100\) and never count as correct\./);
    const j = await cli(['seq2seq', COURSE, '--min-count', '100', '--iterations', '300', '--json']);
    assert.equal((lastJsonLine(j.stdout).test as { unknownTokens: number }).unknownTokens, 14);
  });
});
