import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MinMaxScaler } from '../../../src/engine/data/scaler';
import { expectError } from './helpers';

// 3 rows × 2 columns, row-major: [1, 10], [3, 20], [5, 40].
const data = Float64Array.from([1, 10, 3, 20, 5, 40]);

test('fit uses only rows [0, rowEnd); transform scales every row with the training min/max', () => {
  const s = MinMaxScaler.fit(data, 2, 2, 't.csv', ['a', 'b']);
  assert.deepEqual(Array.from(s.min), [1, 10]);
  assert.deepEqual(Array.from(s.max), [3, 20]);
  const x = s.transform(data);
  assert.ok(x instanceof Float32Array);
  // Row 2 is outside the training range: 5 -> (5-1)/2 = 2, 40 -> (40-10)/10 = 3.
  assert.deepEqual(Array.from(x), [0, 0, 1, 1, 2, 3]);
  assert.equal(s.inverse(0.5, 0), 2);
  assert.equal(s.inverse(3, 1), 40);
  assert.equal(s.scale(15, 1), 0.5);
  assert.deepEqual(Array.from(s.inverseColumn(Float32Array.from([0, 1, 0.25]), 1)), [10, 20, 12.5]);
});

test('fit over all rows', () => {
  const s = MinMaxScaler.fit(data, 2, 3);
  assert.deepEqual(Array.from(s.transform(data)), [0, 0, 0.5, 1 / 3, 1, 1].map((v) => Math.fround(v)));
});

test('toJSON / fromJSON round trip', () => {
  const s = MinMaxScaler.fit(data, 2, 2, 't.csv', ['a', 'b']);
  const j = JSON.parse(JSON.stringify(s));
  assert.deepEqual(j, { min: [1, 10], max: [3, 20], columns: ['a', 'b'] });
  const r = MinMaxScaler.fromJSON(j);
  assert.deepEqual(Array.from(r.transform(data)), Array.from(s.transform(data)));
  assert.deepEqual(r.columns, ['a', 'b']);
  expectError(() => MinMaxScaler.fromJSON({ min: [1], max: [1] }), 'BAD_MODEL');
  expectError(() => MinMaxScaler.fromJSON({ min: [1, 2], max: [3] }), 'BAD_MODEL');
});

test('CONSTANT_COLUMN over the training rows names the column, the file and the fix', () => {
  // Column b is 5 in the first two rows (the training rows) and only changes later.
  const d = Float64Array.from([1, 5, 2, 5, 3, 7]);
  const e = expectError(() => MinMaxScaler.fit(d, 2, 2, 'c.csv', ['a', 'b']), 'CONSTANT_COLUMN');
  assert.match(e.message, /"b"/);
  assert.match(e.message, /c\.csv/);
  assert.match(e.hint ?? '', /[Ee]xclude "b" from the features/);
  // Over all three rows it is not constant.
  MinMaxScaler.fit(d, 2, 3, 'c.csv', ['a', 'b']);
});
