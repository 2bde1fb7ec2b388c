import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FORECAST_DEFAULTS } from '../../src/engine/forecast/types';
import { backendFromSettings, defaultsFromSettings, formToOptions, initialFormValues, validateFormValues } from '../../src/extension/settings';
import type { CsvPreview } from '../../src/extension/protocol';

const none = () => undefined;
const preview: CsvPreview = {
  fileName: 'stock.csv', columns: ['Open', 'High', 'Close'], rows: [], totalRows: 732, dateColumn: null, ignoredColumns: [],
  order: { detected: 'unknown', reversed: false }, stats: [],
};

test('unset settings give the course defaults', () => {
  assert.deepEqual(defaultsFromSettings(none), { seqLength: 7, hidden: 10, layers: 1, epochs: 500, batchSize: 'full', lr: 0.01, trainFraction: 0.7, horizon: 7, seed: 0 });
  for (const [k, v] of Object.entries(defaultsFromSettings(none))) assert.equal(v, FORECAST_DEFAULTS[k as keyof typeof FORECAST_DEFAULTS], k);
  assert.equal(backendFromSettings(none), 'auto');
});

test('settings override the defaults; invalid values fall back', () => {
  const s: Record<string, unknown> = { seqLength: 14, epochs: 0, lr: -1, batchSize: '32', trainFraction: 1.5, backend: 'cpu', hidden: 2.5 };
  const d = defaultsFromSettings((k) => s[k]);
  assert.equal(d.seqLength, 14);
  assert.equal(d.epochs, 500);
  assert.equal(d.lr, 0.01);
  assert.equal(d.batchSize, 32);
  assert.equal(d.trainFraction, 0.7);
  assert.equal(d.hidden, 10);
  assert.equal(backendFromSettings((k) => s[k]), 'cpu');
  assert.equal(backendFromSettings(() => 'gpu'), 'auto');
});

test('initial form: last numeric column is the target, every column a feature', () => {
  const v = initialFormValues(none, preview);
  assert.equal(v.target, 'Close');
  assert.deepEqual(v.features, ['Open', 'High', 'Close']);
  assert.deepEqual(validateFormValues(v, preview.columns), []);
});

test('form validation names each problem', () => {
  const v = { ...initialFormValues(none, preview), epochs: 0, target: 'Volume', features: ['Nope'] };
  const problems = validateFormValues(v, preview.columns);
  assert.equal(problems.length, 3);
  assert.match(problems.join(' '), /epochs/);
  assert.match(problems.join(' '), /target/);
  assert.match(problems.join(' '), /Nope/);
  assert.match(validateFormValues({ ...v, target: 'Close', features: [], epochs: 5 }, preview.columns).join(), /at least one feature/);
});

test('form → engine options; backend only when not auto', () => {
  const v = initialFormValues(none, preview);
  const o = formToOptions(v, 'auto');
  assert.equal(o.backend, undefined);
  assert.equal(o.epochs, 500);
  assert.deepEqual(o.features, ['Open', 'High', 'Close']);
  assert.notEqual(o.features, v.features, 'copied, not shared');
  assert.equal(formToOptions(v, 'wasm').backend, 'wasm');
});
