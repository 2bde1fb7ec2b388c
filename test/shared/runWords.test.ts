// How a run's training reads in the Runs tree while it trains or after it stopped: epochs out of the
// epochs, or, for a seq2seq run trained by iterations (the course's mode, which has no epochs), its
// step out of the iterations, with its metrics lines counted as reports; in English and in Korean.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../engine/data/helpers';
import { trainingWords, type MetricsLine, type RunStatus } from '../../src/shared/runs';
import { english, type Words } from '../../src/shared/options';

const bundleKo: Record<string, string> = JSON.parse(readFileSync(path.join(ROOT, 'l10n/bundle.l10n.ko.json'), 'utf8'));
const KO: Words = { t: (m, ...a) => english(bundleKo[m] ?? `[untranslated] ${m}`, ...a), table: (s) => bundleKo[s] ?? `[untranslated] ${s}` };

const line = (step: number, epoch: number, loss: number): MetricsLine => ({ step, epoch, t: 1, loss });

test('a seq2seq run trained by iterations (no epochs) reads its step out of the iterations, and its lines as reports', () => {
  const run = { kind: 'seq2seq' as const, status: 'running' as RunStatus, config: { hidden: 16, iterations: 5000, batchSize: 1 } };
  assert.deepEqual(trainingWords(run, line(3000, 3, 2.345678), 3, english), { progress: 'step 3,000/5,000 · loss 2.346', logged: '3 reports logged' });
  // Interrupted: no progress, the reports so far.
  assert.deepEqual(trainingWords({ ...run, status: 'interrupted' }, line(3000, 3, 2.3), 3, english), { progress: '', logged: '3 reports logged' });
  assert.deepEqual(trainingWords(run, null, 0, english), { progress: '', logged: '' });
  assert.deepEqual(trainingWords(run, line(3000, 3, 2.345678), 3, KO.t), { progress: '스텝 3,000/5,000 · 손실 2.346', logged: '기록된 보고 3개' });
});

test('a seq2seq run by epochs and a forecast run read epochs out of the epochs, as before', () => {
  const seq = { kind: 'seq2seq' as const, status: 'running' as RunStatus, config: { epochs: 20, iterations: 5000 } };
  assert.deepEqual(trainingWords(seq, line(640, 4, 1.5), 4, english), { progress: 'epoch 4/20 · loss 1.500', logged: '4 epochs logged' });
  const forecast = { kind: 'forecast' as const, status: 'running' as RunStatus, config: { epochs: 500, seqLength: 7 } };
  assert.deepEqual(trainingWords(forecast, line(12, 12, 0.01234), 12, english), { progress: 'epoch 12/500 · loss 0.01234', logged: '12 epochs logged' });
  // A hand-edited run.json without epochs still reads, with the total unknown.
  assert.equal(trainingWords({ ...forecast, config: {} }, line(1, 1, 1), 1, english).progress, 'epoch 1/? · loss 1.000');
  assert.equal(trainingWords({ ...forecast, status: 'failed' }, line(12, 12, 0.01), 12, english).progress, '');
});
