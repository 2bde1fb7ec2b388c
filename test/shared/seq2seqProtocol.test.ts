// The seq2seq pages' contract: the course's status line, token marks as token accuracy counts
// them, the presets and the form's checks from the option table, and the run-time validation of
// what the pages send and keep (a forged state naming another folder is refused).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProtocolError } from '../../src/shared/protocol';
import {
  applySeq2SeqDelta,
  boundedSeq2SeqRunState,
  courseLine,
  freshSeq2SeqRunState,
  initialSeq2SeqValues,
  mergeSeq2SeqDeltas,
  parseSeq2SeqRunMessage,
  parseSeq2SeqRunState,
  parseSeq2SeqSetupMessage,
  PRESETS,
  seq2seqFormProblems,
  seq2seqFormToOptions,
  seq2seqValuesFromRun,
  SEQ2SEQ_KEEP_POINTS,
  SEQ2SEQ_KEEP_SAMPLE_SETS,
  tokenMarks,
  type Seq2SeqRunDelta,
  type Seq2SeqRunState,
} from '../../src/shared/seq2seqProtocol';

test("the course's status line: [1000 - 20.0%] loss = 0.7401", () => {
  assert.equal(courseLine(1000, 5000, 0.74014), '[1000 - 20.0%] loss = 0.7401');
  assert.equal(courseLine(5000, 5000, 0.0123456), '[5000 - 100.0%] loss = 0.0123');
});

test('token marks: position by position against the reference, both ending in <EOS>', () => {
  const exact = tokenMarks({ target: '나는 배가 고프다.', prediction: '나는 배가 고프다.', ended: true });
  assert.deepEqual(exact.tokens.map((x) => [x.word, x.correct]), [['나는', true], ['배가', true], ['고프다.', true], ['<EOS>', true]]);
  assert.deepEqual([exact.correct, exact.total], [4, 4]);
  // One word wrong, one <UNK>, and decoding stopped at the limit (no <EOS>): 1 of 4 right.
  const off = tokenMarks({ target: '나는 배가 고프다.', prediction: '나는 <UNK> 쉽다. 쉽다.', ended: false });
  assert.deepEqual(off.tokens.map((x) => x.correct), [true, false, false, false]);
  assert.deepEqual([off.correct, off.total], [1, 4]);
  // A short prediction: the reference positions it never reached count against it.
  const short = tokenMarks({ target: 'a b c', prediction: 'a', ended: true });
  assert.deepEqual([short.correct, short.total], [1, 4]);
  assert.deepEqual(short.tokens.map((x) => x.word), ['a', '<EOS>']);
});

test("the form starts on the course's preset; the presets fill what the issue lists", () => {
  const v = initialSeq2SeqValues({ testFraction: 0 });
  assert.deepEqual(
    [v.hidden, v.optimizer, v.lr, v.iterations, v.batchSize, v.teacherForcing, v.attention, v.sourceMaxLength, v.targetMaxLength, v.epochs],
    [16, 'sgd', 0.01, 5000, 1, 1, 'none', 10, 12, null],
  );
  assert.deepEqual(seq2seqFormProblems(v), []);
  assert.deepEqual(seq2seqFormToOptions(v).epochs, undefined, 'no epochs: the course trains by iterations');
  const batched = { ...v, ...PRESETS.batched };
  assert.deepEqual([batched.hidden, batched.optimizer, batched.lr, batched.batchSize, batched.epochs], [256, 'adam', 0.001, 64, 20]);
  assert.equal(seq2seqFormToOptions(batched).epochs, 20);
  const attention = { ...v, ...PRESETS.attention };
  assert.deepEqual([attention.hidden, attention.attention, attention.teacherForcing, attention.epochs], [256, 'general', 0.5, 20]);
  assert.equal(initialSeq2SeqValues({ testFraction: 0.1 }).testFraction, 0.1, 'the file’s automatic split');
});

test("the form's checks are the table's bounds, in the form's words", () => {
  const v = { ...initialSeq2SeqValues(null), lr: 10, teacherForcing: 1.5 };
  assert.deepEqual(seq2seqFormProblems(v), [
    { option: 'lr', message: 'Learning rate must be a number above 0 and below 10, got 10.' },
    { option: 'teacherForcing', message: 'Teacher forcing must be a number from 0 to 1, got 1.5.' },
  ]);
});

test('messages from the pages are checked: unknown types and fields, wrong types, long sentences', () => {
  const values = initialSeq2SeqValues(null);
  assert.deepEqual(parseSeq2SeqSetupMessage({ type: 'check', id: 3, values }), { type: 'check', id: 3, values });
  assert.throws(() => parseSeq2SeqSetupMessage({ type: 'start', values: { ...values, hidden: '16' } }), ProtocolError);
  assert.throws(() => parseSeq2SeqSetupMessage({ type: 'start', values: { ...values, extra: 1 } }), /unexpected field extra/);
  assert.throws(() => parseSeq2SeqSetupMessage({ type: 'start', values: { ...values, attention: 'bahdanau' } }), /attention must be one of none, dot, general/);
  assert.deepEqual(parseSeq2SeqRunMessage({ type: 'translate', id: 1, sentence: 'pytorch is very easy.' }), { type: 'translate', id: 1, sentence: 'pytorch is very easy.' });
  assert.throws(() => parseSeq2SeqRunMessage({ type: 'translate', id: 1, sentence: 'x'.repeat(2001) }), /too long/);
  assert.throws(() => parseSeq2SeqRunMessage({ type: 'export', format: 'xlsx' }), ProtocolError);
  assert.throws(() => parseSeq2SeqRunMessage({ type: 'eval' }), /unknown message type/);
});

function state(): Seq2SeqRunState {
  return {
    runId: '2026-12-01T15-00-00-000Z',
    fileName: 'course-pairs.tsv',
    totalSteps: 5000,
    courseMode: true,
    measuredOn: 'train',
    attention: false,
    step: 5000,
    elapsedSeconds: 2,
    loss: [{ step: 100, value: 2.5 }],
    reports: [{ step: 1000, value: 0.74 }],
    heldOut: [],
    metrics: [{ step: 1000, tokenAccuracy: 0.5, exactMatch: 0.25, bleu: 0.1 }],
    samples: [{ step: 1000, samples: [{ source: '<img src=x onerror=alert(1)>', target: 'b', prediction: 'b', ended: true, kind: 'probe' }] }],
    phase: { kind: 'done', runDir: '/ws/.rnnlab/runs/2026-12-01T15-00-00-000Z', tokenAccuracy: 1, exactMatch: 1, bleu: 1, trainSeconds: 2 },
  };
}

test('a restored state is validated like a message: a run folder elsewhere, or a field too many, is refused', () => {
  assert.deepEqual(parseSeq2SeqRunState(JSON.parse(JSON.stringify(state()))), state());
  const elsewhere = state();
  (elsewhere.phase as { runDir: string }).runDir = '/home/me/secrets';
  assert.throws(() => parseSeq2SeqRunState(elsewhere), /runDir must be a run folder/);
  assert.throws(() => parseSeq2SeqRunState({ ...state(), script: 'x' }), /unexpected field script/);
  const bad = state();
  (bad.samples[0].samples[0] as { attention?: unknown }).attention = [[0.5, 'x']];
  assert.throws(() => parseSeq2SeqRunState(bad), /attention rows must hold finite numbers/);
});

const fresh = (): Seq2SeqRunState => freshSeq2SeqRunState({ runId: '2025-03-01T12-30-05-123Z', fileName: 'a.tsv', totalSteps: 0, courseMode: true, measuredOn: 'test', attention: false, phase: { kind: 'training' } });

test('a delta adds its points and moves step and time; two deltas merged add what both did, in order', () => {
  const a: Seq2SeqRunDelta = { step: 10, elapsedSeconds: 1, loss: [{ step: 10, value: 2 }] };
  const b: Seq2SeqRunDelta = { step: 20, loss: [{ step: 20, value: 1.5 }], reports: [{ step: 20, value: 1.75 }], metrics: [{ step: 20, tokenAccuracy: 0.5, exactMatch: 0, bleu: 0.25 }] };
  const one = fresh();
  applySeq2SeqDelta(one, a);
  applySeq2SeqDelta(one, b);
  const merged = fresh();
  applySeq2SeqDelta(merged, mergeSeq2SeqDeltas(a, b));
  assert.deepEqual(merged, one);
  assert.deepEqual([one.step, one.elapsedSeconds], [20, 1]);
  assert.deepEqual(one.loss, [{ step: 10, value: 2 }, { step: 20, value: 1.5 }]);
  assert.deepEqual(one.reports, [{ step: 20, value: 1.75 }]);
  assert.equal(one.metrics.length, 1);
  assert.deepEqual(mergeSeq2SeqDeltas(a, b).loss, [{ step: 10, value: 2 }, { step: 20, value: 1.5 }]);
});

test('a long run keeps its series bounded, spike included, whether the points came one by one or a second at a time', () => {
  const live = fresh();
  const batched = fresh();
  let pending: Seq2SeqRunDelta = {};
  for (let step = 1; step <= 100_000; step++) {
    const d: Seq2SeqRunDelta = { step, loss: [{ step, value: step === 76_543 ? 50 : 1 + Math.sin(step) / 10 }] };
    if (step % 1000 === 0) d.samples = [{ step, samples: [] }];
    applySeq2SeqDelta(live, d);
    pending = mergeSeq2SeqDeltas(pending, d);
    if (step % 10 === 0) {
      applySeq2SeqDelta(batched, pending);
      pending = {};
    }
  }
  assert.ok(live.loss.length <= 2 * SEQ2SEQ_KEEP_POINTS, `${live.loss.length} loss points kept of 100,000`);
  assert.ok(live.samples.length <= 2 * SEQ2SEQ_KEEP_SAMPLE_SETS, `${live.samples.length} sample sets kept of 100`);
  assert.ok(live.loss.some((p) => p.value === 50), 'the spike survives');
  assert.deepEqual([live.loss[0].step, live.loss.at(-1)?.step], [1, 100_000], 'the first and the last point');
  assert.deepEqual(batched, live, 'the page (batched messages) keeps what the host keeps');
  assert.ok(JSON.stringify(live).length < 200_000, 'the kept state stays small');
});

test('a restored state larger than the bounds is thinned to them; one within them comes back as it was', () => {
  const big = fresh();
  big.loss = Array.from({ length: 10_000 }, (_, i) => ({ step: i + 1, value: i === 4321 ? -1 : 1 }));
  const bounded = boundedSeq2SeqRunState(big);
  assert.ok(bounded.loss.length <= SEQ2SEQ_KEEP_POINTS + 2, `${bounded.loss.length} points`);
  assert.ok(bounded.loss.some((p) => p.value === -1), 'the dip survives');
  const small = fresh();
  small.loss = [{ step: 1, value: 3 }, { step: 2, value: 2 }];
  assert.deepEqual(boundedSeq2SeqRunState(small), small);
});

test('Re-run with the Same Config: a stored run.json config gives back the form it was trained from, by iterations or by epochs', async () => {
  const { resolveSeq2SeqOptions } = await import('../../src/engine/seq2seq/run');
  const base = initialSeq2SeqValues({ testFraction: 0 });
  const byEpochs = { ...base, ...PRESETS.attention, seed: 7, minCount: 2, reverse: true, testFraction: 0.2 };
  const byIterations = { ...base, hidden: 32, iterations: 1234, lr: 0.05 };
  for (const v of [byEpochs, byIterations]) {
    // What the worker stores: the resolved options, through JSON.
    const config = JSON.parse(JSON.stringify(resolveSeq2SeqOptions(seq2seqFormToOptions(v))));
    assert.deepEqual(seq2seqValuesFromRun(base, config), v);
  }
  assert.equal(seq2seqValuesFromRun({ ...base, epochs: 20 }, { hidden: 64 }).epochs, null, 'a run by iterations is re-run by iterations');
});

test('Re-run with the Same Config: values a hand-edited run.json got wrong keep the form’s', () => {
  const base = initialSeq2SeqValues({ testFraction: 0 });
  const v = seq2seqValuesFromRun(base, { hidden: 'big', lr: -1, optimizer: 'rmsprop', attention: 'general', epochs: 3, unknown: 1 });
  assert.equal(v.hidden, base.hidden);
  assert.equal(v.lr, base.lr);
  assert.equal(v.optimizer, base.optimizer);
  assert.equal(v.attention, 'general');
  assert.equal(v.epochs, 3);
  assert.equal(seq2seqFormProblems(v).length, 0);
});
