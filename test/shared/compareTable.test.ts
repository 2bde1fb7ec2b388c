// Compare Runs' table: each option by its setup form's label, each headline figure by its name and
// in the units the rest of the extension shows it (accuracy and exact match in percent, BLEU-4 from
// 0 to 100), the run.json key kept with each row; in English and in Korean through the bundle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../engine/data/helpers';
import { compareRows, type CompareTableRun } from '../../src/shared/compareTable';
import type { RunStatus } from '../../src/shared/runs';
import { english, ENGLISH_WORDS, type Words } from '../../src/shared/options';

const bundleKo: Record<string, string> = JSON.parse(readFileSync(path.join(ROOT, 'l10n/bundle.l10n.ko.json'), 'utf8'));
const KO: Words = { t: (m, ...a) => english(bundleKo[m] ?? `[untranslated] ${m}`, ...a), table: (s) => bundleKo[s] ?? `[untranslated] ${s}` };

const forecastRun = (seqLength: number, headline: CompareTableRun['headline'], status: RunStatus = 'done'): CompareTableRun => ({
  kind: 'forecast',
  status,
  config: { target: 'Close', seqLength, hidden: 10, epochs: 500, batchSize: 'full' },
  headline,
});

test('Compare Runs: forecast figures by name, then the status, then each option by its form label, with its run.json key', () => {
  const rows = compareRows([forecastRun(7, { rmse: 9.8765, naiveRmse: 7.97 }), forecastRun(5, { rmse: 8.5, naiveRmse: 7.97 })], ENGLISH_WORDS);
  assert.deepEqual(
    rows.map((r) => [r.key, r.label, r.values, r.differs, r.figure]),
    [
      ['rmse', 'Test RMSE', ['9.877', '8.500'], true, true],
      ['naiveRmse', 'Persistence RMSE', ['7.970', '7.970'], false, true],
      ['status', 'Status', ['done', 'done'], false, false],
      ['target', 'Target column', ['Close', 'Close'], false, false],
      ['seqLength', 'seq_length', ['7', '5'], true, false],
      ['hidden', 'Hidden size', ['10', '10'], false, false],
      ['epochs', 'Epochs', ['500', '500'], false, false],
      ['batchSize', 'Batch size', ['full', 'full'], false, false],
    ],
  );
  const ko = compareRows([forecastRun(7, { rmse: 1, naiveRmse: null }, 'failed'), forecastRun(5, { rmse: 1, naiveRmse: 2 })], KO);
  assert.deepEqual(
    ko.slice(0, 5).map((r) => [r.key, r.label, r.values]),
    [
      ['rmse', '테스트 RMSE', ['1.000', '1.000']],
      ['naiveRmse', '지속성 기준선 RMSE', ['—', '2.000']],
      ['status', '상태', ['실패', '완료']],
      ['target', bundleKo['Target column'], ['Close', 'Close']],
      ['seqLength', 'seq_length', ['7', '5']],
    ],
  );
  assert.ok(!ko.some((r) => r.label.includes('[untranslated]')), JSON.stringify(ko.map((r) => r.label)));
});

test('Compare Runs: seq2seq figures in percent (BLEU-4 from 0 to 100), held out or on the training pairs', () => {
  const run = (testFraction: number, headline: CompareTableRun['headline']): CompareTableRun => ({ kind: 'seq2seq', status: 'done', config: { hidden: 16, iterations: 5000, testFraction, attention: 'none' }, headline });
  const a = { tokenAccuracy: 0.625, bleu: 0.3141, exactMatch: 0.25 };
  const b = { tokenAccuracy: 0.5, bleu: 0.2, exactMatch: null };
  const held = compareRows([run(0.1, a), run(0.1, b)], ENGLISH_WORDS);
  assert.deepEqual(
    held.map((r) => [r.key, r.label, r.values]),
    [
      ['tokenAccuracy', 'Held-out token accuracy', ['62.5%', '50.0%']],
      ['exactMatch', 'Held-out exact match', ['25.0%', '—']],
      ['bleu', 'Held-out BLEU-4', ['31.4', '20.0']],
      ['status', 'Status', ['done', 'done']],
      ['hidden', 'Hidden size', ['16', '16']],
      ['iterations', 'Iterations', ['5000', '5000']],
      ['testFraction', 'Test fraction', ['0.1', '0.1']],
      ['attention', 'Attention', ['none', 'none']],
    ],
  );
  assert.deepEqual(compareRows([run(0, a), run(0, a)], ENGLISH_WORDS).slice(0, 3).map((r) => r.label), ['Token accuracy (training pairs)', 'Exact match (training pairs)', 'BLEU-4 (training pairs)']);
  // Mixed: each run says where it was measured.
  const mixed = compareRows([run(0, a), run(0.1, a)], ENGLISH_WORDS);
  assert.deepEqual(mixed[0], { key: 'tokenAccuracy', label: 'Token accuracy', values: ['62.5% (training pairs)', '62.5%'], differs: true, figure: true });
  assert.deepEqual(compareRows([run(0, a), run(0.1, a)], KO).slice(0, 3).map((r) => r.label), ['토큰 정확도', '완전 일치', 'BLEU-4 점수']);
  assert.deepEqual(compareRows([run(0.1, a), run(0.1, b)], KO)[2].label, '검증 쌍 BLEU-4 점수');
});

test('Compare Runs: a saved model applied to a file, and keys no table knows', () => {
  const saved = (modelDir: string): CompareTableRun => ({ kind: 'saved-model', status: 'done', config: { modelDir, myNote: 'x' }, headline: { rmse: 2, naiveRmse: 3, extra: 0.5 } });
  const rows = compareRows([saved('/a/model'), saved('/b/model')], ENGLISH_WORDS);
  assert.deepEqual(
    rows.map((r) => [r.key, r.label, r.differs, r.figure]),
    [
      ['rmse', 'RMSE over every window', false, true],
      ['naiveRmse', 'Persistence RMSE over every window', false, true],
      ['extra', 'extra', false, true],
      ['status', 'Status', false, false],
      ['modelDir', 'Model folder', true, false],
      ['myNote', 'myNote', false, false],
    ],
  );
  // A key named like an inherited property is no option.
  assert.equal(compareRows([{ ...saved('/a'), config: { constructor: 1 } }], ENGLISH_WORDS).at(-1)!.label, 'constructor');
  assert.deepEqual(compareRows([], ENGLISH_WORDS), []);
});
