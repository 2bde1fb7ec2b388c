// Smoothing against hand-computed values (TensorBoard's debiased EMA), thinning that keeps spikes,
// the config table's differences, and the CSV export of every line of every run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendBounded, configRows, metricsCsv, OKABE_ITO, runColor, smoothEma, thinCurve, thinIndices, thinRows, type CurveColumns } from '../../src/shared/curves';

const close = (a: number[], b: number[]) => {
  assert.equal(a.length, b.length);
  a.forEach((x, i) => assert.ok(Number.isNaN(b[i]) ? Number.isNaN(x) : Math.abs(x - b[i]) < 1e-12, `[${i}] ${x} vs ${b[i]}`));
};

test('debiased EMA, weight 0.5, by hand: s_n = sum w^(n-i)(1-w)y_i / (1 - w^n)', () => {
  // 1 → 0.5/0.5 = 1; 2 → (0.25 + 1)/0.75 = 5/3; 3 → (0.125 + 0.5 + 1.5)/0.875 = 17/7
  close(smoothEma([1, 2, 3], 0.5), [1, 5 / 3, 17 / 7]);
});

test('a constant curve stays constant from the first point (the debiasing), weight 0 is the raw curve', () => {
  close(smoothEma([5, 5, 5, 5], 0.9), [5, 5, 5, 5]);
  close(smoothEma([3, 1, 4, 1, 5], 0), [3, 1, 4, 1, 5]);
});

test('a non-finite point is kept as it is and does not enter the average (no silent filter)', () => {
  // 1 → 1; NaN stays; 3 → (0.5*0.5*1... ) = (0.25 + 1.5)/0.75 = 7/3 (two finite points so far)
  close(smoothEma([1, NaN, 3], 0.5), [1, NaN, 7 / 3]);
  assert.equal(smoothEma([1, Infinity], 0.5)[1], Infinity);
});

test('thinning keeps each bucket’s extremes, the first and the last point', () => {
  assert.deepEqual(thinIndices([0, 5, 1, 1, 1, 1, 1, 1, -3, 1], 4), [0, 1, 5, 8, 9]);
  assert.deepEqual(thinIndices([1, 2, 3], 10), [0, 1, 2]);
  const big = Array.from({ length: 10_000 }, (_, i) => Math.sin(i));
  big[7777] = 100;
  const kept = thinIndices(big, 500);
  assert.ok(kept.length <= 502, `${kept.length} points`);
  assert.ok(kept.includes(7777), 'the spike survives');
  assert.deepEqual(kept, [...kept].sort((a, b) => a - b), 'in order');
});

test('thinning leaves values that are not finite out of the extremes: a bucket starting with NaN still keeps its lowest and highest', () => {
  // Buckets of 3: [NaN, 4, 2] keeps 1 (max) and 2 (min); [NaN, NaN, NaN] keeps its first; [1, 9, 1] keeps 6 and 7.
  assert.deepEqual(thinIndices([NaN, 4, 2, NaN, NaN, NaN, 1, 9, 1], 6), [0, 1, 2, 3, 6, 7, 8]);
});

test('a thinned curve keeps the held-out loss’s spikes too, not only the training loss’s', () => {
  const n = 10_000;
  const c: CurveColumns = { step: [], epoch: [], t: [], loss: [], valLoss: [] };
  for (let i = 0; i < n; i++) {
    c.step.push(i + 1);
    c.epoch.push(i + 1);
    c.t.push(i / 10);
    c.loss.push(1 / (i + 1));
    c.valLoss.push(i % 100 === 0 ? 2 / (i + 1) : null);
  }
  c.valLoss[5050] = 50;
  const thin = thinCurve(c, 500);
  assert.ok(thin.loss.length < 1100, `${thin.loss.length} points`);
  assert.ok(thin.step.includes(5051) && thin.valLoss[thin.step.indexOf(5051)] === 50, 'the held-out spike survives');
  assert.deepEqual(thin.step, [...thin.step].sort((a, b) => a - b), 'in order');
  assert.equal(thinCurve(c, n), c, 'nothing to thin');
});

test('rows thinned on several series keep every series’ extremes, the first and the last row, in order', () => {
  const rows = [
    { a: 0, b: 9 },
    { a: 5, b: 9 },
    { a: 1, b: 9 },
    { a: 1, b: 0 },
    { a: 1, b: 9 },
    { a: 1, b: 9 },
  ];
  // Two points per series: a keeps rows 0 (low) and 1 (high), b keeps 3 (low) and 0 (high); both keep the last.
  assert.deepEqual(thinRows(rows, 4, [(r) => r.a, (r) => r.b]), [rows[0], rows[1], rows[3], rows[5]]);
  assert.deepEqual(thinRows(rows, 6, [(r) => r.a]), rows, 'short enough: all of them');
});

test('a bounded series is thinned to about `keep` each time it passes twice that, its spike and dip kept, however its rows came', () => {
  const id = (x: number) => x;
  const one: number[] = [];
  for (const x of [1, 2, 3, 4, 5]) appendBounded(one, [x], 2, [id]);
  // At 5 rows (> 4): the low 1 and the high 5.
  assert.deepEqual(one, [1, 5]);
  for (const x of [0.5, 9, 2]) appendBounded(one, [x], 2, [id]);
  // [1, 5, 0.5, 9, 2] → the first, the dip 0.5, the spike 9, the last.
  assert.deepEqual(one, [1, 0.5, 9, 2]);
  const batched: number[] = [];
  appendBounded(batched, [1, 2, 3], 2, [id]);
  appendBounded(batched, [4, 5, 0.5, 9, 2], 2, [id]);
  assert.deepEqual(batched, one, 'the same rows in the same order make the same series');
  const long: number[] = [];
  for (let i = 0; i < 100_000; i++) appendBounded(long, [i === 54_321 ? 1000 : Math.sin(i)], 1000, [id]);
  assert.ok(long.length <= 2000, `${long.length} rows kept of 100,000`);
  assert.ok(long.includes(1000), 'the spike survives every thinning');
});

test('colours are the Okabe–Ito palette, stable by position', () => {
  assert.equal(runColor(0), '#E69F00');
  assert.equal(runColor(OKABE_ITO.length), runColor(0));
  assert.equal(new Set(OKABE_ITO).size, OKABE_ITO.length);
});

test('the config table marks the options that differ, keys the runs do not share included', () => {
  const rows = configRows([{ seqLength: 7, hidden: 10, features: ['a', 'b'] }, { seqLength: 14, hidden: 10, features: ['a', 'b'], clipNorm: 1 }]);
  assert.deepEqual(rows, [
    { key: 'seqLength', values: ['7', '14'], differs: true },
    { key: 'hidden', values: ['10', '10'], differs: false },
    { key: 'features', values: ['["a","b"]', '["a","b"]'], differs: false },
    { key: 'clipNorm', values: ['—', '1'], differs: true },
  ]);
});

test('the CSV holds every line of every run, extra metrics as columns, quoted where needed', () => {
  const csv = metricsCsv([
    { id: 'a', metrics: [{ step: 1, epoch: 1, t: 0.5, loss: 0.25, valLoss: 0.3 }, { step: 2, epoch: 2, t: 1, loss: 0.125 }] },
    { id: 'b,"x"', metrics: [{ step: 10, epoch: 1, t: 2, loss: 1e-7, tokenAccuracy: 0.5 }] },
  ]);
  assert.equal(csv, ['run,step,epoch,t,loss,valLoss,tokenAccuracy', 'a,1,1,0.5,0.25,0.3,', 'a,2,2,1,0.125,,', '"b,""x""",10,1,2,1e-7,,0.5', ''].join('\r\n'));
});
