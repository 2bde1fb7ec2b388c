/**
 * `rnn-lab`: the engine from a terminal.
 *
 *   rnn-lab forecast FILE [options]     train the LSTM forecaster on a CSV
 *   rnn-lab predict MODEL_DIR FILE      apply a saved forecaster to another CSV
 *
 * Progress goes to stderr; with --json the last line of stdout is one JSON object. Errors print one
 * line (file:line:col: what, and the fix) and exit non-zero, never a stack trace.
 */
import { parseArgs } from 'node:util';
import { RnnLabError } from './errors';
import { BACKEND_NAMES, type BackendName } from './backend';
import type { TrainEvent } from './train/events';
import { FORECAST_DEFAULTS, type ForecastOptions, type ForecastResult } from './forecast/types';

const USAGE = `Usage:
  rnn-lab forecast FILE [--target COL] [--features A,B,…] [--seq-length N] [--hidden N] [--layers N]
                        [--epochs N] [--batch-size N|full] [--lr X] [--train-fraction X]
                        [--validation-fraction X] [--patience N] [--clip-norm X] [--horizon N]
                        [--seed N] [--missing error|drop|ffill] [--order auto|as-is|reverse]
                        [--backend auto|wasm|tensorflow|cpu] [--save DIR] [--json]
  rnn-lab predict MODEL_DIR FILE [--horizon N] [--backend B] [--json]

Defaults are the course's lab 11-4: seq-length ${FORECAST_DEFAULTS.seqLength}, hidden ${FORECAST_DEFAULTS.hidden}, layers ${FORECAST_DEFAULTS.layers}, Adam lr ${FORECAST_DEFAULTS.lr},
${FORECAST_DEFAULTS.epochs} full-batch epochs, train fraction ${FORECAST_DEFAULTS.trainFraction}. The course reverses stock_daily.csv (newest row first,
no dates): pass --order reverse for it.`;

class UsageError extends Error {}

function num(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${name} takes a number, got "${v}".`);
  return n;
}

function backendOf(v: string | undefined): BackendName | 'auto' | undefined {
  if (v === undefined) return undefined;
  if (v !== 'auto' && !(BACKEND_NAMES as readonly string[]).includes(v)) throw new UsageError(`--backend must be auto, ${BACKEND_NAMES.join(', ')}; got "${v}".`);
  return v as BackendName | 'auto';
}

/** A progress bar on stderr: redrawn in place on a terminal, a line per 10% otherwise. */
class Progress {
  private lastDraw = 0;
  private lastDecile = -1;
  private epochs = 1;
  constructor(private readonly quiet: boolean) {}

  onEvent = (e: TrainEvent): void => {
    if (this.quiet) return;
    if (e.type === 'start') {
      this.epochs = e.epochs;
      process.stderr.write(`backend ${e.backend}: ${e.trainExamples} training examples, ${e.epochs} epochs\n`);
    } else if (e.type === 'epochEnd') {
      const done = (e.epoch + 1) / this.epochs;
      const line = `epoch ${e.epoch + 1}/${this.epochs}  loss ${e.loss.toPrecision(4)}${e.valLoss !== null ? `  val ${e.valLoss.toPrecision(4)}` : ''}  ${e.elapsedSeconds.toFixed(1)}s`;
      if (process.stderr.isTTY) {
        const now = Date.now();
        if (now - this.lastDraw < 100 && done < 1) return;
        this.lastDraw = now;
        const width = 24;
        const filled = Math.round(done * width);
        process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${line}\x1b[K`);
        if (done >= 1) process.stderr.write('\n');
      } else {
        const decile = Math.floor(done * 10);
        if (decile !== this.lastDecile) {
          this.lastDecile = decile;
          process.stderr.write(`${line}\n`);
        }
      }
    } else if (e.type === 'end' && e.reason !== 'completed' && process.stderr.isTTY) {
      process.stderr.write(`\n${e.reason === 'earlyStopped' ? 'stopped early' : 'cancelled'} after ${e.epochs} epochs\n`);
    }
  };
}

function fmt(v: number | null): string {
  return v === null ? 'n/a' : v.toFixed(4);
}

function printForecast(r: ForecastResult): void {
  const lines = [
    `target ${r.target} from ${r.features.join(', ')}; ${r.rows} rows, ${r.testWindows} test windows; backend ${r.backend}`,
    `trained in ${r.trainSeconds.toFixed(2)} s, final loss ${r.finalLoss === null ? 'n/a' : r.finalLoss.toPrecision(4)}`,
    `             RMSE        MAE         MAPE %`,
    `model        ${fmt(r.test.rmse).padEnd(12)}${fmt(r.test.mae).padEnd(12)}${fmt(r.test.mape)}`,
    `persistence  ${fmt(r.naive.rmse).padEnd(12)}${fmt(r.naive.mae).padEnd(12)}${fmt(r.naive.mape)}`,
  ];
  if (r.test.rmse > r.naive.rmse) lines.push(`The model's RMSE is worse than repeating the last value (persistence): it has not learned more than that.`);
  if (r.test.mapeNote) lines.push(r.test.mapeNote);
  if (r.forecast.values.length) lines.push(`forecast: ${r.forecast.values.map((v, i) => `${r.forecast.x[i]}=${v.toFixed(4)}`).join('  ')}`);
  process.stdout.write(lines.join('\n') + '\n');
}

function forecastJson(r: ForecastResult): string {
  const m = (x: ForecastResult['test']) => ({ rmse: x.rmse, mae: x.mae, mape: x.mape });
  return JSON.stringify({
    trainSeconds: r.trainSeconds,
    finalLoss: r.finalLoss,
    rows: r.rows,
    testWindows: r.testWindows,
    test: m(r.test),
    naive: m(r.naive),
    forecast: r.forecast.values,
    backend: r.backend,
  });
}

async function forecastCommand(args: string[], signal: AbortSignal): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      target: { type: 'string' },
      features: { type: 'string' },
      'seq-length': { type: 'string' },
      hidden: { type: 'string' },
      layers: { type: 'string' },
      epochs: { type: 'string' },
      'batch-size': { type: 'string' },
      lr: { type: 'string' },
      'train-fraction': { type: 'string' },
      'validation-fraction': { type: 'string' },
      patience: { type: 'string' },
      'clip-norm': { type: 'string' },
      horizon: { type: 'string' },
      seed: { type: 'string' },
      missing: { type: 'string' },
      order: { type: 'string' },
      backend: { type: 'string' },
      save: { type: 'string' },
      json: { type: 'boolean' },
      quiet: { type: 'boolean' },
    },
  });
  if (positionals.length !== 1) throw new UsageError('forecast takes one CSV file.');
  const bs = values['batch-size'];
  const options: Partial<ForecastOptions> = {
    target: values.target,
    features: values.features?.split(',').map((s) => s.trim()).filter(Boolean),
    seqLength: num('seq-length', values['seq-length']),
    hidden: num('hidden', values.hidden),
    layers: num('layers', values.layers),
    epochs: num('epochs', values.epochs),
    batchSize: bs === undefined ? undefined : bs === 'full' ? 'full' : num('batch-size', bs),
    lr: num('lr', values.lr),
    trainFraction: num('train-fraction', values['train-fraction']),
    validationFraction: num('validation-fraction', values['validation-fraction']),
    patience: num('patience', values.patience),
    clipNorm: num('clip-norm', values['clip-norm']),
    horizon: num('horizon', values.horizon),
    seed: num('seed', values.seed),
    missing: values.missing as ForecastOptions['missing'] | undefined,
    order: values.order as ForecastOptions['order'] | undefined,
  };
  const backend = backendOf(values.backend);
  if (backend && backend !== 'auto') options.backend = backend;
  const progress = new Progress(values.quiet === true);
  const { runForecast } = await import('./forecast/run');
  const run = await runForecast(positionals[0], options, { onEvent: progress.onEvent, signal });
  try {
    if (values.save) {
      await run.save(values.save);
      process.stderr.write(`saved model to ${values.save}\n`);
    }
    if (values.json) process.stdout.write(forecastJson(run.result) + '\n');
    else printForecast(run.result);
  } finally {
    run.dispose();
  }
}

async function predictCommand(args: string[], signal: AbortSignal): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { horizon: { type: 'string' }, backend: { type: 'string' }, json: { type: 'boolean' } },
  });
  if (positionals.length !== 2) throw new UsageError('predict takes MODEL_DIR and FILE.');
  const backend = backendOf(values.backend);
  const { predictWithSaved } = await import('./forecast/run');
  const r = await predictWithSaved(positionals[0], positionals[1], {
    horizon: num('horizon', values.horizon),
    backend: backend === 'auto' ? undefined : backend,
    signal,
  });
  if (values.json) process.stdout.write(forecastJson(r) + '\n');
  else printForecast(r);
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    switch (command) {
      case 'forecast':
        await forecastCommand(rest, controller.signal);
        return 0;
      case 'predict':
        await predictCommand(rest, controller.signal);
        return 0;
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        process.stdout.write(USAGE + '\n');
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}".`);
    }
  } catch (e) {
    if (e instanceof RnnLabError) {
      process.stderr.write(`rnn-lab: ${e.toString()}\n`);
      return e.code === 'CANCELLED' ? 130 : 1;
    }
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`rnn-lab: ${(e as Error).message}\n${USAGE}\n`);
      return 2;
    }
    process.stderr.write(`rnn-lab: internal error: ${(e as Error).message ?? String(e)} (please report it; set RNN_LAB_DEBUG=1 for details)\n`);
    if (process.env.RNN_LAB_DEBUG) process.stderr.write(`${(e as Error).stack}\n`);
    return 70;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
