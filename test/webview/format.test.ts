// The run panel's words and numbers (src/webview/format.ts): number formatting, the verdict
// against persistence, and the line under the metrics, for a training run and for a saved model
// applied to a file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fmt, runInfo, verdict } from '../../src/webview/format';
import type { ForecastResult } from '../../src/engine/forecast/types';

function result(rmse: number, naiveRmse: number, extra: Partial<ForecastResult> = {}): ForecastResult {
  return {
    backend: 'wasm',
    trainSeconds: 1.26,
    finalLoss: 0.00123,
    rows: 732,
    testWindows: 220,
    target: 'Close',
    features: ['Open', 'Close'],
    test: { rmse, mae: 1, mape: 1 },
    naive: { rmse: naiveRmse, mae: 1, mape: 1 },
    history: [],
    testSeries: { x: [], actual: [], predicted: [], naive: [] },
    forecast: { x: [], values: [] },
    stoppedEarly: false,
    ...extra,
  };
}

test('fmt: 4 significant digits, two decimals from 1000, exponents at the extremes, a dash for null', () => {
  assert.equal(fmt(9.87123), '9.871');
  assert.equal(fmt(811.88872), '811.9');
  assert.equal(fmt(1234.5678), '1234.57');
  assert.equal(fmt(0.000012345), '1.234e-5');
  assert.equal(fmt(0), '0.000');
  assert.equal(fmt(null), '–');
  assert.equal(fmt(Number.NaN), 'NaN');
});

test('verdict: loses, beats (with the gain), diverged; the scope names what was measured', () => {
  assert.match(verdict(result(22.68, 9.397)), /^The LSTM loses to the persistence baseline: its test RMSE is 22.68 against 9.397/);
  assert.match(verdict(result(22.68, 9.397), 'all'), /its RMSE over every window is 22.68 against 9.397/);
  assert.equal(verdict(result(8, 10)), 'The LSTM beats the persistence baseline: test RMSE 8.000 against 10.00 (20.0% lower).');
  assert.match(verdict(result(Number.NaN, 10)), /diverged\. Lower the learning rate/);
});

test('runInfo: a training run reports its training; a saved model says nothing was trained', () => {
  assert.equal(runInfo(result(1, 2), 'test'), '220 test windows, 732 rows, features Open, Close. Backend wasm, trained in 1.3 s, final loss 0.001230.');
  assert.equal(runInfo(result(1, 2, { stoppedEarly: true }), 'test').endsWith('final loss 0.001230 (stopped early).'), true);
  const saved = result(1, 2, { testWindows: 725, finalLoss: null, trainSeconds: 0 });
  assert.equal(runInfo(saved, 'all'), '725 windows, 732 rows, features Open, Close. Backend wasm; the saved model was applied as it is, nothing was trained.');
  const zero = result(1, 2, { test: { rmse: 1, mae: 1, mape: null, mapeNote: 'MAPE is undefined: the actual value of test window 3 is 0.' } });
  assert.match(runInfo(zero, 'test'), /final loss 0\.001230\. MAPE is undefined: the actual value of test window 3 is 0\.$/);
});
