import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FORECAST_DEFAULTS } from '../../src/engine/forecast/types';
import { backendFromSettings, defaultsFromSettings, formToOptions, formValuesFromRun, initialFormValues, threadsFromSettings, validateFormValues } from '../../src/extension/settings';
import { formOptionNamer } from '../../src/extension/formLabels';
import { errorLine } from '../../src/shared/errors';
import { RnnLabError } from '../../src/engine/errors';
import { splitWindows } from '../../src/engine/data/windows';
import { parseCsv } from '../../src/engine/data/csv';
import type { CsvPreview } from '../../src/shared/protocol';

const FORM_NAMER = formOptionNamer();
const none = () => undefined;
const preview: CsvPreview = {
  fileName: 'stock.csv', columns: ['Open', 'High', 'Close'], rows: [], totalRows: 732, dateColumn: null, ignored: [],
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
  // Each problem names its field by the form's label, and carries the option key for the highlight.
  assert.deepEqual(problems.map((p) => p.option), ['epochs', 'target', 'features']);
  const words = problems.map((p) => p.message).join(' ');
  assert.match(words, /Epochs must be a whole number from 1 to 1,000,000, got 0\./);
  assert.match(words, /target/);
  assert.match(words, /Nope/);
  assert.match(validateFormValues({ ...v, target: 'Close', features: [], epochs: 5 }, preview.columns).map((p) => p.message).join(), /at least one feature/);
});

test('the read options: dates as they show it and decimal points by default, or what a failed preview suggests', () => {
  const v = initialFormValues(none, preview);
  assert.deepEqual([v.dateFormat, v.decimalComma], ['auto', false]);
  const unread = initialFormValues(none, null, { decimalComma: true });
  assert.deepEqual([unread.target, unread.features, unread.dateFormat, unread.decimalComma], ['', [], 'auto', true]);
  assert.deepEqual(validateFormValues(unread, []).map((p) => p.option), ['target', 'features'], 'a file not read yet has no columns to train on');
  const o = formToOptions({ ...v, dateFormat: 'day-first', decimalComma: true }, 'auto');
  assert.deepEqual([o.dateFormat, o.decimalComma], ['day-first', true]);
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

test('rnnLab.threads: 0 or unset is every core (no option passed); a count passes through; invalid is 0', () => {
  const v = initialFormValues(none, preview);
  assert.equal(threadsFromSettings(none), 0);
  assert.equal(threadsFromSettings(() => 3), 3);
  for (const bad of [-1, 2.5, '4', 1000]) assert.equal(threadsFromSettings(() => bad), 0, String(bad));
  assert.equal(formToOptions(v, 'auto', 0).threads, undefined);
  assert.equal(formToOptions(v, 'auto', 3).threads, 3);
});

test('the form and the engine share the bounds: lr 10 fails in both, lr 9.99 passes both', () => {
  const v = initialFormValues(none, preview);
  assert.deepEqual(validateFormValues({ ...v, lr: 10 }, preview.columns).map((p) => p.option), ['lr']);
  assert.deepEqual(validateFormValues({ ...v, lr: 9.99, hidden: 4096, horizon: 10_000 }, preview.columns), []);
  assert.deepEqual(validateFormValues({ ...v, hidden: 4097, layers: 17, horizon: 10_001 }, preview.columns).map((p) => p.option), ['hidden', 'layers', 'horizon']);
});

/** The engine's error as the form shows it. */
function inForm(e: RnnLabError): string {
  return errorLine(e.parts, FORM_NAMER);
}

test('engine errors name options as the form does; the CLI keeps its flags', () => {
  let e: RnnLabError | undefined;
  try {
    splitWindows(5, { seqLength: 7, trainFraction: 0.7, file: 'a.csv' });
  } catch (x) {
    e = x as RnnLabError;
  }
  assert.ok(e instanceof RnnLabError);
  assert.equal(
    e.toString(),
    'a.csv: Only 5 rows of a.csv are left to train on; with --seq-length 7 at least 9 are needed (a window of 7 rows plus its label for training, and one more row to test on). Use --seq-length 2 or less, or more rows (at least 12).',
  );
  assert.equal(
    inForm(e),
    'a.csv: Only 5 rows of a.csv are left to train on; with seq_length 7 at least 9 are needed (a window of 7 rows plus its label for training, and one more row to test on). Use seq_length 2 or less, or more rows (at least 12).',
  );
  assert.deepEqual(e.suggest, { option: 'seqLength', value: 2 }, 'the suggestion is a seq_length that works');
  assert.equal(e.option, 'seqLength', 'the form highlights seq_length');

  // A choice is named by its label in the form, as a flag and value in the CLI.
  let m: RnnLabError | undefined;
  try {
    parseCsv('a,b\n1,2\n,3\n4,5\n', { file: 'gap.csv' });
  } catch (x) {
    m = x as RnnLabError;
  }
  assert.ok(m instanceof RnnLabError && m.code === 'MISSING_VALUE');
  assert.match(m.hint ?? '', /--missing drop .* --missing ffill/);
  assert.match(inForm(m), /Empty cells “Drop the row” \(drop rows with missing values\) or Empty cells “Fill from the previous row”/);
  assert.deepEqual(m.suggest, { option: 'missing', value: 'drop' });

  // An option the form lacks: its setting, or plain words (never a CLI flag presented as a field).
  const nan = new RnnLabError('NON_FINITE_LOSS', 'The loss became NaN.', [
    'Lower the learning rate (now ',
    { option: 'lr', value: 0.5 },
    ') or turn on gradient clipping (e.g. ',
    { option: 'clipNorm', value: 1 },
    ').',
  ]);
  assert.equal(nan.hint, 'Lower the learning rate (now --lr 0.5) or turn on gradient clipping (e.g. --clip-norm 1).');
  assert.equal(
    inForm(nan),
    'The loss became NaN. Lower the learning rate (now Learning rate 0.5) or turn on gradient clipping (e.g. clip norm 1 (an option of the rnn-lab CLI, not of this form)).',
  );
  assert.equal(FORM_NAMER({ option: 'backend', value: 'cpu' }), 'the setting rnnLab.backend (cpu)');

  // The read options are fields of the form now: named by their labels, not as CLI options.
  let d: RnnLabError | undefined;
  try {
    parseCsv('date,x\n01/02/2020,1\n02/03/2020,2\n', { file: 'dates.csv' });
  } catch (x) {
    d = x as RnnLabError;
  }
  assert.ok(d instanceof RnnLabError && d.option === 'dateFormat', String(d));
  assert.equal(d.suggest, undefined, 'neither reading is suggested: the file cannot tell');
  assert.match(inForm(d), /Say which: Date format “Day first \(31\/12\/2020\)” \(31\/12\/2020\) or Date format “Month first \(12\/31\/2020\)” \(12\/31\/2020\)\./);
  assert.doesNotMatch(inForm(d), /--date-format|not of this form/);
  let c: RnnLabError | undefined;
  try {
    parseCsv('x;y\n1,5;2\n2,5;3\n', { file: 'comma.csv' });
  } catch (x) {
    c = x as RnnLabError;
  }
  assert.ok(c instanceof RnnLabError, String(c));
  assert.deepEqual([c.option, c.suggest], ['decimalComma', { option: 'decimalComma', value: true }]);
  assert.match(inForm(c), /Pass Decimal comma \(checked\) to read 1,5 as 1\.5/);
  assert.equal(FORM_NAMER({ option: 'decimalComma', value: false }), 'Decimal comma (unchecked)');
  assert.equal(FORM_NAMER({ option: 'batchSize', value: 512 }), 'Batch size 512');
});

test("re-running a stored run fills the form with its config; values no longer allowed keep the form's", () => {
  const base = initialFormValues(none, preview);
  const config = { seqLength: 14, hidden: 32, epochs: 0, lr: 0.001, batchSize: 'full', order: 'reverse', missing: 'sideways', target: 'High', features: ['Open', 'Gone'], clipNorm: 1, seed: 3 };
  const v = formValuesFromRun(base, config, preview.columns);
  assert.deepEqual(
    [v.seqLength, v.hidden, v.epochs, v.lr, v.batchSize, v.order, v.missing, v.target, v.features, v.seed],
    [14, 32, base.epochs, 0.001, 'full', 'reverse', base.missing, 'High', base.features, 3],
  );
  assert.deepEqual(validateFormValues(v, preview.columns), []);
});
