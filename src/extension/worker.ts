/**
 * The training worker (bundled as dist/worker.js, run in a `worker_threads` Worker). It is the only
 * place the extension loads the engine, so tfjs and the model code never enter the extension
 * host: activation stays fast and the host stays responsive while training runs.
 *
 * One worker serves one session: a CSV preview, then at most one training run or prediction
 * (checked first, so a file that cannot train fails before the run panel opens).
 * The model code is imported lazily (`await import`), so a preview does not initialise tfjs.
 */
import { parentPort } from 'node:worker_threads';
import { isRnnLabError } from '../engine/errors';
import { preview as previewRows, readCsvFile, type CsvTable } from '../engine/data/csv';
import type { ForecastOptions } from '../engine/forecast/types';
import type { TrainEvent } from '../engine/train/events';
import type { HostToWorker, WireError, WorkerToHost } from '../shared/workerProtocol';
import { writeRun } from './runs/store';

const port = parentPort;
if (!port) throw new Error('worker.js must run in a worker thread');

function post(m: WorkerToHost): void {
  port!.postMessage(m);
}

export function toWireError(e: unknown): WireError {
  if (isRnnLabError(e)) {
    return { code: e.code, message: e.message, hint: e.hint, location: { ...e.location }, text: e.toString(), parts: e.parts, option: e.option, suggest: e.suggest };
  }
  const err = e instanceof Error ? e : new Error(String(e));
  return { code: 'INTERNAL', message: err.message, location: {}, text: `Internal error: ${err.message}`, stack: err.stack };
}

let abort: AbortController | null = null;
/** The last 'check': its file, the options that shape the table, and the table. */
let checked: { file: string; missing: ForecastOptions['missing'] | undefined; order: ForecastOptions['order'] | undefined; table: CsvTable } | null = null;

/** Forward engine events; per-batch events are dropped (the host shows epochs). */
function onEvent(event: TrainEvent): void {
  if (event.type !== 'batchEnd') post({ type: 'event', event });
}

async function handle(msg: HostToWorker): Promise<void> {
  switch (msg.type) {
    case 'preview': {
      // Preview with gaps dropped, so a file with empty cells still shows (with its missing counts)
      // and the user can pick how training treats them.
      const table = await readCsvFile(msg.file, { file: msg.fileName, missing: 'drop' });
      const p = previewRows(table, 20);
      post({
        type: 'preview',
        preview: {
          fileName: msg.fileName,
          columns: table.columns,
          rows: p.rows,
          totalRows: table.rows,
          dateColumn: table.dateColumn,
          ignoredColumns: table.ignoredColumns,
          order: table.order,
          stats: table.stats,
        },
      });
      return;
    }
    case 'check': {
      checked = null;
      const { checkForecastFile } = await import('../engine/forecast/run');
      const table = await checkForecastFile(msg.file, msg.options, { displayName: msg.fileName });
      checked = { file: msg.file, missing: msg.options.missing, order: msg.options.order, table };
      post({ type: 'checked' });
      return;
    }
    case 'forecast': {
      abort = new AbortController();
      const { runForecast } = await import('../engine/forecast/run');
      // The table the check read, when it was read the same way (the file is not read twice).
      const table = checked && checked.file === msg.file && checked.missing === msg.options.missing && checked.order === msg.options.order ? checked.table : undefined;
      checked = null;
      const run = await runForecast(msg.file, msg.options, { onEvent, signal: abort.signal, displayName: msg.fileName, table });
      let runDir: string | null = null;
      let saveError: string | undefined;
      try {
        runDir = await writeRun(msg.runsRoot, { config: msg.config, result: run.result }, (dir) => run.save(dir));
      } catch (e) {
        saveError = toWireError(e).text;
      } finally {
        run.dispose();
      }
      post({ type: 'done', result: run.result, runDir, saveError });
      return;
    }
    case 'predictSaved': {
      abort = new AbortController();
      const { predictWithSaved } = await import('../engine/forecast/run');
      const result = await predictWithSaved(msg.modelDir, msg.file, { onEvent, signal: abort.signal, displayName: msg.fileName });
      let runDir: string | null = null;
      let saveError: string | undefined;
      try {
        runDir = await writeRun(msg.runsRoot, { config: msg.config, result });
      } catch (e) {
        saveError = toWireError(e).text;
      }
      post({ type: 'done', result, runDir, saveError });
      return;
    }
    case 'cancel':
      abort?.abort();
      return;
    case 'warmup':
      await import('../engine/forecast/run');
      return;
  }
}

port.on('message', (msg: HostToWorker) => {
  handle(msg).catch((e) => post({ type: 'error', error: toWireError(e) }));
});
