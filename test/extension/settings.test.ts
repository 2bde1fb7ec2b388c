import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FORECAST_DEFAULTS } from '../../src/engine/forecast/types';
import { backendFromSettings, defaultsFromSettings, formToOptions, inFormWords, initialFormValues, validateFormValues } from '../../src/extension/settings';
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

test('inFormWords: engine messages name the form fields the user sets, not CLI flags', () => {
  assert.equal(
    inFormWords('Only 2 rows of a.csv are left to train on; with --seq-length 7 at least 9 are needed. Add rows: even --seq-length 1 needs at least 3.'),
    'Only 2 rows of a.csv are left to train on; with seq_length 7 at least 9 are needed. Add rows: even seq_length 1 needs at least 3.',
  );
  assert.equal(inFormWords('Train in mini-batches: set the batch size to 512 (--batch-size 512).'), 'Train in mini-batches: set the batch size to 512 (Batch size 512).');
  assert.equal(
    inFormWords('Fill in the cell, or use --missing drop (drop rows with missing values) or --missing ffill (copy the previous row’s value).'),
    'Fill in the cell, or use Empty cells “Drop the row” (drop rows with missing values) or Empty cells “Fill from the previous row” (copy the previous row’s value).',
  );
  assert.equal(inFormWords('pass --order as-is to use the rows as they are.'), 'pass Row order “As stored (oldest first)” to use the rows as they are.');
  // Flags the form does not have, and text without flags, are unchanged.
  assert.equal(inFormWords('Use --clip-norm 1 or a lower --lr.'), 'Use --clip-norm 1 or a lower Learning rate.');
  assert.equal(inFormWords('a.csv:3:2: not a number — x'), 'a.csv:3:2: not a number — x');
});
