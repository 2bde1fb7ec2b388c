/**
 * The forecast flow's half of the training worker: preview a CSV, check it against the options,
 * train and store a run, apply a saved model. Runs in the worker thread only (bundled into
 * dist/worker.js), so it may load the engine; the model code is imported lazily, so a preview
 * does not initialise tfjs.
 */
import { describeIgnored, preview as previewRows, readCsvFile, type CsvTable } from '../../../engine/data/csv';
import type { ForecastOptions } from '../../../engine/forecast/types';
import type { TrainEvent } from '../../../shared/events';
import { startRun, startTrainingRun, trainAndStore } from '../../core/storeRun';
import type { WorkerHandlers } from '../../core/workerHandlers';

/** The options that shape the table a file reads into. */
const TABLE_KEYS = ['missing', 'order', 'dateFormat', 'decimalComma'] as const;

/** The last 'check': its file, the options it read the table with, and the table. */
let checked: { file: string; options: Partial<ForecastOptions>; table: CsvTable } | null = null;

/** True when `b` reads `file` into the table the last check read. */
function readsAsChecked(file: string, b: Partial<ForecastOptions>): boolean {
  return checked !== null && checked.file === file && TABLE_KEYS.every((k) => checked?.options[k] === b[k]);
}

/** Forward engine events; per-batch events are dropped (the host shows epochs). */
function epochsOnly(onEvent: (e: TrainEvent) => void) {
  return (e: TrainEvent) => {
    if (e.type !== 'batchEnd') onEvent(e);
  };
}

export const forecastHandlers: WorkerHandlers<'warmup' | 'preview' | 'check' | 'forecast' | 'predictSaved'> = {
  async warmup() {
    await import('../../../engine/forecast/run');
    return null;
  },

  async preview(ask) {
    // Preview with gaps dropped, so a file with empty cells still shows (with its missing counts)
    // and the user can pick how training treats them.
    const table = await readCsvFile(ask.file, { file: ask.fileName, missing: 'drop', dateFormat: ask.dateFormat, decimalComma: ask.decimalComma });
    const p = previewRows(table, 20);
    return {
      fileName: ask.fileName,
      columns: table.columns,
      rows: p.rows,
      totalRows: table.rows,
      dateColumn: table.dateColumn,
      ignored: table.ignored.map(describeIgnored),
      order: table.order,
      stats: table.stats,
    };
  },

  async check(ask) {
    checked = null;
    const { checkForecastFile } = await import('../../../engine/forecast/run');
    const table = await checkForecastFile(ask.file, ask.options, { displayName: ask.fileName });
    checked = { file: ask.file, options: ask.options, table };
    return null;
  },

  async forecast(ask, ctx) {
    const { runForecast, resolveForecastOptions } = await import('../../../engine/forecast/run');
    // The table the check read, when it was read the same way (the file is not read twice).
    const table = readsAsChecked(ask.file, ask.options) ? checked?.table : undefined;
    checked = null;
    const options = resolveForecastOptions(ask.options);
    const writer = await startTrainingRun('forecast', ask, options);
    const forward = epochsOnly(ctx.onEvent);
    return trainAndStore(
      writer,
      ctx,
      () => runForecast(ask.file, ask.options, { onEvent: (e) => (writer.onEvent(e), forward(e)), signal: ctx.signal, displayName: ask.fileName, table }),
      (result) => ({ headline: { rmse: result.test.rmse, naiveRmse: result.naive.rmse }, config: { ...options, target: result.target, features: result.features } }),
    );
  },

  async predictSaved(ask, ctx) {
    const { predictWithSaved } = await import('../../../engine/forecast/run');
    const writer = await startRun(ask.store.root, {
      kind: 'saved-model',
      id: ask.store.runId,
      datasetPath: ask.file,
      config: { modelDir: ask.modelDir },
      seed: 0,
      backend: 'auto',
    });
    let result;
    try {
      result = await predictWithSaved(ask.modelDir, ask.file, { onEvent: epochsOnly(ctx.onEvent), signal: ctx.signal, displayName: ask.fileName });
    } catch (e) {
      await writer.endWith(e);
      throw e;
    }
    let saveError: string | undefined;
    try {
      await writer.end({ status: 'done', result, backend: result.backend, headline: { rmse: result.test.rmse, naiveRmse: result.naive.rmse }, config: { modelDir: ask.modelDir, target: result.target, features: result.features } });
    } catch (e) {
      saveError = ctx.toWire(e).text;
    }
    return { result, runDir: writer.dir, saveError };
  },
};
