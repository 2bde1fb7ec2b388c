/**
 * Sliding windows over a scaled table, built lazily.
 *
 * Course semantics (lab 11-4): trainRows = floor(rows * trainFraction). Training windows use rows
 * [0, trainRows): window i is rows i..i+L-1 and its label is the target at row i+L, for
 * i in [0, trainRows - L). Test windows come from rows [trainRows - L, rows), so there are
 * rows - trainRows of them and the first one predicts row trainRows. Optional validation takes the
 * LAST round(nTrainWindows * validationFraction) training windows (chronological hold-out).
 *
 * A WindowSet holds only the scaled Float32Array and a range of window starts; `fill` copies the
 * requested windows into caller-owned batch buffers ([n, L, F] batch-first, and [n] labels).
 * No tfjs here: the model code turns the buffers into tensors.
 */
import { RnnLabError } from '../errors';
import { badOption, checkOption } from '../options';
import { opt, type Suggestion } from '../../shared/errors';
import { say, type Said, type SaidArg } from '../../shared/said';
import type { ErrorAbout } from '../errors';
import { FORECAST_OPTIONS } from '../../shared/options/forecast';
import type { Rng } from '../random';
import type { CsvTable } from './csv';
import { columnIndex } from './csv';
import { ignoredWords } from './csvColumns';
import { columnLabel, columnList } from './text';
import { MinMaxScaler } from './scaler';

export interface WindowRange {
  /** Row index where the first window starts. */
  start: number;
  /** Number of windows; window k starts at row start + k. */
  count: number;
}

export interface WindowSplit {
  rows: number;
  seqLength: number;
  trainRows: number;
  train: WindowRange;
  validation: WindowRange;
  test: WindowRange;
}

export interface WindowSplitOptions {
  seqLength: number;
  trainFraction: number;
  /** Fraction of the training windows (the latest) held out for validation. Default 0. */
  validationFraction?: number;
  /** For messages. */
  file?: string;
}

/** The split's window counts; every one must be at least 1 (see `splitWindows`). */
function splitCounts(rows: number, L: number, tf: number, vf: number): { trainRows: number; nTrainAll: number; nVal: number; nTrain: number; nTest: number } {
  const trainRows = Math.floor(rows * tf);
  const nTrainAll = trainRows - L;
  const nVal = Math.round(Math.max(0, nTrainAll) * vf);
  return { trainRows, nTrainAll, nVal, nTrain: nTrainAll - nVal, nTest: rows - trainRows };
}

function splitWorks(rows: number, L: number, tf: number, vf: number): boolean {
  const c = splitCounts(rows, L, tf, vf);
  return rows >= L + 2 && c.nTrainAll >= 1 && c.nTest >= 1 && c.nTrain >= 1;
}

/** Fractions k/100 (or k/1000 when no hundredth works) in (0, 1) for which `ok` holds: the lowest and highest. */
function fractionRange(ok: (f: number) => boolean): [number, number] | null {
  for (const steps of [100, 1000]) {
    const good: number[] = [];
    for (let k = 1; k < steps; k++) if (ok(Number((k / steps).toFixed(3)))) good.push(Number((k / steps).toFixed(3)));
    if (good.length) return [good[0], good[good.length - 1]];
  }
  return null;
}

/**
 * What to change so that the split works, each choice checked by running the split with it: a
 * shorter seq length, a train-fraction range, a smaller validation fraction, or more rows. The
 * first choice is also the error's suggestion.
 */
function splitHint(rows: number, L: number, tf: number, vf: number): { hint: Said; about: ErrorAbout } {
  const ways: SaidArg[] = [];
  let suggest: Suggestion | undefined;
  let shorter = 0;
  for (let l = L - 1; l >= 1 && !shorter; l--) if (splitWorks(rows, l, tf, vf)) shorter = l;
  if (shorter) {
    ways.push(shorter > 1 ? say('{0} or less', opt('seqLength', shorter)) : opt('seqLength', shorter));
    suggest = { option: 'seqLength', value: shorter };
  }
  const tfRange = fractionRange((f) => splitWorks(rows, L, f, vf));
  if (tfRange) {
    ways.push(tfRange[0] === tfRange[1] ? opt('trainFraction', tfRange[0]) : say('a {0} between {1} and {2}', opt('trainFraction'), tfRange[0], tfRange[1]));
    suggest ??= { option: 'trainFraction', value: tfRange[0] };
  }
  if (vf > 0 && splitWorks(rows, L, tf, 0)) {
    const vfRange = fractionRange((f) => splitWorks(rows, L, tf, f));
    ways.push(vfRange ? say('a {0} of at most {1} (or 0)', opt('validationFraction'), vfRange[1]) : opt('validationFraction', 0));
    suggest ??= { option: 'validationFraction', value: vfRange ? vfRange[1] : 0 };
  }
  let more = rows + 1;
  while (more < rows + 10_000_000 && !splitWorks(more, L, tf, vf)) more++;
  ways.push(say('more rows (at least {0})', more));
  // One to four ways, the last always more rows.
  const [a, b, c, d] = ways;
  const hint =
    ways.length === 1
      ? say('Use {0}.', a)
      : ways.length === 2
        ? say('Use {0}, or {1}.', a, b)
        : ways.length === 3
          ? say('Use {0}, {1}, or {2}.', a, b, c)
          : say('Use {0}, {1}, {2}, or {3}.', a, b, c, d);
  return { hint, about: suggest ? { suggest } : { option: 'seqLength' } };
}

/** Window ranges for a table of `rows` rows. Throws TOO_FEW_ROWS (with the counts and a fix that works) or BAD_OPTION. */
export function splitWindows(rows: number, opts: WindowSplitOptions): WindowSplit {
  const L = opts.seqLength;
  const tf = opts.trainFraction;
  const vf = opts.validationFraction ?? 0;
  checkOption(FORECAST_OPTIONS.seqLength, L);
  checkOption(FORECAST_OPTIONS.trainFraction, tf);
  checkOption(FORECAST_OPTIONS.validationFraction, vf);
  const file = opts.file;
  const { trainRows, nTrainAll, nVal, nTrain, nTest } = splitCounts(rows, L, tf, vf);
  const fail = (message: Said) => {
    const { hint, about } = splitHint(rows, L, tf, vf);
    return new RnnLabError('TOO_FEW_ROWS', message, hint, { file }, about);
  };
  if (rows < L + 2) {
    const left = file
      ? rows === 1
        ? say('{0} row of {1}', rows, file)
        : say('{0} rows of {1}', rows, file)
      : rows === 1
        ? say('{0} row', rows)
        : say('{0} rows', rows);
    throw fail(say('Only {0} are left to train on; with {1} at least {2} are needed (a window of {3} rows plus its label for training, and one more row to test on).', left, opt('seqLength', L), L + 2, L));
  }
  if (nTrainAll < 1 || nTest < 1) {
    const need =
      nTrainAll < 1
        ? say('the {0} training rows ({1}% of {2}) make {3} training windows of {4} rows', trainRows, Math.round(tf * 100), rows, Math.max(0, nTrainAll), L)
        : say('the split leaves {0} rows to test on', nTest);
    throw fail(
      file
        ? say('Too few rows of {0} for this split: {1} rows, {2}, {3}: {4}.', file, rows, opt('seqLength', L), opt('trainFraction', tf), need)
        : say('Too few rows for this split: {0} rows, {1}, {2}: {3}.', rows, opt('seqLength', L), opt('trainFraction', tf), need),
    );
  }
  if (nTrain < 1) {
    throw fail(
      file
        ? say('{0} takes all {1} training windows of {2}, leaving none to train on.', opt('validationFraction', vf), nTrainAll, file)
        : say('{0} takes all {1} training windows, leaving none to train on.', opt('validationFraction', vf), nTrainAll),
    );
  }
  return {
    rows,
    seqLength: L,
    trainRows,
    train: { start: 0, count: nTrain },
    validation: { start: nTrain, count: nVal },
    test: { start: trainRows - L, count: nTest },
  };
}

/** A lazy set of windows over a scaled row-major table. */
export class WindowSet {
  constructor(
    /** Scaled row-major data, rows×cols. */
    readonly scaled: Float32Array,
    readonly cols: number,
    /** Column indices (into `scaled`) of the input features, in input order. */
    readonly features: readonly number[],
    /** Column index (into `scaled`) of the target. */
    readonly target: number,
    readonly seqLength: number,
    /** Row where window 0 starts. */
    readonly start: number,
    /** Number of windows. */
    readonly size: number,
  ) {
    const rows = Math.floor(scaled.length / cols);
    // The last window's label row, start + size - 1 + seqLength, must exist.
    if (size > 0 && (start < 0 || start + size - 1 + seqLength > rows - 1)) {
      throw new RangeError(`WindowSet: ${size} windows from row ${start} with length ${seqLength} need more than ${rows} rows`);
    }
  }

  get featureCount(): number {
    return this.features.length;
  }

  /** Row index of the first row of window i. */
  windowStart(i: number): number {
    return this.start + i;
  }

  /** Row index of the label of window i. */
  labelRow(i: number): number {
    return this.start + i + this.seqLength;
  }

  /**
   * Copies windows `indices` into outX ([n, L, F], batch-first) and outY ([n]), n = indices.length.
   * With timeMajor, outX is [L, n, F] instead: the packed layout of n equal-length sequences, which
   * the recurrent kernels read directly (no gather).
   * The buffers may be longer than needed (reuse one buffer for every batch).
   */
  fill(indices: ArrayLike<number>, outX: Float32Array, outY: Float32Array, timeMajor = false): void {
    const n = indices.length;
    const L = this.seqLength;
    const F = this.features.length;
    const C = this.cols;
    const feats = this.features;
    if (outX.length < n * L * F || outY.length < n) throw new RangeError(`WindowSet.fill: buffers too small for ${n} windows`);
    const s = this.scaled;
    let o = 0;
    for (let k = 0; k < n; k++) {
      const i = indices[k];
      if (!(i >= 0 && i < this.size)) throw new RangeError(`WindowSet.fill: window ${i} out of range [0, ${this.size})`);
      const r0 = this.start + i;
      for (let t = 0; t < L; t++) {
        const base = (r0 + t) * C;
        if (timeMajor) o = (t * n + k) * F;
        for (let f = 0; f < F; f++) outX[o++] = s[base + feats[f]];
      }
      outY[k] = s[(r0 + L) * C + this.target];
    }
  }

  /** Every window, materialized: x [size, L, F], y [size]. */
  all(): { x: Float32Array; y: Float32Array } {
    const x = new Float32Array(this.size * this.seqLength * this.features.length);
    const y = new Float32Array(this.size);
    this.fill(range(this.size), x, y);
    return { x, y };
  }

  /** Labels (scaled) of every window. */
  labels(): Float32Array {
    const y = new Float32Array(this.size);
    for (let i = 0; i < this.size; i++) y[i] = this.scaled[(this.start + i + this.seqLength) * this.cols + this.target];
    return y;
  }

  /**
   * Batches of window indices. 'full' gives one batch of every window. With an Rng the order is
   * shuffled (a fresh permutation per call, i.e. per epoch); without, windows come in order.
   * The last batch may be smaller.
   */
  *batches(batchSize: number | 'full', rng?: Rng): Generator<Int32Array> {
    if (this.size === 0) return;
    const bs = batchSize === 'full' ? this.size : batchSize;
    checkOption(FORECAST_OPTIONS.batchSize, batchSize);
    const order = range(this.size);
    if (rng) rng.shuffle(order);
    for (let i = 0; i < this.size; i += bs) yield order.subarray(i, Math.min(this.size, i + bs));
  }

  /** Number of batches `batches(batchSize)` yields. */
  batchCount(batchSize: number | 'full'): number {
    if (this.size === 0) return 0;
    return batchSize === 'full' ? 1 : Math.ceil(this.size / batchSize);
  }

  /**
   * Persistence baseline: for each window, the target's value in its last row ("tomorrow = today").
   * Scaled units, or original units when the scaler (and the target's column in it) is given.
   */
  persistence(): Float32Array;
  persistence(scaler: MinMaxScaler, scalerCol?: number): Float64Array;
  persistence(scaler?: MinMaxScaler, scalerCol: number = this.target): Float32Array | Float64Array {
    const out = scaler ? new Float64Array(this.size) : new Float32Array(this.size);
    for (let i = 0; i < this.size; i++) {
      const v = this.scaled[(this.start + i + this.seqLength - 1) * this.cols + this.target];
      out[i] = scaler ? scaler.inverse(v, scalerCol) : v;
    }
    return out;
  }
}

function range(n: number): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  return a;
}

/** The last `seqLength` rows of the features, as one window [1, L, F]: the input for forecasting past the last row. */
export function lastWindow(scaled: Float32Array, cols: number, features: readonly number[], seqLength: number): Float32Array {
  const rows = Math.floor(scaled.length / cols);
  if (rows < seqLength) throw new RangeError(`lastWindow: ${rows} rows < seqLength ${seqLength}`);
  const F = features.length;
  const out = new Float32Array(seqLength * F);
  let o = 0;
  for (let r = rows - seqLength; r < rows; r++) for (let f = 0; f < F; f++) out[o++] = scaled[r * cols + features[f]];
  return out;
}

export interface ForecastDataOptions {
  seqLength: number;
  trainFraction: number;
  validationFraction?: number;
  /** Input columns. Default: every numeric column (the target included), as in the course. */
  features?: string[];
  /** Column to predict. Default: the last numeric column (Close in stock_daily.csv). */
  target?: string;
}

/** Everything the forecaster needs from a table: scaled data, scaler, window sets. */
export interface ForecastData {
  /** Columns of `scaled` (and of the scaler): the features in input order, then the target if it is not a feature. */
  columns: string[];
  featureNames: string[];
  targetName: string;
  /** Indices into `columns`. */
  features: number[];
  target: number;
  /** Fitted on the training rows only. */
  scaler: MinMaxScaler;
  /** rows×columns.length, scaled. */
  scaled: Float32Array;
  split: WindowSplit;
  train: WindowSet;
  validation: WindowSet;
  test: WindowSet;
  /** The last seqLength rows as one window [1, L, F]. */
  lastWindow(): Float32Array;
  /** Table row index of each test window's label (for plotting against dates/lines). */
  testLabelRows(): Int32Array;
}

/**
 * Resolves feature/target names, splits the rows (course semantics), fits the scaler on the
 * training rows only and builds the lazy window sets.
 */
export function prepareForecastData(table: CsvTable, opts: ForecastDataOptions): ForecastData {
  if (opts.target === undefined) checkDefaultTarget(table);
  const targetName = opts.target ?? table.columns[table.columns.length - 1];
  const tIdx = columnIndex(table, targetName);
  const fIdx = (opts.features ?? table.columns).map((n) => columnIndex(table, n));
  if (fIdx.length === 0) throw badOption(say('{0} is empty.', opt('features')), say('List at least one of: {0}.', columnList(table.columns)), { option: 'features' });
  const dup = fIdx.find((c, i) => fIdx.indexOf(c) !== i);
  if (dup !== undefined) throw badOption(say('{0} lists {1} twice.', opt('features'), columnLabel(table.columns[dup])), say('List each feature column once.'), { option: 'features' });
  const used = fIdx.includes(tIdx) ? fIdx.slice() : [...fIdx, tIdx];
  const U = used.length;
  const C = table.columns.length;
  const rows = table.rows;

  const split = splitWindows(rows, { ...opts, file: table.file });

  const compact = new Float64Array(rows * U);
  for (let r = 0; r < rows; r++) for (let u = 0; u < U; u++) compact[r * U + u] = table.data[r * C + used[u]];
  const columns = used.map((c) => table.columns[c]);
  checkConstantColumns(table, split.trainRows, fIdx, tIdx);
  const scaler = MinMaxScaler.fit(compact, U, split.trainRows, table.file, columns);
  const scaled = scaler.transform(compact, { file: table.file, lines: table.lines });
  const features = fIdx.map((_, i) => i);
  const target = used.indexOf(tIdx);
  const L = split.seqLength;
  const mk = (r: WindowRange) => new WindowSet(scaled, U, features, target, L, r.start, r.count);
  return {
    columns,
    featureNames: features.map((i) => columns[i]),
    targetName: columns[target],
    features,
    target,
    scaler,
    scaled,
    split,
    train: mk(split.train),
    validation: mk(split.validation),
    test: mk(split.test),
    lastWindow: () => lastWindow(scaled, U, features, L),
    testLabelRows: () => {
      const out = new Int32Array(split.test.count);
      for (let i = 0; i < out.length; i++) out[i] = split.test.start + i + L;
      return out;
    },
  };
}

/**
 * The default target is the file's last numeric column. When a column after it holds numbers but
 * is mostly text (so parseCsv left it out), the user most likely meant that one: say so rather
 * than forecast another column without a word.
 */
function checkDefaultTarget(table: CsvTable): void {
  const last = table.positions[table.positions.length - 1] ?? 0;
  const later = table.ignored.find((ig) => ig.position > last && ig.reason === 'mostly-text');
  if (!later) return;
  const fallback = table.columns[table.columns.length - 1];
  throw new RnnLabError(
    'NON_NUMERIC_CELL',
    say('{0} in {1}, so it is not used, and the target would be {2} instead of this last column.', ignoredWords(later), table.file, JSON.stringify(fallback)),
    say('Fix the text cells of {0} (numbers must be plain, like 1234.5), or choose the target: {1}.', JSON.stringify(later.column), opt('target', fallback)),
    { file: table.file, line: later.firstText?.line, column: later.position },
    { suggest: { option: 'target', value: fallback } },
  );
}

/**
 * Constant columns over the training rows carry nothing and cannot be scaled. The hint is a set
 * of options that works: the features without every constant column, and another target when the
 * target itself is constant (repeating a constant target with fewer features would fail again).
 */
function checkConstantColumns(table: CsvTable, trainRows: number, features: number[], target: number): void {
  const C = table.columns.length;
  const varies = (c: number) => {
    for (let r = 1; r < trainRows; r++) if (table.data[r * C + c] !== table.data[c]) return true;
    return false;
  };
  const used = features.includes(target) ? features : [...features, target];
  const constant = used.filter((c) => !varies(c));
  if (constant.length === 0) return;
  const names = (cs: number[]) => cs.map((c) => table.columns[c]);
  const quoted = names(constant).map((n) => JSON.stringify(n)).join(', ');
  const one = constant.length === 1;
  const value = table.data[constant[0]];
  if (constant.includes(target)) {
    const others = Array.from({ length: C }, (_, c) => c).filter(varies);
    const newTarget = others.length ? table.columns[others[others.length - 1]] : '';
    const targetName = JSON.stringify(table.columns[target]);
    throw new RnnLabError(
      'CONSTANT_COLUMN',
      one
        ? say('Column {0} of {1} has the same value ({2}) in all {3} training rows, so it cannot be scaled and tell the model nothing; {4} is the target, so there is nothing to forecast.', quoted, table.file, value, trainRows, targetName)
        : say('Columns {0} of {1} each have one value in all {2} training rows, so they cannot be scaled and tell the model nothing; {3} is the target, so there is nothing to forecast.', quoted, table.file, trainRows, targetName),
      others.length
        ? say('Forecast a column that varies: {0} {1}.', opt('target', newTarget), opt('features', names(others).join(',')))
        : say('Every numeric column is constant over the training rows: use a file whose values change.'),
      { file: table.file },
      others.length ? { suggest: { option: 'target', value: newTarget } } : { option: 'target' },
    );
  }
  const kept = names(features.filter((c) => !constant.includes(c)));
  const list = (kept.length ? kept : [table.columns[target]]).join(',');
  throw new RnnLabError(
    'CONSTANT_COLUMN',
    one
      ? say('Column {0} of {1} has the same value ({2}) in all {3} training rows, so it cannot be scaled and tell the model nothing.', quoted, table.file, value, trainRows)
      : say('Columns {0} of {1} each have one value in all {2} training rows, so they cannot be scaled and tell the model nothing.', quoted, table.file, trainRows),
    say('Exclude {0} from the features: {1}.', quoted, opt('features', list)),
    { file: table.file },
    { suggest: { option: 'features', value: list } },
  );
}
