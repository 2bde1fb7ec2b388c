/**
 * The forecast flow end to end, shared by the CLI and the extension's worker: read the CSV, split
 * and scale it (scaler fitted on the training rows only), train the LSTM forecaster, evaluate it in
 * original units against the persistence baseline, forecast past the last row, and save or load
 * the whole thing as a folder.
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../backend';
import { RnnLabError } from '../errors';
import { columnList } from '../data/text';
import { parseDate, readCsvFile, type CsvOptions, type CsvTable } from '../data/csv';
import { prepareForecastData, WindowSet, type ForecastData } from '../data/windows';
import type { MinMaxScaler } from '../data/scaler';
import { Forecaster, type ForecasterConfig } from '../models/forecaster';
import { BATCH_BYTES_LIMIT, fitsMemory, forecastBatchBytes, forecasterParams, gib, largestFitting, modelBytes } from '../models/budget';
import { train, type TrainTask } from '../train/trainer';
import { forecasterDirectApplies, forecasterDirectStep } from '../models/forecasterStep';
import type { RunControl } from '../train/events';
import { LoopProgress } from '../train/progress';
import { errorMetrics } from '../metrics';
import { Rng } from '../random';
import { loadModel, saveModel } from '../models/folder';
import { FORECASTER, SCALER_FILE, type SavedForecaster } from './model';
import { FORECAST_DEFAULTS, type ForecastOptions, type ForecastResult } from './types';
import { badOption, checkOption, resolveOptions } from '../options';
import { opt, type Text } from '../../shared/errors';
import { say } from '../../shared/said';
import { FORECAST_OPTIONS } from '../../shared/options/forecast';

/** Windows per forward pass when predicting, to bound memory on large files. */
const PREDICT_CHUNK = 8192;

export interface ForecastRun {
  result: ForecastResult;
  /** Save model, scaler and config into `dir` (atomically). */
  save(dir: string): Promise<void>;
  /** Free the model's tensors. */
  dispose(): void;
}

/**
 * Every option checked against the forecast table (src/shared/options/forecast.ts), so a typo
 * fails at once with a message instead of deep in training; then the rules across options.
 */
export function resolveForecastOptions(options: Partial<ForecastOptions>): ForecastOptions {
  const o = resolveOptions<ForecastOptions>(FORECAST_OPTIONS, options);
  if (o.patience > 0 && o.validationFraction === 0) {
    throw badOption(say('Early stopping (patience) needs a validation split.'), say('Add {0}, or set {1}.', opt('validationFraction', 0.1), opt('patience', 0)), {
      option: 'patience',
      suggest: { option: 'validationFraction', value: 0.1 },
    });
  }
  return o;
}

/** How the forecast options read a CSV (a saved model's options too: older ones lack the newer fields). */
function csvOptions(file: string, o: Pick<ForecastOptions, 'missing' | 'order' | 'dateFormat' | 'decimalComma'>): CsvOptions {
  return { file, missing: o.missing, order: o.order, dateFormat: o.dateFormat, decimalComma: o.decimalComma };
}

/** Predictions (scaled) for every window of `set`, in chunks; plain numbers out, no tensors left. */
function predictAll(model: Forecaster, set: WindowSet): Float32Array {
  const out = new Float32Array(set.size);
  const L = set.seqLength;
  const F = set.featureCount;
  const fit = largestFitting(PREDICT_CHUNK, (n) => forecastBatchBytes(n, model.config) <= BATCH_BYTES_LIMIT);
  const chunk = Math.min(Math.max(1, fit), Math.max(1, set.size));
  const xb = new Float32Array(chunk * L * F);
  const yb = new Float32Array(chunk);
  for (let s = 0; s < set.size; s += chunk) {
    const n = Math.min(chunk, set.size - s);
    const idx = Int32Array.from({ length: n }, (_, i) => s + i);
    set.fill(idx, xb, yb, true);
    const pred = tf.tidy(() => model.predictPacked(tf.tensor2d(xb.subarray(0, n * L * F), [L * n, F]), n));
    out.set(pred.dataSync() as Float32Array, s);
    pred.dispose();
  }
  return out;
}

/** Mean squared error (scaled units) over a window set; for validation loss. */
function mseOf(model: Forecaster, set: WindowSet): number {
  const p = predictAll(model, set);
  const y = set.labels();
  let s = 0;
  for (let i = 0; i < p.length; i++) s += (p[i] - y[i]) ** 2;
  return s / Math.max(1, p.length);
}

interface Batch {
  x: tf.Tensor;
  y: tf.Tensor;
  /** x's and y's values, for the direct step. */
  xData: Float32Array;
  yData: Float32Array;
  n: number;
}

/** The training task, and a dispose for the full batch it keeps between epochs. */
function makeTask(model: Forecaster, data: ForecastData, o: ForecastOptions): { task: TrainTask<Batch>; dispose(): void } {
  const set = data.train;
  const L = set.seqLength;
  const F = set.featureCount;
  const rng = new Rng(o.seed + 1);
  const bs = o.batchSize === 'full' ? set.size : Math.min(o.batchSize, set.size);
  const xb = new Float32Array(bs * L * F);
  const yb = new Float32Array(bs);
  // Full-batch training (the course's setting) feeds the same tensors every epoch.
  let full: Batch | null = null;
  const makeBatch = (idx: Int32Array): Batch => {
    const n = idx.length;
    set.fill(idx, xb, yb, true);
    const xData = xb.slice(0, n * L * F), yData = yb.slice(0, n);
    return { x: tf.tensor2d(xData, [L * n, F]), y: tf.tensor1d(yData), xData, yData, n };
  };
  const task: TrainTask<Batch> = {
    variables: model.variables,
    batchesPerEpoch: set.batchCount(o.batchSize),
    trainExamples: set.size,
    validationExamples: data.validation.size,
    sizeOf: (b) => b.n,
    loss: (b) => model.lossPacked(b.x, b.y, b.n),
    // The same step on kernel memory, without tfjs's per-op overhead (models/forecasterStep.ts).
    directStep: forecasterDirectApplies(model) ? (b, flat) => forecasterDirectStep(model, b.xData, b.yData, b.n, flat) : undefined,
    // Training labels are scaled into [0, 1]: predicting 0.5 scores at most 0.25.
    divergenceLoss: 10,
    validationLoss: data.validation.size > 0 ? () => mseOf(model, data.validation) : undefined,
    *epochBatches() {
      if (o.batchSize === 'full') {
        if (!full) full = makeBatch(Int32Array.from({ length: set.size }, (_, i) => i));
        yield full;
        return;
      }
      for (const idx of set.batches(o.batchSize, rng)) {
        const b = makeBatch(idx);
        try {
          yield b;
        } finally {
          tf.dispose([b.x, b.y]);
        }
      }
    },
  };
  return {
    task,
    dispose: () => {
      if (full) tf.dispose([full.x, full.y]);
      full = null;
    },
  };
}

/**
 * Dates continue at the median spacing of the last rows, in the table's own format; without dates,
 * row numbers continue.
 */
function futureAxis(table: Pick<CsvTable, 'dates' | 'rows'>, horizon: number): (string | number)[] {
  const out: (string | number)[] = [];
  const dates = table.dates;
  if (dates && dates.length >= 2) {
    // The table's dates are UTC ISO strings without an offset (2017-01-03 or 2017-01-03T10:00:00);
    // parseDate reads them as UTC, where Date.parse would take a date-time as local time.
    const ms = dates.slice(-31).map((d) => parseDate(d));
    const gaps = ms.slice(1).map((v, i) => v - ms[i]).filter((g) => g > 0).sort((a, b) => a - b);
    const step = gaps.length ? gaps[Math.floor(gaps.length / 2)] : 86400000;
    const width = dates[dates.length - 1].length; // 10 (date), 19 (seconds) or 23 (milliseconds)
    let t = ms[ms.length - 1];
    for (let h = 0; h < horizon; h++) {
      t += step;
      out.push(new Date(t).toISOString().slice(0, width));
    }
    return out;
  }
  for (let h = 1; h <= horizon; h++) out.push(table.rows + h);
  return out;
}

/**
 * Recursive forecast past the last row: predict, append the prediction as the next row's target,
 * carry the other features forward from the last row (their future is unknown), repeat.
 */
async function forecastAhead(model: Forecaster, last: Float32Array, L: number, F: number, targetFeature: number, horizon: number, control: RunControl): Promise<Float32Array> {
  const out = new Float32Array(horizon);
  const w = last.slice(); // [L, F] scaled
  const progress = new LoopProgress(control, 'forecast', horizon);
  for (let h = 0; h < horizon; h++) {
    await progress.tick(h);
    const p = tf.tidy(() => model.predictPacked(tf.tensor2d(w, [L, F]), 1));
    const v = p.dataSync()[0];
    p.dispose();
    out[h] = v;
    const next = w.slice((L - 1) * F, L * F);
    if (targetFeature >= 0) next[targetFeature] = v;
    w.copyWithin(0, F);
    w.set(next, (L - 1) * F);
  }
  await progress.tick(horizon);
  return out;
}

function axisFor(table: Pick<CsvTable, 'dates'>, rows: ArrayLike<number>): (string | number)[] {
  return Array.from(rows, (r) => (table.dates ? table.dates[r] : r + 1));
}

/**
 * Evaluate on `set` in original units, with the persistence baseline on the same windows.
 * Actuals and the baseline are read from the unscaled values (`original(row)`): a round trip
 * through the float32 scaled table would turn an actual 0 into ~1e-7 and MAPE into billions.
 */
function evaluate(
  model: Forecaster,
  set: WindowSet,
  scaler: MinMaxScaler,
  target: number,
  original: (row: number) => number,
  where: { file: string; lines: ArrayLike<number>; code: 'NON_FINITE_LOSS' | 'BAD_MODEL'; fix: Text },
) {
  const predicted = scaler.inverseColumn(predictAll(model, set), target);
  const bad = predicted.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    const line = where.lines[set.labelRow(bad)];
    const name = scaler.columns?.[target];
    throw new RnnLabError(
      where.code,
      say("The model's prediction of {0} for this line is {1}: its weights are too large for this data.", name === undefined ? say('"the target"') : JSON.stringify(name), predicted[bad]),
      where.fix,
      { file: where.file, line },
    );
  }
  const actual = Float64Array.from({ length: set.size }, (_, i) => original(set.labelRow(i)));
  const naive = Float64Array.from({ length: set.size }, (_, i) => original(set.labelRow(i) - 1));
  return { predicted, actual, naive, test: errorMetrics(actual, predicted), naiveMetrics: errorMetrics(actual, naive) };
}

/** How runForecast and checkForecastFile are controlled; `table` skips reading the file again. */
export interface ForecastControl extends RunControl {
  /**
   * The table checkForecastFile returned for this file with the same `missing`, `order`,
   * `dateFormat` and `decimalComma` options (the extension's worker checks the file before it opens the run panel, then trains).
   */
  table?: CsvTable;
}

/**
 * The checks runForecast makes before it trains (the file, its columns, enough rows for the
 * windows and the split, a batch that fits in memory), without loading a backend. Returns the
 * parsed table, which runForecast takes back through `control.table`; throws the same errors.
 */
export async function checkForecastFile(file: string, options: Partial<ForecastOptions>, control: Pick<ForecastControl, 'displayName'> = {}): Promise<CsvTable> {
  const o = resolveForecastOptions(options);
  return (await loadForecastData(file, o, control)).table;
}

/**
 * Refuse a model or a training batch that would not fit in memory, before anything is allocated,
 * with the estimate and the first change that fits by the same estimate: a smaller batch, fewer
 * layers, a smaller hidden size, or both at a batch of 64.
 */
function checkMemory(name: string, o: ForecastOptions, inputSize: number, trainWindows: number): void {
  const windows = o.batchSize === 'full' ? trainWindows : Math.min(o.batchSize, trainWindows);
  const sizes = (hidden: number, layers: number): ForecasterConfig => ({ inputSize, hidden, layers, seqLength: o.seqLength });
  const fits = (c: ForecasterConfig, w: number) => fitsMemory(forecasterParams(c), forecastBatchBytes(w, c));
  const c = sizes(o.hidden, o.layers);
  if (fits(c, windows)) return;
  const model = modelBytes(forecasterParams(c));
  const batch = forecastBatchBytes(windows, c);
  const small = Math.min(windows, 64);
  const bs = largestFitting(Math.min(1024, windows), (w) => fits(c, w));
  const layers = largestFitting(o.layers - 1, (l) => fits(sizes(o.hidden, l), windows));
  const hidden = largestFitting(o.hidden - 1, (h) => fits(sizes(h, o.layers), windows));
  const both = largestFitting(o.hidden, (h) => fits(sizes(h, 1), small));
  const [hint, suggest] =
    bs > 0
      ? [say('Train in mini-batches: set {0}.', opt('batchSize', bs)), { option: 'batchSize', value: bs }]
      : layers > 0
        ? [say('Use fewer layers: {0} fit.', opt('layers', layers)), { option: 'layers', value: layers }]
        : hidden > 0
          ? [say('Use a smaller hidden size: {0} fits.', opt('hidden', hidden)), { option: 'hidden', value: hidden }]
          : both > 0
            ? [say('Use a smaller model in mini-batches: {0}, {1} and {2}.', opt('hidden', both), opt('layers', 1), opt('batchSize', small)), { option: 'hidden', value: both }]
            : [say('Use a shorter window ({0}) or fewer features.', opt('seqLength')), undefined];
  const layerWords = o.layers > 1 ? say('{0} layers', o.layers.toLocaleString('en')) : say('{0} layer', o.layers.toLocaleString('en'));
  const windowWords = windows > 1 ? say('{0} windows', windows.toLocaleString('en')) : say('{0} window', windows.toLocaleString('en'));
  throw new RnnLabError(
    'BAD_OPTION',
    say('An LSTM with hidden size {0} and {1}, trained on batches of {2}, would need about {3} (weights and optimiser {4}, batch {5}).', o.hidden.toLocaleString('en'), layerWords, windowWords, gib(model + batch), gib(model), gib(batch)),
    hint,
    { file: name },
    { suggest },
  );
}

async function loadForecastData(file: string, o: ForecastOptions, control: ForecastControl): Promise<{ table: CsvTable; data: ForecastData }> {
  const name = control.displayName ?? file;
  const table = control.table ?? (await readCsvFile(file, csvOptions(name, o)));
  const data = prepareForecastData(table, { seqLength: o.seqLength, trainFraction: o.trainFraction, validationFraction: o.validationFraction, features: o.features, target: o.target });
  checkMemory(name, o, data.features.length, data.train.size);
  return { table, data };
}

export async function runForecast(file: string, options: Partial<ForecastOptions>, control: ForecastControl = {}): Promise<ForecastRun> {
  const o = resolveForecastOptions(options);
  const backend = await initBackend(o.backend ?? 'auto', o.threads);
  const { table, data } = await loadForecastData(file, o, control);
  const F = data.features.length;
  const config: ForecasterConfig = { inputSize: F, hidden: o.hidden, layers: o.layers, seqLength: o.seqLength };
  const model = new Forecaster(config, o.seed);
  const { task, dispose: disposeTask } = makeTask(model, data, o);
  try {
    const summary = await train(task, { epochs: o.epochs, optimizer: { name: 'adam', lr: o.lr }, usualLr: FORECAST_OPTIONS.lr.default, clipNorm: o.clipNorm, patience: o.patience, backend }, control);
    const targetCol = table.columns.indexOf(data.targetName);
    const ev = evaluate(model, data.test, data.scaler, data.target, (r) => table.data[r * table.columns.length + targetCol], { file: table.file, lines: table.lines, code: 'NON_FINITE_LOSS', fix: say('Lower the learning rate (now {0}) or turn on gradient clipping ({1}).', opt('lr', o.lr), opt('clipNorm', 1)) });
    const targetFeature = data.features.indexOf(data.target);
    const ahead = await forecastAhead(model, data.lastWindow(), o.seqLength, F, targetFeature, o.horizon, control);
    const result: ForecastResult = {
      backend,
      trainSeconds: summary.seconds,
      finalLoss: summary.finalLoss,
      rows: table.rows,
      testWindows: data.test.size,
      target: data.targetName,
      features: data.featureNames,
      test: ev.test,
      naive: ev.naiveMetrics,
      history: summary.history,
      testSeries: { x: axisFor(table, data.testLabelRows()), actual: Array.from(ev.actual), predicted: Array.from(ev.predicted), naive: Array.from(ev.naive) },
      forecast: { x: futureAxis(table, o.horizon), values: Array.from(data.scaler.inverseColumn(ahead, data.target)) },
      stoppedEarly: summary.stoppedEarly,
    };
    const { backend: _b, threads: _t, ...savedOptions } = o;
    const saved: Omit<SavedForecaster, 'kind' | 'version'> = { model: config, columns: data.columns, features: data.features, target: data.target, options: savedOptions, source: file };
    return {
      result,
      save: (dir) => saveModel(dir, FORECASTER, saved, model, { [SCALER_FILE]: data.scaler.toJSON() }),
      dispose: () => model.dispose(),
    };
  } catch (e) {
    model.dispose();
    throw e;
  } finally {
    disposeTask();
  }
}

/** Load a saved forecaster folder: every field of config.json and scaler.json is checked first. */
export async function loadForecaster(dir: string): Promise<{ model: Forecaster; config: SavedForecaster; scaler: MinMaxScaler }> {
  const { saved, data, model } = await loadModel(dir, FORECASTER);
  return { model, config: saved, scaler: data.scaler };
}

/**
 * Apply a saved forecaster to another CSV with the same columns: predict every window that has a
 * label (all in original units, with the persistence baseline) and forecast past the last row.
 * The saved scaler is used as is; nothing is refitted.
 */
export async function predictWithSaved(
  modelDir: string,
  file: string,
  options: RunControl & { horizon?: number } & Pick<ForecastOptions, 'backend' | 'threads'> = {},
): Promise<ForecastResult> {
  if (options.signal?.aborted) throw new RnnLabError('CANCELLED', say('Prediction was cancelled.'));
  if (options.horizon !== undefined) checkOption(FORECAST_OPTIONS.horizon, options.horizon);
  if (options.threads !== undefined) checkOption(FORECAST_OPTIONS.threads, options.threads);
  const backend = await initBackend(options.backend ?? 'auto', options.threads);
  const { model, config, scaler } = await loadForecaster(modelDir);
  try {
    const o = config.options;
    const name = options.displayName ?? file;
    const table = await readCsvFile(file, csvOptions(name, { ...FORECAST_DEFAULTS, ...o }));
    const missing = config.columns.filter((c) => !table.columns.includes(c));
    if (missing.length) {
      throw new RnnLabError(
        'UNKNOWN_COLUMN',
        missing.length > 1 ? say('{0} lacks the columns {1} that the model was trained on.', name, columnList(missing)) : say('{0} lacks the column {1} that the model was trained on.', name, columnList(missing)),
        say('Use a CSV with the columns {0}.', columnList(config.columns)),
        { file: name },
      );
    }
    const U = config.columns.length;
    const C = table.columns.length;
    const idx = config.columns.map((c) => table.columns.indexOf(c));
    const compact = new Float64Array(table.rows * U);
    for (let r = 0; r < table.rows; r++) for (let u = 0; u < U; u++) compact[r * U + u] = table.data[r * C + idx[u]];
    const L = config.model.seqLength;
    if (table.rows < L + 1) {
      throw new RnnLabError('TOO_FEW_ROWS', say('{0} has {1} rows; the model needs at least {2} (a window of {3} and a label).', name, table.rows, L + 1, L), say('Use a longer file.'), { file: name });
    }
    const scaled = scaler.transform(compact, { file: name, lines: table.lines });
    const set = new WindowSet(scaled, U, config.features, config.target, L, 0, table.rows - L);
    const ev = evaluate(model, set, scaler, config.target, (r) => compact[r * U + config.target], { file: name, lines: table.lines, code: 'BAD_MODEL', fix: say('The weights in {0} are damaged or were trained on data of another scale: save the model again.', modelDir) });
    const horizon = options.horizon ?? o.horizon;
    const last = new Float32Array(L * config.features.length);
    for (let t = 0; t < L; t++) for (let f = 0; f < config.features.length; f++) last[t * config.features.length + f] = scaled[(table.rows - L + t) * U + config.features[f]];
    const ahead = await forecastAhead(model, last, L, config.features.length, config.features.indexOf(config.target), horizon, options);
    const labelRows = Int32Array.from({ length: set.size }, (_, i) => i + L);
    return {
      backend,
      trainSeconds: 0,
      finalLoss: null,
      rows: table.rows,
      testWindows: set.size,
      target: config.columns[config.target],
      features: config.features.map((f) => config.columns[f]),
      test: ev.test,
      naive: ev.naiveMetrics,
      history: [],
      testSeries: { x: axisFor(table, labelRows), actual: Array.from(ev.actual), predicted: Array.from(ev.predicted), naive: Array.from(ev.naive) },
      forecast: { x: futureAxis(table, horizon), values: Array.from(scaler.inverseColumn(ahead, config.target)) },
      stoppedEarly: false,
    };
  } finally {
    model.dispose();
  }
}
