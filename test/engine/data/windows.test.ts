import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { parseCsv, readCsvFile } from '../../../src/engine/data/csv';
import { lastWindow, prepareForecastData, splitWindows, WindowSet } from '../../../src/engine/data/windows';
import { Rng } from '../../../src/engine/random';
import { expectError, fixture, EXAMPLES } from './helpers';

// 12 rows, 2 columns: a = r, b = 100 + r. Row-major.
function table12(): Float32Array {
  const x = new Float32Array(24);
  for (let r = 0; r < 12; r++) {
    x[r * 2] = r;
    x[r * 2 + 1] = 100 + r;
  }
  return x;
}

test('splitWindows: course semantics on 12 rows, L=3, 70% train', () => {
  const s = splitWindows(12, { seqLength: 3, trainFraction: 0.7 });
  assert.equal(s.trainRows, 8); // floor(8.4)
  assert.deepEqual(s.train, { start: 0, count: 5 }); // i in [0, 8-3)
  assert.deepEqual(s.validation, { start: 5, count: 0 });
  assert.deepEqual(s.test, { start: 5, count: 4 }); // rows [8-3, 12): 12-8 windows
});

test('validation takes the last training windows, chronologically', () => {
  const s = splitWindows(12, { seqLength: 3, trainFraction: 0.7, validationFraction: 0.4 });
  assert.deepEqual(s.train, { start: 0, count: 3 });
  assert.deepEqual(s.validation, { start: 3, count: 2 }); // round(5 * 0.4) = 2
  assert.deepEqual(s.test, { start: 5, count: 4 });
});

test('window content: x = rows i..i+L-1 (batch-first [n, L, F]), y = target at row i+L; test starts at trainRows-L', () => {
  const scaled = table12();
  const s = splitWindows(12, { seqLength: 3, trainFraction: 0.7 });
  const train = new WindowSet(scaled, 2, [0, 1], 1, 3, s.train.start, s.train.count);
  const test = new WindowSet(scaled, 2, [0, 1], 1, 3, s.test.start, s.test.count);
  assert.equal(train.size, 5);
  assert.equal(test.size, 4);
  const x = new Float32Array(2 * 3 * 2);
  const y = new Float32Array(2);
  train.fill([0, 4], x, y);
  assert.deepEqual(Array.from(x), [0, 100, 1, 101, 2, 102, 4, 104, 5, 105, 6, 106]);
  assert.deepEqual(Array.from(y), [103, 107]);
  test.fill([0, 3], x, y);
  assert.deepEqual(Array.from(x), [5, 105, 6, 106, 7, 107, 8, 108, 9, 109, 10, 110]);
  assert.deepEqual(Array.from(y), [108, 111]);
  assert.equal(test.labelRow(0), 8, 'the first test window predicts row trainRows');
  assert.deepEqual(Array.from(test.labels()), [108, 109, 110, 111]);
  // Persistence baseline: the target in the window's last row.
  assert.deepEqual(Array.from(test.persistence()), [107, 108, 109, 110]);
  // A feature subset, in the requested order.
  const sub = new WindowSet(scaled, 2, [1], 0, 3, 0, 1);
  const xs = new Float32Array(3);
  sub.fill([0], xs, y);
  assert.deepEqual(Array.from(xs), [100, 101, 102]);
  assert.equal(y[0], 3);
  assert.deepEqual(Array.from(lastWindow(scaled, 2, [0, 1], 3)), [9, 109, 10, 110, 11, 111]);
  assert.throws(() => train.fill([5], x, y), RangeError);
});

test('batches: in order without an Rng, seeded shuffle with one, full batch', () => {
  const set = new WindowSet(table12(), 2, [0, 1], 1, 3, 0, 5);
  assert.deepEqual([...set.batches(2)].map((b) => Array.from(b)), [[0, 1], [2, 3], [4]]);
  assert.deepEqual([...set.batches('full')].map((b) => Array.from(b)), [[0, 1, 2, 3, 4]]);
  assert.equal(set.batchCount(2), 3);
  assert.equal(set.batchCount('full'), 1);
  const a = [...set.batches(2, new Rng(7))].flatMap((b) => Array.from(b));
  const b = [...set.batches(2, new Rng(7))].flatMap((b) => Array.from(b));
  assert.deepEqual(a, b, 'same seed, same order');
  assert.deepEqual([...a].sort(), [0, 1, 2, 3, 4]);
  const rng = new Rng(1);
  const e1 = [...set.batches(5, rng)][0].slice();
  const e2 = [...set.batches(5, rng)][0].slice();
  assert.equal(e1.length, 5);
  assert.equal(e2.length, 5);
  expectError(() => [...set.batches(0)], 'BAD_OPTION');
});

test('prepareForecastData: scaler fit on training rows, compact columns, target default last column', () => {
  const csv = 'a,b,c\n' + Array.from({ length: 12 }, (_, r) => `${r},${100 + 10 * r},${r % 2}`).join('\n');
  const t = parseCsv(csv, { file: 't.csv' });
  const d = prepareForecastData(t, { seqLength: 3, trainFraction: 0.7, features: ['b', 'a'] });
  assert.deepEqual(d.columns, ['b', 'a', 'c']);
  assert.deepEqual(d.features, [0, 1]);
  assert.equal(d.target, 2);
  assert.equal(d.targetName, 'c');
  // b over training rows 0..7: min 100, max 170.
  assert.deepEqual(Array.from(d.scaler.min), [100, 0, 0]);
  assert.deepEqual(Array.from(d.scaler.max), [170, 7, 1]);
  assert.ok(Math.abs(d.scaled[11 * 3] - 11 / 7) < 1e-6, 'row 11 of b is (210-100)/70, above 1: test rows are not clipped');
  assert.equal(d.train.size, 5);
  assert.equal(d.test.size, 4);
  assert.deepEqual(Array.from(d.testLabelRows()), [8, 9, 10, 11]);
  assert.equal(d.lastWindow().length, 3 * 2);
  const e = expectError(() => prepareForecastData(t, { seqLength: 3, trainFraction: 0.7, target: 'zz' }), 'UNKNOWN_COLUMN');
  assert.match(e.message, /a, b, c/);
});

test('TOO_FEW_ROWS: a file with only 2 data rows', () => {
  const f = fixture('two_rows.csv');
  const t = parseCsv(f.bytes, { file: 'two_rows.csv' });
  assert.equal(t.rows, 2);
  const e = expectError(() => prepareForecastData(t, { seqLength: 7, trainFraction: 0.7 }), 'TOO_FEW_ROWS');
  assert.match(e.message, /two_rows\.csv/);
  assert.match(e.message, /2 rows/);
  assert.match(e.message, /9/);
  assert.match(e.hint ?? '', /--seq-length|more rows/);
});

test('TOO_FEW_ROWS when the split leaves no training or no test windows', () => {
  const e1 = expectError(() => splitWindows(10, { seqLength: 3, trainFraction: 0.3 }), 'TOO_FEW_ROWS');
  assert.match(e1.message, /10 rows/);
  assert.match(e1.hint ?? '', /--train-fraction/);
  expectError(() => splitWindows(5, { seqLength: 3, trainFraction: 0.5 }), 'TOO_FEW_ROWS');
  expectError(() => splitWindows(12, { seqLength: 3, trainFraction: 0.7, validationFraction: 0.95 }), 'TOO_FEW_ROWS');
  expectError(() => splitWindows(12, { seqLength: 0, trainFraction: 0.7 }), 'BAD_OPTION');
  expectError(() => splitWindows(12, { seqLength: 3, trainFraction: 1 }), 'BAD_OPTION');
});

test('CONSTANT_COLUMN from prepareForecastData on a real file; excluding the column fixes it', () => {
  const t = parseCsv(fixture('constant.csv').bytes, { file: 'constant.csv' });
  const e = expectError(() => prepareForecastData(t, { seqLength: 3, trainFraction: 0.7 }), 'CONSTANT_COLUMN');
  assert.match(e.message, /"b"/);
  assert.match(e.message, /constant\.csv/);
  const d = prepareForecastData(t, { seqLength: 3, trainFraction: 0.7, features: ['a', 'c'] });
  assert.deepEqual(d.featureNames, ['a', 'c']);
});

test('stock_daily.csv reversed, L=7, 70%: the course shapes (505 train, 220 test) and persistence RMSE $7.97', async () => {
  const t = await readCsvFile(path.join(EXAMPLES, 'stock_daily.csv'), { order: 'reverse' });
  const d = prepareForecastData(t, { seqLength: 7, trainFraction: 0.7 });
  assert.equal(d.split.trainRows, 512);
  assert.equal(d.train.size, 505);
  assert.equal(d.test.size, 220);
  assert.equal(d.targetName, 'Close');
  assert.equal(d.features.length, 5);
  const { x, y } = d.train.all();
  assert.equal(x.length, 505 * 7 * 5);
  assert.ok(x.every((v) => v >= 0 && v <= 1) && y.every((v) => v >= 0 && v <= 1), 'training data lies in [0, 1]');
  // Persistence baseline in dollars on the test windows.
  const naive = d.test.persistence(d.scaler);
  const actual = d.scaler.inverseColumn(d.test.labels(), d.target);
  let se = 0;
  for (let i = 0; i < naive.length; i++) se += (naive[i] - actual[i]) ** 2;
  const rmse = Math.sqrt(se / naive.length);
  assert.ok(Math.abs(rmse - 7.97) < 0.01, `persistence RMSE ${rmse}`);
  // Labels in original units match the table's Close column.
  const rows = d.testLabelRows();
  assert.ok(Math.abs(actual[0] - t.data[rows[0] * 5 + 4]) < 1e-3);
});
