// Export of the training panel's samples and metrics: the CSV byte for byte (quoting, a cell a
// spreadsheet would run as a formula defused, <EOS> shown, correct tokens counted), and the JSON.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { samplesCsv, samplesJson } from '../../../../src/extension/flows/seq2seq/exportFormat';
import type { Seq2SeqRunState } from '../../../../src/shared/seq2seqProtocol';

const STATE: Seq2SeqRunState = {
  runId: '2026-12-01T15-00-00-000Z',
  fileName: 'pairs.tsv',
  totalSteps: 2000,
  courseMode: true,
  measuredOn: 'train',
  attention: false,
  step: 2000,
  elapsedSeconds: 1,
  loss: [],
  reports: [],
  heldOut: [],
  metrics: [{ step: 1000, tokenAccuracy: 0.75, exactMatch: 0.5, bleu: 0.25 }],
  samples: [
    {
      step: 1000,
      samples: [
        { source: 'i feel hungry.', target: '나는 배가 고프다.', prediction: '나는 배가 고프다.', ended: true, kind: 'probe' },
        { source: '=cmd()', target: 'say "hi", ok', prediction: '<UNK>', ended: false, kind: 'random' },
      ],
    },
    { step: 2000, samples: [] },
  ],
  phase: { kind: 'training' },
};

test('CSV: one row per sample with its step’s metrics, quoted as RFC 4180, formulas defused', () => {
  assert.equal(
    samplesCsv(STATE),
    'step,token_accuracy,exact_match,bleu,kind,source,reference,prediction,correct_tokens,reference_tokens\r\n' +
      '1000,0.75,0.5,0.25,probe,i feel hungry.,나는 배가 고프다.,나는 배가 고프다. <EOS>,4,4\r\n' +
      `1000,0.75,0.5,0.25,random,'=cmd(),"say ""hi"", ok",<UNK>,0,4\r\n`,
  );
});

test('JSON: the metrics curve and every sample set, with what they were measured on', () => {
  const j = JSON.parse(samplesJson(STATE));
  assert.deepEqual(Object.keys(j), ['file', 'runId', 'measuredOn', 'metrics', 'samples']);
  assert.equal(j.measuredOn, 'train');
  assert.deepEqual(j.samples, STATE.samples);
});
