import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRunMessage, parseRunViewState, parseSetupMessage, ProtocolError, type FormValues, type RunViewState } from '../../src/shared/protocol';
import type { ForecastResult } from '../../src/engine/forecast/types';

const values: FormValues = { target: 'Close', features: ['Open', 'Close'], seqLength: 7, hidden: 10, layers: 1, epochs: 50, batchSize: 'full', lr: 0.01, trainFraction: 0.7, horizon: 7, seed: 0, order: 'auto', missing: 'error', dateFormat: 'auto', decimalComma: false };

test('setup messages: valid ones parse to themselves', () => {
  assert.deepEqual(parseSetupMessage({ type: 'ready' }), { type: 'ready' });
  assert.deepEqual(parseSetupMessage({ type: 'start', values }), { type: 'start', values });
  assert.deepEqual(parseSetupMessage({ type: 'start', values: { ...values, batchSize: 32 } }), { type: 'start', values: { ...values, batchSize: 32 } });
});

test('setup messages: the read options, in the values and in a re-read request', () => {
  const read = { ...values, dateFormat: 'day-first', decimalComma: true } as const;
  assert.deepEqual(parseSetupMessage({ type: 'start', values: read }), { type: 'start', values: read });
  assert.deepEqual(parseSetupMessage({ type: 'preview', id: 4, read: { dateFormat: 'month-first', decimalComma: false } }), { type: 'preview', id: 4, read: { dateFormat: 'month-first', decimalComma: false } });
  assert.throws(() => parseSetupMessage({ type: 'start', values: { ...values, decimalComma: 'yes' } }), /decimalComma must be true or false/);
  assert.throws(() => parseSetupMessage({ type: 'start', values: { ...values, dateFormat: 'year-first' } }), /dateFormat must be one of auto, day-first, month-first/);
  const { decimalComma: _, ...withoutComma } = values;
  assert.throws(() => parseSetupMessage({ type: 'start', values: withoutComma }), /decimalComma must be true or false/);
  assert.throws(() => parseSetupMessage({ type: 'preview', id: 1, read: { dateFormat: 'auto' } }), /decimalComma must be true or false/);
  assert.throws(() => parseSetupMessage({ type: 'preview', id: 1, read: { dateFormat: 'auto', decimalComma: false, file: '/etc/passwd' } }), /unexpected field file/);
  assert.throws(() => parseSetupMessage({ type: 'preview', read: { dateFormat: 'auto', decimalComma: false } }), /id must be a finite number/);
  assert.throws(() => parseSetupMessage({ type: 'preview', id: 1.5, read: { dateFormat: 'auto', decimalComma: false } }), /id must be an integer/);
  assert.throws(() => parseSetupMessage({ type: 'preview', id: 1, read: { dateFormat: 'auto', decimalComma: false }, file: 'x.csv' }), /unexpected field file/);
});

test('unknown message types are rejected', () => {
  assert.throws(() => parseSetupMessage({ type: 'runShell', cmd: 'rm -rf /' }), ProtocolError);
  assert.throws(() => parseRunMessage({ type: 'start', values }), ProtocolError);
  assert.throws(() => parseRunMessage({}), ProtocolError);
  assert.throws(() => parseRunMessage(null), ProtocolError);
  assert.throws(() => parseRunMessage('ready'), ProtocolError);
  assert.throws(() => parseRunMessage([{ type: 'ready' }]), ProtocolError);
});

test('malformed fields and extra fields are rejected', () => {
  assert.throws(() => parseSetupMessage({ type: 'start', values: { ...values, epochs: '50' } }), /epochs/);
  assert.throws(() => parseSetupMessage({ type: 'start', values: { ...values, epochs: 1.5 } }), /integer/);
  assert.throws(() => parseSetupMessage({ type: 'start', values: { ...values, lr: Number.NaN } }), /finite/);
  assert.throws(() => parseSetupMessage({ type: 'start', values: { ...values, features: [1] } }), /features/);
  assert.throws(() => parseSetupMessage({ type: 'start', values: { ...values, batchSize: 'half' } }), /batchSize/);
  assert.throws(() => parseSetupMessage({ type: 'start', values: { ...values, extra: 1 } }), /unexpected field extra/);
  assert.throws(() => parseSetupMessage({ type: 'start', values: { ...values, order: 'sideways' } }), /order must be one of/);
  assert.throws(() => parseSetupMessage({ type: 'start', values: { ...values, missing: 'guess' } }), /missing must be one of/);
  assert.throws(() => parseRunMessage({ type: 'cancel', now: true }), /unexpected field/);
});

test('run messages: export images must be data URLs of the stated format', () => {
  assert.deepEqual(parseRunMessage({ type: 'exportImage', format: 'png', dataUrl: 'data:image/png;base64,AAAA' }), { type: 'exportImage', format: 'png', dataUrl: 'data:image/png;base64,AAAA' });
  assert.throws(() => parseRunMessage({ type: 'exportImage', format: 'png', dataUrl: 'file:///etc/passwd' }), ProtocolError);
  assert.throws(() => parseRunMessage({ type: 'exportImage', format: 'gif', dataUrl: 'data:image/gif;base64,' }), /format/);
  assert.deepEqual(parseRunMessage({ type: 'ping', id: 3 }), { type: 'ping', id: 3 });
  for (const type of ['ready', 'cancel', 'saveModel', 'forecastWithSaved'] as const) assert.deepEqual(parseRunMessage({ type }), { type });
});

// The state a run panel kept with setState, as the serializer hands it back after a reload.
const result: ForecastResult = {
  backend: 'wasm',
  trainSeconds: 1.5,
  finalLoss: 0.002,
  rows: 12,
  testWindows: 2,
  target: 'price <a href="https://example.test/">Session expired: sign in</a>',
  features: ['Open', 'price <a href="https://example.test/">Session expired: sign in</a>'],
  test: { rmse: 1.25, mae: 1, mape: null, mapeNote: 'MAPE is undefined: the actual value of test window 1 is 0.' },
  naive: { rmse: 2, mae: 1.5, mape: null, mapeNote: 'MAPE is undefined: the actual value of test window 1 is 0.' },
  history: [{ epoch: 1, loss: 0.5, valLoss: null }, { epoch: 2, loss: 0.25, valLoss: null }],
  testSeries: { x: ['2020-01-11', '2020-01-12'], actual: [0, 3], predicted: [1, 2], naive: [2, 0] },
  forecast: { x: ['2020-01-13T00:00:00'], values: [2.5] },
  stoppedEarly: false,
};
const RUN_DIR = '/home/u/project/.rnnlab/runs/2025-03-01T12-30-05-123Z-1';
const done: RunViewState = { runId: '2025-03-01T12-30-05-123Z', fileName: 'data/prices.csv', source: 'train', history: result.history, phase: { kind: 'done', result, runDir: RUN_DIR } };

/** `done` with one part replaced; `at` is a path of keys into it, the last one set to `value` (undefined deletes). */
function changed(at: (string | number)[], value: unknown): unknown {
  const copy = structuredClone(done) as unknown as Record<string | number, unknown>;
  let o = copy;
  for (const k of at.slice(0, -1)) o = o[k] as Record<string | number, unknown>;
  if (value === undefined) delete o[at[at.length - 1]];
  else o[at[at.length - 1]] = value;
  return copy;
}

test('restored state: every phase of a real state parses to itself', () => {
  assert.deepEqual(parseRunViewState(structuredClone(done)), done);
  // After a JSON round trip, as VS Code stores it; without a mapeNote; row numbers instead of dates; a Windows run folder.
  assert.deepEqual(parseRunViewState(JSON.parse(JSON.stringify(done))), done);
  const rows = changed(['phase', 'result', 'testSeries', 'x'], [11, 12]);
  assert.deepEqual((parseRunViewState(rows) as { phase: { result: ForecastResult } }).phase.result.testSeries.x, [11, 12]);
  const noNote = changed(['phase', 'result', 'test'], { rmse: 1, mae: 1, mape: 12.5 });
  assert.deepEqual((parseRunViewState(noNote) as { phase: { result: ForecastResult } }).phase.result.test, { rmse: 1, mae: 1, mape: 12.5 });
  for (const runDir of [null, 'C:\\Users\\u\\proj\\.rnnlab\\runs\\2025-03-01T12-30-05-123Z']) {
    assert.deepEqual(parseRunViewState(changed(['phase', 'runDir'], runDir)), { ...done, phase: { ...done.phase, runDir } });
  }
  const phases = [
    { kind: 'training', epochs: 500, backend: null },
    { kind: 'training', epochs: 500, backend: 'wasm' },
    { kind: 'failed', message: 'x.csv:4: text in a numeric column' },
    { kind: 'cancelled' },
    { kind: 'interrupted' },
  ];
  for (const phase of phases) assert.deepEqual(parseRunViewState({ ...done, source: 'saved', history: [], phase }), { ...done, source: 'saved', history: [], phase });
});

test('restored state: bad shapes are refused with the field named', () => {
  const bad: [unknown, RegExp][] = [
    [null, /state must be an object/],
    [[done], /state must be an object/],
    ['done', /state must be an object/],
    [{ ...done, extra: 1 }, /unexpected field extra/],
    [changed(['runId'], '../../x'), /runId must be a run id/],
    [changed(['runId'], 7), /runId must be a string/],
    [changed(['source'], 'remote'), /source must be one of train, saved/],
    [changed(['source'], undefined), /source must be one of/],
    [changed(['fileName'], 'x'.repeat(5000)), /fileName is too long/],
    [changed(['history'], 'all'), /history must be an array/],
    [changed(['history', 0, 'loss'], '0.5'), /loss must be a finite number/],
    [changed(['history', 0, 'loss'], null), /loss must be a finite number/],
    [changed(['history', 0, 'epoch'], -1), /epoch must not be negative/],
    [changed(['history', 0, 'script'], '<img>'), /unexpected field script/],
    [changed(['phase'], null), /phase must be an object/],
    [changed(['phase', 'kind'], 'hacked'), /unknown phase "hacked"/],
    [{ ...done, phase: { kind: 'training', epochs: 5 } }, /backend must be a string/],
    [{ ...done, phase: { kind: 'cancelled', message: 'x' } }, /unexpected field message/],
    [{ ...done, phase: { kind: 'failed' } }, /message must be a string/],
    // runDir: Save model copies out of it, Forecast with saved model reads its model.
    [changed(['phase', 'runDir'], '/home/u/.ssh'), /runDir must be a run folder \(an absolute path ending in a run id\)/],
    [changed(['phase', 'runDir'], '.rnnlab/runs/2025-03-01T12-30-05-123Z'), /runDir must be a run folder/],
    [changed(['phase', 'runDir'], '/home/u/project/.rnnlab/runs/2025-03-01T12-30-05-123Z/../../../.ssh/.rnnlab/runs/2025-03-01T12-30-05-123Z'), /runDir must be a run folder/],
    [changed(['phase', 'runDir'], '/home/u/project/.rnnlab/runs/.tmp-2025-03-01T12-30-05-123Z-ab12cd34'), /runDir must be a run folder/],
    [changed(['phase', 'runDir'], 42), /runDir must be a string/],
    [changed(['phase', 'runDir'], undefined), /runDir must be a string/],
    // result
    [changed(['phase', 'result'], undefined), /result must be an object/],
    [changed(['phase', 'result', 'target'], undefined), /target must be a string/],
    [changed(['phase', 'result', 'features'], 'Open'), /features must be an array/],
    [changed(['phase', 'result', 'features'], [1]), /features must be an array of strings/],
    [changed(['phase', 'result', 'rows'], 1.5), /rows must be an integer/],
    [changed(['phase', 'result', 'testWindows'], -2), /testWindows must not be negative/],
    [changed(['phase', 'result', 'stoppedEarly'], 'no'), /stoppedEarly must be true or false/],
    [changed(['phase', 'result', 'finalLoss'], 'low'), /finalLoss must be a finite number/],
    [changed(['phase', 'result', 'backend'], { name: 'wasm' }), /backend must be a string/],
    [changed(['phase', 'result', 'onload'], 'x'), /unexpected field onload/],
    [changed(['phase', 'result', 'test', 'rmse'], null), /rmse must be a finite number/],
    [changed(['phase', 'result', 'naive', 'mape'], '5%'), /mape must be a finite number/],
    [changed(['phase', 'result', 'naive', 'mapeNote'], 5), /mapeNote must be a string/],
    [changed(['phase', 'result', 'test', 'r2'], 0.9), /unexpected field r2/],
    [changed(['phase', 'result', 'testSeries'], null), /testSeries must be an object/],
    [changed(['phase', 'result', 'testSeries', 'x'], ['2020-01-11', '<a href="https://example.test/">x</a>']), /x must hold ISO dates or row numbers/],
    [changed(['phase', 'result', 'testSeries', 'x'], ['2020-01-11', 12]), /x must hold ISO dates or row numbers/],
    [changed(['phase', 'result', 'testSeries', 'x'], [1.5, 2]), /x must hold ISO dates or row numbers/],
    [changed(['phase', 'result', 'testSeries', 'actual'], [0, '3']), /actual must hold finite numbers/],
    [changed(['phase', 'result', 'testSeries', 'predicted'], [1]), /testSeries must have as many values as x/],
    [changed(['phase', 'result', 'testSeries', 'naive'], { length: 2 }), /naive must be an array/],
    [changed(['phase', 'result', 'forecast', 'values'], [1, 2]), /forecast must have as many values as x/],
    [changed(['phase', 'result', 'forecast', 'x'], undefined), /x must be an array/],
    [changed(['phase', 'result', 'history'], [{ epoch: 1 }]), /loss must be a finite number/],
  ];
  for (const [state, message] of bad) assert.throws(() => parseRunViewState(state), (e: Error) => e instanceof ProtocolError && message.test(e.message), `${JSON.stringify(state)?.slice(0, 200)} → ${message}`);
});

test('restored state: series longer than the cap are refused before they are walked', () => {
  const long = new Array(10_000_001).fill(1);
  assert.throws(() => parseRunViewState(changed(['history'], long)), /history is too long/);
});
