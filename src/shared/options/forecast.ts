/**
 * The forecast flow's options (the course's lab 11-4 by default): the CLI's `forecast` flags, the
 * setup form's fields, the `rnnLab.*` settings and resolveForecastOptions all come from here. The
 * order is the form's and the settings'. Rules across options (patience needs a validation split)
 * stay in code beside the resolver.
 */
import { defineOptions } from './spec';
import { TRAINER_OPTIONS as T } from './trainer';

export const FORECAST_OPTIONS = defineOptions({
  target: { type: 'string', maxLength: 1000, label: 'Target column', help: 'Column to predict (default: the last numeric column).', flag: 'target', metavar: 'COL', form: true },
  features: {
    type: 'list',
    maxItems: 1000,
    label: 'Feature columns',
    help: 'Input columns, comma-separated (default: every numeric column, the target included).',
    flag: 'features',
    metavar: 'A,B,…',
    form: true,
  },
  seqLength: { type: 'int', min: 1, max: 10_000, default: 7, label: 'seq_length', help: 'Rows per input window.', flag: 'seq-length', setting: 'seqLength', form: true },
  hidden: { type: 'int', min: 1, max: 4096, default: 10, label: 'Hidden size', help: 'LSTM units per layer.', flag: 'hidden', setting: 'hidden', form: true },
  layers: { type: 'int', min: 1, max: 16, default: 1, label: 'Layers', help: 'Stacked LSTM layers.', flag: 'layers', setting: 'layers', form: true },
  epochs: { ...T.epochs, default: 500, help: 'Passes over the training windows; with batch size full, one epoch is one step.', setting: 'epochs', form: true },
  batchSize: { ...T.batchSize, words: ['full'], default: 'full', help: 'Windows per batch, or full for full-batch training as in the course.', setting: 'batchSize', form: true },
  lr: { ...T.lr, help: 'Adam learning rate.', setting: 'lr', form: true },
  trainFraction: {
    type: 'number',
    min: 0.01,
    max: 0.99,
    default: 0.7,
    label: 'Training fraction',
    help: 'Chronological share of rows used for training (and to fit the scaler); the rest is the test set.',
    flag: 'train-fraction',
    setting: 'trainFraction',
    form: true,
  },
  validationFraction: {
    type: 'number',
    min: 0,
    max: 0.99,
    default: 0,
    label: 'Validation fraction',
    help: 'Share of the training windows (the latest ones) held out for validation; 0 for none.',
    flag: 'validation-fraction',
  },
  patience: T.patience,
  clipNorm: T.clipNorm,
  horizon: { type: 'int', min: 0, max: 10_000, default: 7, label: 'Horizon', help: 'Future steps to forecast after the last row.', flag: 'horizon', setting: 'horizon', form: true },
  seed: T.seed,
  missing: {
    type: 'enum',
    choices: [
      { value: 'error', label: 'Stop with an error' },
      { value: 'drop', label: 'Drop the row' },
      { value: 'ffill', label: 'Fill from the previous row' },
    ],
    default: 'error',
    label: 'Empty cells',
    help: 'What to do with an empty cell in a numeric column.',
    flag: 'missing',
    form: true,
  },
  order: {
    type: 'enum',
    choices: [
      { value: 'auto', label: 'Automatic (from the dates)' },
      { value: 'as-is', label: 'As stored (oldest first)' },
      { value: 'reverse', label: 'Reverse (file is newest first)' },
    ],
    default: 'auto',
    label: 'Row order',
    help: 'Row order: from the dates, as stored, or reversed (the course reverses stock_daily.csv).',
    flag: 'order',
    form: true,
  },
  dateFormat: {
    type: 'enum',
    choices: [
      { value: 'auto', label: 'From the dates' },
      { value: 'day-first', label: 'Day first (31/12/2020)' },
      { value: 'month-first', label: 'Month first (12/31/2020)' },
    ],
    default: 'auto',
    label: 'Date format',
    help: 'How dates like 01/02/2020 are read: as the column shows it (a number above 12), day first, or month first.',
    flag: 'date-format',
    form: true,
  },
  decimalComma: { type: 'boolean', default: false, label: 'Decimal comma', help: 'Numbers are written with a decimal comma (1,5 for 1.5).', flag: 'decimal-comma', form: true },
  backend: T.backend,
  threads: T.threads,
});
