/**
 * The forecast flow's shapes that cross a boundary: its options (the form, host → worker, a
 * saved run's config.json) and its result (worker → host → run panel, and
 * result.json). The engine owns the behaviour and re-exports these from src/engine/forecast/types.ts.
 */
import type { LossPoint } from './events';
import type { BackendName } from './names';

/** How to handle an empty cell in a numeric column. */
export type MissingPolicy = 'error' | 'drop' | 'ffill';
/** Row order: detect from the dates, keep as stored, or reverse (the course reverses stock_daily.csv). */
export type RowOrder = 'auto' | 'as-is' | 'reverse';
/** How a/b/yyyy dates are read: as the column's dates show it, day first, or month first. */
export type DateFormat = 'auto' | 'day-first' | 'month-first';

export interface ForecastOptions {
  /** Column to predict. Default: the last numeric column (Close, in the course). */
  target?: string;
  /** Input columns. Default: every numeric column, the target included, as in the course. */
  features?: string[];
  /** Rows per input window. */
  seqLength: number;
  /** LSTM hidden size. */
  hidden: number;
  /** Stacked LSTM layers. */
  layers: number;
  /** Passes over the training windows. With batchSize 'full' one epoch is one iteration. */
  epochs: number;
  /** Windows per batch, or 'full' for full-batch training as in the course. */
  batchSize: number | 'full';
  /** Adam learning rate. */
  lr: number;
  /** Chronological fraction of rows used for training (and to fit the scaler). */
  trainFraction: number;
  /** Fraction of the training windows (the latest ones) held out for validation; 0 for none. */
  validationFraction: number;
  /** Epochs without validation improvement before stopping; 0 disables early stopping. */
  patience: number;
  /** Clip the global gradient norm to this value; 0 disables clipping. */
  clipNorm: number;
  /** Future steps to forecast after the last row. */
  horizon: number;
  /** Seed for weights and shuffling: the same seed gives the same numbers. */
  seed: number;
  missing: MissingPolicy;
  order: RowOrder;
  /** How a/b/yyyy dates are read: 'auto' (as the dates show it), 'day-first' or 'month-first'. */
  dateFormat: DateFormat;
  /** Numbers are written with a decimal comma (1,5). */
  decimalComma: boolean;
  backend?: BackendName;
  /** Threads for the large products: 0 or absent for every core (`--threads`, `rnnLab.threads`). */
  threads?: number;
}

/** Error metrics in the target's original units. */
export interface ErrorMetrics {
  rmse: number;
  mae: number;
  /** Percent. null when an actual value is 0; `mapeNote` says why. */
  mape: number | null;
  mapeNote?: string;
}

export interface ForecastResult {
  backend: string;
  trainSeconds: number;
  /** Mean training loss of the last epoch (scaled units); null for a model applied without training. */
  finalLoss: number | null;
  /** Rows used after dropping/filling and reordering. */
  rows: number;
  testWindows: number;
  target: string;
  features: string[];
  test: ErrorMetrics;
  /** Persistence baseline (next value = last value in the window) on the same test windows. */
  naive: ErrorMetrics;
  /** One entry per epoch. */
  history: LossPoint[];
  /** Test windows, original units. x is the date of the predicted row when the file has dates, else its row index. */
  testSeries: { x: (string | number)[]; actual: number[]; predicted: number[]; naive: number[] };
  /** Recursive forecast past the last row, original units. */
  forecast: { x: (string | number)[]; values: number[] };
  stoppedEarly: boolean;
}
