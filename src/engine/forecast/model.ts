/**
 * The forecaster's model folder: config.json (the LSTM's sizes, the scaler's columns, which of them
 * are the features and the target, the training options), scaler.json and the weights. Its
 * ModelSpec reads every field through one schema, so a damaged folder fails on one line that names
 * the file and the field, before anything is allocated.
 */
import { MinMaxScaler } from '../data/scaler';
import { Forecaster, type ForecasterConfig } from '../models/forecaster';
import { BATCH_BYTES_LIMIT, forecastBatchBytes, forecasterParams, gib, MODEL_BYTES_LIMIT, modelBytes } from '../models/budget';
import type { ModelSpec, SavedBase } from '../models/folder';
import type { Field } from '../schema';
import { FORECAST_OPTIONS } from '../../shared/options/forecast';
import type { ForecastOptions } from './types';
import { say } from '../../shared/said';

export const SCALER_FILE = 'scaler.json';

export interface SavedForecaster extends SavedBase {
  kind: 'forecaster';
  model: ForecasterConfig;
  /** Scaler columns: the features in input order, then the target if it is not a feature. */
  columns: string[];
  features: number[];
  target: number;
  options: Omit<ForecastOptions, 'backend'>;
  source: string;
}

/** The LSTM's sizes, within the option table's bounds and a memory RNN Lab could have trained in. */
function readSizes(f: Field): ForecasterConfig {
  const T = FORECAST_OPTIONS;
  const c: ForecasterConfig = {
    inputSize: f.get('inputSize').int(1, T.features.maxItems),
    hidden: f.get('hidden').option(T.hidden),
    layers: f.get('layers').option(T.layers),
    seqLength: f.get('seqLength').option(T.seqLength),
  };
  const bytes = modelBytes(forecasterParams(c)) + forecastBatchBytes(1, c);
  if (modelBytes(forecasterParams(c)) > MODEL_BYTES_LIMIT || forecastBatchBytes(1, c) > BATCH_BYTES_LIMIT) {
    f.get('hidden').fail(`a size RNN Lab could have trained (with layers ${c.layers}, seqLength ${c.seqLength} and inputSize ${c.inputSize} this model would need about ${gib(bytes)}, more than the ${gib(MODEL_BYTES_LIMIT)} RNN Lab trains within)`);
  }
  return c;
}

/** The training options, checked against the forecast table; what predicting reads (missing, order, horizon) must be there. */
function readOptions(f: Field): SavedForecaster['options'] {
  f.options(FORECAST_OPTIONS, ['missing', 'order', 'horizon']);
  return f.value as SavedForecaster['options'];
}

export const FORECASTER: ModelSpec<SavedForecaster, { scaler: MinMaxScaler }, Forecaster> = {
  kind: 'forecaster',
  noun: say('a forecaster'),
  origin: say('Forecast with LSTM (or `rnn-lab forecast … --save DIR`)'),
  dataFiles: [SCALER_FILE],
  validate(config, data) {
    const model = readSizes(config.get('model'));
    const columnFields = config.get('columns').items({ min: 1 });
    const columns = columnFields.map((c) => c.string());
    const index = (f: Field) => f.int(0, columns.length - 1);
    const featureFields = config.get('features').items({ min: model.inputSize, max: model.inputSize });
    const features = featureFields.map(index);
    featureFields.forEach((f, i) => {
      if (features.indexOf(features[i]) !== i) f.fail('a column not listed before in features');
    });
    const target = index(config.get('target'));
    const saved: SavedForecaster = {
      kind: 'forecaster',
      version: config.get('version').value as number,
      model,
      columns,
      features,
      target,
      options: readOptions(config.get('options')),
      source: config.get('source').optional((s) => s.string()) ?? '',
    };
    const scalerField = data[SCALER_FILE];
    const scaler = MinMaxScaler.fromJSON(scalerField.value, scalerField.file);
    if (scaler.cols !== columns.length) scalerField.get('min').fail(`a list of ${columns.length} entries, one per column of ${config.file}`);
    scaler.columns?.forEach((name, i) => {
      if (name !== columns[i]) scalerField.get('columns').items()[i].fail(JSON.stringify(columns[i]));
    });
    return { saved, data: { scaler } };
  },
  build: (saved) => new Forecaster(saved.model, 0),
};
