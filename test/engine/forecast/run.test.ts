// The forecast flow end to end on small CSVs written to a temp folder: determinism, the split and
// the persistence baseline against hand computations from the file, the scaler fitted on the
// training rows only, save/load, cancellation, tensor leaks, early stopping, option checks, and
// the metrics. Models are tiny (hidden 4, seq 5) so the whole file runs in seconds.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../src/engine/backend';
import { RnnLabError } from '../../../src/engine/errors';
import { loadForecaster, predictWithSaved, resolveForecastOptions, runForecast, type ForecastRun } from '../../../src/engine/forecast/run';
import { FORECAST_DEFAULTS, type ForecastOptions } from '../../../src/engine/forecast/types';
import { errorMetrics } from '../../../src/engine/metrics';
import { encodeWeights, type StateDict } from '../../../src/engine/persist';
import { decodeSafetensors } from '../../../src/engine/safetensors';
import { train, type TrainTask } from '../../../src/engine/train/trainer';
import type { TrainEvent } from '../../../src/engine/train/events';
import { Rng } from '../../../src/engine/random';
import { assertClose } from '../../helpers/close';
import { expectError, expectErrorAsync } from '../data/helpers';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rnn-lab-run-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A CSV file in the temp folder; returns its path. */
async function csv(name: string, header: string[], rows: (string | number)[][]): Promise<string> {
  const p = join(dir, name);
  await writeFile(p, [header.join(','), ...rows.map((r) => r.join(','))].join('\n') + '\n', 'utf8');
  return p;
}

const DAY = 86400000;
function isoDay(i: number, start = Date.UTC(2021, 0, 1)): string {
  return new Date(start + i * DAY).toISOString().slice(0, 10);
}

interface Series {
  dates: string[];
  aux: number[];
  value: number[];
}

/** A noisy sine (target `value`) and a noisy cosine (`aux`), daily dates; values as written to the file. */
function noisySine(rows: number, seed: number, opts: { offset?: number; trend?: number } = {}): Series {
  const rng = new Rng(seed);
  const s: Series = { dates: [], aux: [], value: [] };
  for (let i = 0; i < rows; i++) {
    s.dates.push(isoDay(i));
    const v = (opts.offset ?? 100) + (opts.trend ?? 0) * i + 10 * Math.sin((2 * Math.PI * i) / 12) + rng.uniform(-1, 1);
    const a = 5 * Math.cos((2 * Math.PI * i) / 12) + rng.uniform(-0.5, 0.5);
    // Values are parsed back from their text, so hand computations use exactly what the file holds.
    s.value.push(Number(v.toFixed(3)));
    s.aux.push(Number(a.toFixed(3)));
  }
  return s;
}

async function sineCsv(name: string, s: Series): Promise<string> {
  return csv(name, ['date', 'aux', 'value'], s.dates.map((d, i) => [d, s.aux[i], s.value[i]]));
}

/** Small and fast: hidden 4, seq 5, 20 full-batch epochs, a 3-step forecast. */
const SMALL: Partial<ForecastOptions> = { seqLength: 5, hidden: 4, epochs: 20, lr: 0.02, horizon: 3, backend: 'wasm' };

/** Everything of a result but the wall-clock time. */
function comparable(r: ForecastRun['result']) {
  const { trainSeconds: _t, ...rest } = r;
  return rest;
}

function minMax(a: number[]): [number, number] {
  return [Math.min(...a), Math.max(...a)];
}

/** errorMetrics, written out by hand. */
function handMetrics(actual: number[], predicted: number[]): { rmse: number; mae: number; mape: number | null } {
  const n = actual.length;
  let se = 0, ae = 0, ape = 0;
  for (let i = 0; i < n; i++) {
    const d = predicted[i] - actual[i];
    se += d * d;
    ae += Math.abs(d);
    ape += Math.abs(d / actual[i]);
  }
  return { rmse: Math.sqrt(se / n), mae: ae / n, mape: actual.includes(0) ? null : (100 * ape) / n };
}

/** Predictions of a loaded model (original units) for windows starting at rows `starts`, built by hand from the file's values. */
function predictByHand(
  loaded: Awaited<ReturnType<typeof loadForecaster>>,
  s: Series,
  starts: number[],
  L: number,
): number[] {
  const sj = loaded.scaler.toJSON();
  const cols: Record<string, number[]> = { aux: s.aux, value: s.value };
  const names = loaded.config.columns;
  const scaled = (name: string, r: number) => {
    const c = names.indexOf(name);
    return (cols[name][r] - sj.min[c]) / (sj.max[c] - sj.min[c]);
  };
  const F = loaded.config.features.length;
  const x = new Float32Array(starts.length * L * F);
  starts.forEach((r0, k) => {
    for (let t = 0; t < L; t++) loaded.config.features.forEach((f, j) => (x[(k * L + t) * F + j] = scaled(names[f], r0 + t)));
  });
  const y = tf.tidy(() => loaded.model.predict(tf.tensor3d(x, [starts.length, L, F])).dataSync());
  const tc = loaded.config.target;
  return Array.from(y, (v) => v * (sj.max[tc] - sj.min[tc]) + sj.min[tc]);
}

describe('runForecast', () => {
  test('errors name the file by displayName when one is given, else by its path', async () => {
    const bad = await csv('bad-cell.csv', ['date', 'value'], [[isoDay(0), 1], [isoDay(1), 'abc'], [isoDay(2), 3]]);
    const byPath = await expectErrorAsync(() => runForecast(bad, { ...SMALL, backend: 'wasm' }), 'NON_NUMERIC_CELL');
    assert.ok(byPath.message.includes(`of ${bad} `), byPath.message);
    assert.deepEqual([byPath.location.file, byPath.location.line], [bad, 3]);
    const named = await expectErrorAsync(() => runForecast(bad, { ...SMALL, backend: 'wasm' }, { displayName: 'data/bad-cell.csv' }), 'NON_NUMERIC_CELL');
    assert.ok(named.message.includes('of data/bad-cell.csv '), named.message);
    assert.deepEqual([named.location.file, named.location.line], ['data/bad-cell.csv', 3]);
    assert.ok(!named.message.includes(dir), named.message);
  });

  test('the same seed gives identical results; another seed gives different ones', async () => {
    const file = await sineCsv('det.csv', noisySine(80, 1));
    const a = await runForecast(file, { ...SMALL, seed: 7 });
    const b = await runForecast(file, { ...SMALL, seed: 7 });
    const c = await runForecast(file, { ...SMALL, seed: 8 });
    assert.deepEqual(comparable(b.result), comparable(a.result));
    assert.equal(a.result.history.length, SMALL.epochs);
    assert.notDeepEqual(c.result.history.map((h) => h.loss), a.result.history.map((h) => h.loss));
    assert.notDeepEqual(c.result.forecast.values, a.result.forecast.values);
    assert.notEqual(c.result.test.rmse, a.result.test.rmse);
    // Mini-batches are shuffled with the seed too.
    const d = await runForecast(file, { ...SMALL, seed: 7, batchSize: 16, epochs: 4 });
    const e = await runForecast(file, { ...SMALL, seed: 7, batchSize: 16, epochs: 4 });
    assert.deepEqual(comparable(e.result), comparable(d.result));
    for (const r of [a, b, c, d, e]) r.dispose();
  });

  test('split, test series and persistence baseline match a hand computation from the CSV', async () => {
    const rows = 101;
    const s = noisySine(rows, 2);
    const file = await sineCsv('baseline.csv', s);
    const run = await runForecast(file, { ...SMALL, trainFraction: 0.7, epochs: 5 });
    const r = run.result;
    const trainRows = Math.floor(rows * 0.7); // 70
    assert.equal(r.rows, rows);
    assert.equal(r.testWindows, rows - trainRows);
    assert.equal(r.target, 'value', 'the target defaults to the last numeric column');
    assert.deepEqual(r.features, ['aux', 'value']);
    // Test window k predicts row trainRows + k; persistence repeats row trainRows + k − 1.
    const actual = s.value.slice(trainRows);
    const naive = s.value.slice(trainRows - 1, rows - 1);
    // Exactly the file's values: not a round trip through the float32 scaled table.
    assert.deepEqual(r.testSeries.actual, actual, 'test actuals in original units');
    assert.deepEqual(r.testSeries.naive, naive, 'persistence predictions in original units');
    assert.deepEqual(r.testSeries.x, s.dates.slice(trainRows), 'the x axis is the date of each predicted row');
    const hand = handMetrics(actual, naive);
    assertClose([r.naive.rmse, r.naive.mae, r.naive.mape!], [hand.rmse, hand.mae, hand.mape!], 'persistence RMSE, MAE, MAPE', 1e-12, 0);
    const model = handMetrics(r.testSeries.actual, r.testSeries.predicted);
    assertClose([r.test.rmse, r.test.mae, r.test.mape!], [model.rmse, model.mae, model.mape!], 'model RMSE, MAE, MAPE', 1e-9, 1e-12);
    // The forecast continues the dates day by day.
    assert.deepEqual(r.forecast.x, [isoDay(rows), isoDay(rows + 1), isoDay(rows + 2)]);
    assert.equal(r.forecast.values.length, 3);
    assert.ok(r.forecast.values.every(Number.isFinite));
    run.dispose();
  });

  test('the scaler is fitted on the training rows only; results stay in original units', async () => {
    // An upward trend with a jump where the test rows begin: every test row is above the training maximum.
    const rows = 60;
    const s = noisySine(rows, 3, { offset: 1000, trend: 3 });
    const trainRows = Math.floor(rows * 0.7);
    for (let r = trainRows; r < rows; r++) s.value[r] = Number((s.value[r] + 100).toFixed(3));
    assert.ok(Math.min(...s.value.slice(trainRows)) > Math.max(...s.value.slice(0, trainRows)));
    const file = await sineCsv('trend.csv', s);
    const run = await runForecast(file, { ...SMALL, epochs: 5 });
    const modelDir = join(dir, 'trend-model');
    await run.save(modelDir);
    const scaler = JSON.parse(await readFile(join(modelDir, 'scaler.json'), 'utf8'));
    assert.deepEqual(scaler.columns, ['aux', 'value']);
    const [auxMin, auxMax] = minMax(s.aux.slice(0, trainRows));
    const [valMin, valMax] = minMax(s.value.slice(0, trainRows));
    assert.deepEqual(scaler.min, [auxMin, valMin], 'min over the training rows');
    assert.deepEqual(scaler.max, [auxMax, valMax], 'max over the training rows, not the whole file');
    // Actuals come back in original units, above the training maximum (no clipping, no rescaling).
    assert.deepEqual(run.result.testSeries.actual, s.value.slice(trainRows), 'actuals');
    assert.ok(run.result.testSeries.actual.every((v) => v > valMax));
    // Predictions are in original units too: the model's output, inverse-transformed with the training min/max.
    const loaded = await loadForecaster(modelDir);
    const starts = Array.from({ length: rows - trainRows }, (_, k) => trainRows - 5 + k);
    assertClose(run.result.testSeries.predicted, predictByHand(loaded, s, starts, 5), 'predictions, original units', 1e-5, 1e-3);
    assert.ok(run.result.testSeries.predicted.every((v) => v > 500), 'predictions are prices, not scaled values');
    loaded.model.dispose();
    run.dispose();
  });

  test('save → loadForecaster gives the same predictions and forecast; predictWithSaved agrees', async () => {
    const rows = 90;
    const L = 5;
    const s = noisySine(rows, 4);
    const file = await sineCsv('saveload.csv', s);
    const run = await runForecast(file, { ...SMALL, epochs: 30 });
    const modelDir = join(dir, 'saveload-model');
    await run.save(modelDir);
    assert.deepEqual((await readdir(modelDir)).sort(), ['config.json', 'model.safetensors', 'scaler.json']);
    const trainRows = Math.floor(rows * 0.7);
    const loaded = await loadForecaster(modelDir);
    assert.deepEqual(loaded.config.model, { inputSize: 2, hidden: 4, layers: 1, seqLength: L });
    const starts = Array.from({ length: rows - trainRows }, (_, k) => trainRows - L + k);
    assertClose(predictByHand(loaded, s, starts, L), run.result.testSeries.predicted, 'loaded model on the test windows', 1e-5, 1e-4);

    // The recursive forecast: predict from the last window, then slide it with the prediction as
    // the next row's target and the other feature carried forward from the last row.
    const sj = loaded.scaler.toJSON();
    const sc = (v: number, c: number) => (v - sj.min[c]) / (sj.max[c] - sj.min[c]);
    const inv = (v: number, c: number) => v * (sj.max[c] - sj.min[c]) + sj.min[c];
    const w: number[][] = [];
    for (let r = rows - L; r < rows; r++) w.push([sc(s.aux[r], 0), sc(s.value[r], 1)]);
    const ahead: number[] = [];
    for (let h = 0; h < 3; h++) {
      const p = tf.tidy(() => loaded.model.predict(tf.tensor3d([w])).dataSync()[0]);
      ahead.push(inv(p, 1));
      w.push([w[L - 1][0], p]);
      w.shift();
    }
    assertClose(run.result.forecast.values, ahead, 'recursive forecast', 1e-5, 1e-4);
    loaded.model.dispose();

    // predictWithSaved on the same file: every window with a label (rows − L of them), from row 0.
    const p = await predictWithSaved(modelDir, file, { backend: 'wasm' });
    assert.equal(p.testWindows, rows - L);
    assert.equal(p.finalLoss, null);
    assert.deepEqual(p.testSeries.x, s.dates.slice(L));
    assert.deepEqual(p.testSeries.actual, s.value.slice(L), 'predictWithSaved actuals');
    assert.deepEqual(p.testSeries.naive, s.value.slice(L - 1, rows - 1), 'predictWithSaved persistence');
    const hand = handMetrics(s.value.slice(L), s.value.slice(L - 1, rows - 1));
    assertClose([p.naive.rmse, p.naive.mae, p.naive.mape!], [hand.rmse, hand.mae, hand.mape!], 'predictWithSaved persistence metrics', 1e-12, 0);
    // Its last rows − trainRows windows are the training run's test windows: same predictions.
    assert.deepEqual(p.testSeries.predicted.slice(trainRows - L), run.result.testSeries.predicted);
    assert.deepEqual(p.forecast, run.result.forecast);
    run.dispose();
  });

  test('predictWithSaved: a CSV without a trained column → UNKNOWN_COLUMN; damaged files → BAD_MODEL', async () => {
    const s = noisySine(40, 5);
    const file = await sineCsv('cols.csv', s);
    const run = await runForecast(file, { ...SMALL, epochs: 2 });
    const modelDir = join(dir, 'cols-model');
    await run.save(modelDir);
    run.dispose();
    const before = tf.memory().numTensors;

    const noAux = await csv('no-aux.csv', ['date', 'value'], s.dates.map((d, i) => [d, s.value[i]]));
    const e = await expectErrorAsync(() => predictWithSaved(modelDir, noAux, { backend: 'wasm' }), 'UNKNOWN_COLUMN');
    assert.match(e.message, /aux/);
    assert.ok(e.message.startsWith(noAux), e.message);
    // The extension names files by their workspace-relative path.
    const named = await expectErrorAsync(() => predictWithSaved(modelDir, noAux, { backend: 'wasm', displayName: 'data/no-aux.csv' }), 'UNKNOWN_COLUMN');
    assert.ok(named.message.startsWith('data/no-aux.csv lacks'), named.message);
    assert.ok(!named.message.includes(dir), named.message);

    for (const horizon of [-1, 2.5]) await expectErrorAsync(() => predictWithSaved(modelDir, file, { backend: 'wasm', horizon }), 'BAD_OPTION');
    const h0 = await predictWithSaved(modelDir, file, { backend: 'wasm', horizon: 0 });
    assert.deepEqual(h0.forecast, { x: [], values: [] });

    // Damage each file in turn (a copy of the model each time).
    const good: Record<string, string | Uint8Array | undefined> = {
      'config.json': await readFile(join(modelDir, 'config.json'), 'utf8'),
      'model.safetensors': new Uint8Array(await readFile(join(modelDir, 'model.safetensors'))),
      'scaler.json': await readFile(join(modelDir, 'scaler.json'), 'utf8'),
    };
    const sd = decodeSafetensors(good['model.safetensors'] as Uint8Array, 'x').tensors;
    const weights = (change: StateDict) => ({ 'model.safetensors': encodeWeights({ ...sd, ...change }) });
    const { 'rnn.weight_hh_l0': _dropped, ...withoutOne } = sd;
    const config = JSON.parse(good['config.json'] as string);
    const bytes = good['model.safetensors'] as Uint8Array;
    const damaged: [string, Record<string, string | Uint8Array | undefined>][] = [
      ['truncated weights', { 'model.safetensors': bytes.subarray(0, bytes.length - 4) }],
      ['weights that are not safetensors', { 'model.safetensors': new TextEncoder().encode(JSON.stringify(sd)) }],
      ['a weight with the wrong shape', weights({ 'fc.weight': { shape: [2, 4], data: new Float32Array(8) } })],
      ['a weight with too few values', weights({ 'fc.bias': { shape: [0], data: new Float32Array(0) } })],
      ['a missing weight', { 'model.safetensors': encodeWeights(withoutOne) }],
      ['a NaN weight', weights({ 'fc.bias': { shape: [1], data: Float32Array.of(NaN) } })],
      ['no weights file', { 'model.safetensors': undefined }],
      ['a damaged scaler', { 'scaler.json': JSON.stringify({ min: [0, 1], max: [0, 2] }) }],
      ['a config for another kind of model', { 'config.json': JSON.stringify({ ...config, kind: 'seq2seq' }) }],
      ['a config without its model sizes', { 'config.json': JSON.stringify({ ...config, model: undefined }) }],
      ['a model from a newer RNN Lab', { 'config.json': JSON.stringify({ ...config, version: 99 }) }],
      ['no config.json', { 'config.json': undefined }],
    ];
    for (const [label, change] of damaged) {
      const d = join(dir, `damaged-${label.replace(/\W+/g, '-')}`);
      await mkdir(d);
      const files = { ...good, ...change };
      for (const [k, v] of Object.entries(files)) if (v !== undefined) await writeFile(join(d, k), v);
      const err = await expectErrorAsync(() => predictWithSaved(d, file, { backend: 'wasm' }), 'BAD_MODEL').catch((err) => {
        throw new Error(`${label}: ${(err as Error).message}`);
      });
      if (label.includes('newer')) assert.match(err.hint ?? '', /update RNN Lab/);
      assert.equal(tf.memory().numTensors, before, `${label}: a failed load frees what it made`);
    }
  });

  test('a model folder saved by the first release (format 1, weights.json) still loads and predicts the same', async () => {
    const file = await sineCsv('v1.csv', noisySine(40, 8));
    const run = await runForecast(file, { ...SMALL, epochs: 3 });
    const v2 = join(dir, 'v2-model');
    await run.save(v2);
    // Format 1: the same config with version 1, and the weights as JSON arrays of numbers.
    const v1 = join(dir, 'v1-model');
    await mkdir(v1);
    const config = JSON.parse(await readFile(join(v2, 'config.json'), 'utf8'));
    assert.equal(config.version, 2);
    await writeFile(join(v1, 'config.json'), JSON.stringify({ ...config, version: 1 }));
    await writeFile(join(v1, 'scaler.json'), await readFile(join(v2, 'scaler.json')));
    const loaded = await loadForecaster(v2);
    const sd = loaded.model.stateDict();
    loaded.model.dispose();
    // …under format 1's names: the LSTM was `lstm.`, now it is the course's `rnn.`.
    const legacy = Object.entries(sd).map(([k, t]) => [k.replace(/^rnn\./, 'lstm.'), { shape: t.shape, data: Array.from(t.data) }]);
    assert.ok(legacy.some(([k]) => k === 'lstm.weight_ih_l0'));
    await writeFile(join(v1, 'weights.json'), JSON.stringify(Object.fromEntries(legacy)));
    const a = await predictWithSaved(v2, file, { backend: 'wasm' });
    const b = await predictWithSaved(v1, file, { backend: 'wasm' });
    assert.deepEqual(b.testSeries, a.testSeries);
    assert.deepEqual(b.forecast, a.forecast);
    run.dispose();
  });

  test('saving over an existing model folder replaces it whole, leaving no temporary folders', async () => {
    const file = await sineCsv('atomic.csv', noisySine(40, 6));
    const parent = join(dir, 'atomic');
    const modelDir = join(parent, 'model');
    await mkdir(modelDir, { recursive: true });
    // An older RNN Lab model (format 1): only a folder like this is ever replaced (test/engine/persist.test.ts).
    await writeFile(join(modelDir, 'config.json'), '{"kind": "forecaster", "version": 1}');
    await writeFile(join(modelDir, 'weights.json'), '{"old": true}');
    const run = await runForecast(file, { ...SMALL, epochs: 2 });
    await run.save(modelDir);
    assert.deepEqual((await readdir(modelDir)).sort(), ['config.json', 'model.safetensors', 'scaler.json'], 'old files are gone');
    assert.deepEqual(await readdir(parent), ['model'], 'no temporary or backup folders are left beside it');
    const weights = decodeSafetensors(await readFile(join(modelDir, 'model.safetensors')), 'model.safetensors').tensors;
    assert.deepEqual(Object.keys(weights).sort(), ['fc.bias', 'fc.weight', 'rnn.bias_hh_l0', 'rnn.bias_ih_l0', 'rnn.weight_hh_l0', 'rnn.weight_ih_l0']);
    // Saving again over it works the same way.
    await run.save(modelDir);
    assert.deepEqual(await readdir(parent), ['model']);
    run.dispose();
  });

  test('aborting from a batchEnd listener rejects with CANCELLED, emits end/cancelled, frees every tensor', async () => {
    const file = await sineCsv('cancel.csv', noisySine(80, 7));
    // A model saved earlier at some path must survive a cancelled run untouched.
    const first = await runForecast(file, { ...SMALL, epochs: 2 });
    const modelDir = join(dir, 'cancel-model');
    await first.save(modelDir);
    first.dispose();
    const snapshot = async () => Object.fromEntries(await Promise.all((await readdir(modelDir)).map(async (n) => [n, await readFile(join(modelDir, n), 'utf8')])));
    const saved = await snapshot();

    for (const batchSize of ['full', 16] as const) {
      await initBackend('wasm');
      const before = tf.memory().numTensors;
      const controller = new AbortController();
      const events: TrainEvent[] = [];
      let batches = 0;
      const e = await expectErrorAsync(
        () =>
          runForecast(file, { ...SMALL, epochs: 50, batchSize }, {
            signal: controller.signal,
            onEvent: (ev) => {
              events.push(ev);
              if (ev.type === 'batchEnd' && ++batches === 3) controller.abort();
            },
          }),
        'CANCELLED',
      );
      assert.ok(e instanceof RnnLabError);
      assert.equal(events.filter((ev) => ev.type === 'batchEnd').length, 3, 'no batch runs after the abort');
      const end = events.at(-1);
      assert.equal(end?.type, 'end');
      assert.equal(end?.type === 'end' && end.reason, 'cancelled');
      assert.equal(tf.memory().numTensors, before, `batch size ${batchSize}: every tensor is freed`);
    }
    assert.deepEqual(await snapshot(), saved, 'the earlier model folder is untouched');
  });

  for (const backend of ['wasm', 'cpu'] as const) {
    for (const batchSize of ['full', 16] as const) {
      test(`tf.memory().numTensors is the same after every epoch (${backend}, batch size ${batchSize}, with validation)`, async () => {
        const file = await sineCsv(`mem-${backend}-${batchSize}.csv`, noisySine(90, 8));
        const counts: number[] = [];
        const run = await runForecast(file, { ...SMALL, epochs: 6, batchSize, validationFraction: 0.2, backend }, {
          onEvent: (ev) => {
            if (ev.type === 'epochEnd') counts.push(tf.memory().numTensors);
          },
        });
        assert.equal(run.result.backend, backend);
        assert.equal(counts.length, 6);
        assert.deepEqual(counts, Array(6).fill(counts[0]), `tensor counts per epoch: ${counts}`);
        run.dispose();
      });
    }
  }

  test('early stopping: stops once validation loss stops improving and restores the best weights', async () => {
    // Pure noise: nothing carries from the training rows to the validation rows, so validation
    // loss cannot keep improving for 300 epochs at lr 0.05.
    const rng = new Rng(9);
    const rows = 120;
    const L = 5;
    const s: Series = { dates: [], aux: [], value: [] };
    for (let i = 0; i < rows; i++) {
      s.dates.push(isoDay(i));
      s.aux.push(Number(rng.uniform(0, 10).toFixed(3)));
      s.value.push(Number(rng.uniform(0, 10).toFixed(3)));
    }
    const file = await sineCsv('noise.csv', s);
    const patience = 3;
    const epochs = 300;
    const events: TrainEvent[] = [];
    const run = await runForecast(file, { ...SMALL, hidden: 8, lr: 0.05, epochs, validationFraction: 0.25, patience }, { onEvent: (e) => events.push(e) });
    const r = run.result;
    assert.equal(r.stoppedEarly, true);
    assert.ok(r.history.length < epochs, `stopped after ${r.history.length} of ${epochs} epochs`);
    const end = events.at(-1);
    assert.ok(end?.type === 'end' && end.reason === 'earlyStopped' && end.epochs === r.history.length);
    const val = r.history.map((h) => h.valLoss!);
    assert.ok(val.every(Number.isFinite));
    const bestEpoch = val.indexOf(Math.min(...val));
    assert.equal(r.history.length, bestEpoch + 1 + patience, 'stops exactly `patience` epochs after the best one');
    for (let i = bestEpoch + 1; i < val.length; i++) assert.ok(val[i] >= val[bestEpoch]);

    // The model that comes out is the best epoch's: its validation MSE (scaled units, by hand) is the best valLoss.
    const modelDir = join(dir, 'early-model');
    await run.save(modelDir);
    const loaded = await loadForecaster(modelDir);
    const trainRows = Math.floor(rows * 0.7);
    const nAll = trainRows - L;
    const nVal = Math.round(nAll * 0.25);
    const starts = Array.from({ length: nVal }, (_, k) => nAll - nVal + k);
    const pred = predictByHand(loaded, s, starts, L);
    const sj = loaded.scaler.toJSON();
    const span = sj.max[1] - sj.min[1];
    let mse = 0;
    starts.forEach((r0, k) => (mse += ((pred[k] - s.value[r0 + L]) / span) ** 2));
    mse /= nVal;
    assertClose([mse], [val[bestEpoch]], 'validation MSE of the returned model = best validation loss', 1e-4, 1e-7);
    assert.ok(Math.abs(mse - val[val.length - 1]) > 1e-6 * mse || val[val.length - 1] === val[bestEpoch], 'differs from the last epoch');
    loaded.model.dispose();
    run.dispose();
  });

  test('MAPE is null with a note when an actual test value is 0', async () => {
    const s = noisySine(40, 10, { offset: 0 });
    s.value[38] = 0; // a test row (trainRows = 28)
    const file = await sineCsv('zero.csv', s);
    const run = await runForecast(file, { ...SMALL, epochs: 2 });
    assert.equal(run.result.test.mape, null);
    assert.equal(run.result.naive.mape, null);
    assert.match(run.result.test.mapeNote ?? '', /window 11\b.*0|0.*window 11\b/, 'names the test window whose actual is 0');
    assert.ok(Number.isFinite(run.result.test.rmse) && Number.isFinite(run.result.test.mae));
    run.dispose();
  });

  test('forecast dates continue at the data step, in the file\'s format, whatever the time zone', async () => {
    const rows = 40;
    const s = noisySine(rows, 11);
    const hour = 3600000;
    const t0 = Date.UTC(2021, 2, 1, 0, 0, 0);
    const stamp = (i: number) => new Date(t0 + i * hour).toISOString().slice(0, 19);
    const file = await csv('hourly.csv', ['time', 'aux', 'value'], s.value.map((v, i) => [stamp(i).replace('T', ' '), s.aux[i], v]));
    const tz = process.env.TZ;
    try {
      for (const zone of ['UTC', 'America/New_York', 'Asia/Kolkata']) {
        process.env.TZ = zone;
        const run = await runForecast(file, { ...SMALL, epochs: 1 });
        assert.deepEqual(run.result.testSeries.x.slice(-1), [stamp(rows - 1)]);
        assert.deepEqual(run.result.forecast.x, [stamp(rows), stamp(rows + 1), stamp(rows + 2)], `TZ=${zone}`);
        run.dispose();
      }
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
    // No date column: row numbers continue.
    const plain = await csv('plain.csv', ['aux', 'value'], s.value.map((v, i) => [s.aux[i], v]));
    const run = await runForecast(plain, { ...SMALL, epochs: 1 });
    assert.deepEqual(run.result.forecast.x, [rows + 1, rows + 2, rows + 3]);
    assert.equal(run.result.testSeries.x.at(-1), rows, 'test rows are numbered from 1');
    run.dispose();
  });
});

describe('resolveForecastOptions', () => {
  test('fills in the course defaults', () => {
    assert.deepEqual(resolveForecastOptions({}), { ...FORECAST_DEFAULTS });
    assert.equal(resolveForecastOptions({ epochs: undefined }).epochs, FORECAST_DEFAULTS.epochs);
  });

  test('rejects bad values with BAD_OPTION', () => {
    const bad: Partial<ForecastOptions>[] = [
      { epochs: 0 },
      { epochs: 2.5 },
      { lr: -1 },
      { lr: 0 },
      { lr: NaN },
      { lr: 10 },
      { trainFraction: 1 },
      { trainFraction: 0 },
      { patience: 2 },
      { patience: 2, validationFraction: 0 },
      { validationFraction: 1 },
      { batchSize: 0 },
      { seqLength: 0 },
      { hidden: -3 },
      { horizon: -1 },
      { clipNorm: -1 },
      { seed: -1 },
      { missing: 'zero' as ForecastOptions['missing'] },
      { order: 'sorted' as ForecastOptions['order'] },
    ];
    for (const o of bad) expectError(() => resolveForecastOptions(o), 'BAD_OPTION');
    const e = expectError(() => resolveForecastOptions({ patience: 2 }), 'BAD_OPTION');
    assert.match(e.toString(), /validation/i);
    // …and accepts good ones.
    assert.equal(resolveForecastOptions({ patience: 2, validationFraction: 0.1 }).patience, 2);
    assert.equal(resolveForecastOptions({ batchSize: 16 }).batchSize, 16);
  });
});

describe('trainer', () => {
  test('a loss that becomes NaN stops training with NON_FINITE_LOSS naming the step and suggesting a fix', async () => {
    await initBackend('wasm');
    // loss = sqrt(w): SGD with lr 10 takes w from 1 to 1 − 10·0.5 = −4, and sqrt(−4) is NaN.
    const w = tf.variable(tf.scalar(1));
    const before = tf.memory().numTensors;
    const task: TrainTask<number> = {
      variables: [w],
      epochBatches: () => [0],
      batchesPerEpoch: 1,
      trainExamples: 1,
      validationExamples: 0,
      sizeOf: () => 1,
      loss: () => tf.sqrt(w) as tf.Scalar,
    };
    const losses: number[] = [];
    const e = await expectErrorAsync(
      () => train(task, { epochs: 5, optimizer: { name: 'sgd', lr: 10 }, backend: 'wasm' }, { onEvent: (ev) => ev.type === 'batchEnd' && losses.push(ev.loss) }),
      'NON_FINITE_LOSS',
    );
    assert.deepEqual(losses, [1], 'the first step ran with loss sqrt(1)');
    assert.match(e.message, /NaN/);
    assert.match(e.message, /epoch 2\b/);
    assert.match(e.message, /step 2\b/);
    assert.match(e.hint ?? '', /learning rate/i);
    assert.match(e.hint ?? '', /clip/i);
    assert.equal(w.dataSync()[0], -4, 'the NaN step is not applied');
    assert.equal(tf.memory().numTensors, before, 'nothing leaks');
    w.dispose();
  });
});

describe('errorMetrics', () => {
  test('RMSE, MAE and MAPE on a 3-element example', () => {
    // errors 1, 0, −3
    const m = errorMetrics([1, 2, 4], [2, 2, 1]);
    assertClose([m.rmse, m.mae, m.mape!], [Math.sqrt(10 / 3), 4 / 3, (100 * (1 + 0 + 0.75)) / 3], 'metrics', 1e-12, 0);
    assert.equal(m.mapeNote, undefined);
  });

  test('MAPE is null, with a note naming the window, when an actual value is 0', () => {
    const m = errorMetrics([3, 0, 4], [2, 1, 4]);
    assert.equal(m.mape, null);
    assert.match(m.mapeNote ?? '', /window 2\b/);
    assertClose([m.rmse, m.mae], [Math.sqrt(2 / 3), 2 / 3], 'RMSE and MAE still computed', 1e-12, 0);
    assert.ok(!JSON.stringify(m).match(/Infinity|NaN/));
  });
});
