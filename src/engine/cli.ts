/**
 * `rnn-lab`: the engine from a terminal.
 *
 *   rnn-lab forecast FILE [options]     train the LSTM forecaster on a CSV
 *   rnn-lab predict MODEL_DIR FILE      apply a saved forecaster to another CSV
 *   rnn-lab seq2seq FILE [options]      train the GRU translator on sentence pairs
 *   rnn-lab translate MODEL_DIR "…"     translate with a saved translator
 *
 * Progress goes to stderr; with --json the last line of stdout is one JSON object. Errors print one
 * line (file:line:col: what, and the fix) and exit non-zero, never a stack trace.
 */
import { parseArgs } from 'node:util';
import { RnnLabError } from './errors';
import type { BackendName } from './backend';
import type { TrainEvent } from './train/events';
import { FORECAST_DEFAULTS, type ForecastOptions, type ForecastResult } from './forecast/types';
import { SEQ2SEQ_DEFAULTS, type Seq2SeqOptions, type Seq2SeqResult, type Translation } from './seq2seq/types';
import { commandHelp, optionsFromArgs, parseArgsOptions, pick, UsageError, type CommandSpec, type ExtraFlag } from './cliOptions';
import { FORECAST_OPTIONS } from '../shared/options/forecast';
import { SEQ2SEQ_OPTIONS } from '../shared/options/seq2seq';
import { STORE_OPTIONS } from '../shared/options/store';
// The run store is plain Node, shared with the extension's worker, so a terminal run is stored as
// the side panel reads it.
import { RunWriter, type RunStart } from '../extension/runs/store';

const USAGE = `Usage:
  rnn-lab forecast FILE [--target COL] [--features A,B,…] [--seq-length N] [--hidden N] [--layers N]
                        [--epochs N] [--batch-size N|full] [--lr X] [--train-fraction X]
                        [--validation-fraction X] [--patience N] [--clip-norm X] [--horizon N]
                        [--seed N] [--missing error|drop|ffill] [--order auto|as-is|reverse]
                        [--date-format auto|day-first|month-first] [--decimal-comma]
                        [--backend auto|wasm|tensorflow|cpu] [--threads N] [--save DIR] [--json]
  rnn-lab predict MODEL_DIR FILE [--horizon N] [--backend B] [--threads N] [--json]
  rnn-lab seq2seq FILE [--hidden N] [--epochs N | --iterations N] [--batch-size N] [--optimizer sgd|adam]
                       [--lr X] [--teacher-forcing X] [--attention] [--source-max-length N]
                       [--target-max-length N] [--test-fraction X | --test-file PAIRS] [--split-punctuation] [--reverse]
                       [--min-count N] [--clip-norm X] [--seed N] [--backend B] [--threads N] [--save DIR] [--json]
  rnn-lab translate MODEL_DIR "sentence" ["sentence" …] [--backend B] [--threads N] [--json]

Defaults are the course's lab 11-4: seq-length ${FORECAST_DEFAULTS.seqLength}, hidden ${FORECAST_DEFAULTS.hidden}, layers ${FORECAST_DEFAULTS.layers}, Adam lr ${FORECAST_DEFAULTS.lr},
${FORECAST_DEFAULTS.epochs} full-batch epochs, train fraction ${FORECAST_DEFAULTS.trainFraction}. The course reverses stock_daily.csv (newest row first,
no dates): pass --order reverse for it.

seq2seq defaults are the course's lab 11-5: hidden ${SEQ2SEQ_DEFAULTS.hidden}, SGD lr ${SEQ2SEQ_DEFAULTS.lr}, ${SEQ2SEQ_DEFAULTS.iterations} iterations of batch size ${SEQ2SEQ_DEFAULTS.batchSize} (a random
pair each, loss = sum over its tokens), always teacher forcing, sources < ${SEQ2SEQ_DEFAULTS.sourceMaxLength} and targets < ${SEQ2SEQ_DEFAULTS.targetMaxLength} words.
The test fraction is 0.1 for files of 100 pairs or more, else 0 (measured on the training pairs, as
the course does). For kor-eng.txt the bench uses --hidden 256 --epochs 20 --batch-size 64
--optimizer adam --lr 0.001 (mini-batches: mean loss over real target tokens).

rnn-lab COMMAND --help lists a command's options with their ranges and defaults.`;

const SAVE: ExtraFlag = { type: 'string', metavar: 'DIR', help: 'Save the trained model into the folder DIR.' };
const JSON_FLAG: ExtraFlag = { type: 'boolean', help: 'Print one JSON object as the last line of stdout.' };
const QUIET: ExtraFlag = { type: 'boolean', help: 'No progress on stderr.' };
const RUN_DIR_FLAG = STORE_OPTIONS.runsDirectory.flag;
const RUN_DIR: ExtraFlag = { type: 'string', metavar: 'DIR', help: `Store the run in the runs folder DIR (the extension's is ${STORE_OPTIONS.runsDirectory.default}), so it shows in RNN Lab's Runs view.` };

/** Each command's flags: its table's options (src/shared/options) and the CLI's own. */
const COMMANDS = {
  forecast: {
    usage: 'forecast FILE [options]',
    summary: "Train the LSTM forecaster on a CSV. Defaults are the course's lab 11-4; pass --order reverse for stock_daily.csv.",
    options: FORECAST_OPTIONS,
    extra: { save: SAVE, [RUN_DIR_FLAG]: RUN_DIR, json: JSON_FLAG, quiet: QUIET },
  },
  predict: {
    usage: 'predict MODEL_DIR FILE [options]',
    summary: 'Apply a saved forecaster to another CSV with the same columns.',
    options: pick(FORECAST_OPTIONS, ['horizon', 'backend', 'threads']),
    extra: { json: JSON_FLAG },
  },
  seq2seq: {
    usage: 'seq2seq FILE [options]',
    summary: "Train the GRU translator on a file of tab-separated sentence pairs. Defaults are the course's lab 11-5.",
    options: SEQ2SEQ_OPTIONS,
    extra: { save: SAVE, [RUN_DIR_FLAG]: RUN_DIR, json: JSON_FLAG, quiet: QUIET },
  },
  translate: {
    usage: 'translate MODEL_DIR "sentence" ["sentence" …] [options]',
    summary: 'Translate with a saved translator.',
    options: pick(SEQ2SEQ_OPTIONS, ['backend', 'threads']),
    extra: { json: JSON_FLAG },
  },
} satisfies Record<string, CommandSpec>;

/** parseArgs over the command's flags; `--help` prints the command's help and returns null. */
function parseCommand(cmd: CommandSpec, args: string[]): { values: Record<string, unknown>; positionals: string[] } | null {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: parseArgsOptions(cmd) });
  if (values.help) {
    process.stdout.write(commandHelp(cmd) + '\n');
    return null;
  }
  return { values, positionals };
}

/** The engine takes no backend for auto. */
function backendOf(v: BackendName | 'auto' | undefined): BackendName | undefined {
  return v === 'auto' ? undefined : v;
}

/** How a Progress words its lines, given the trainer's epochs done and in total. */
interface ProgressUnits {
  /** e.g. "500 epochs", for the start line. */
  total(epochs: number): string;
  /** e.g. "epoch 3/500". */
  at(done: number, epochs: number): string;
}

const EPOCH_UNITS: ProgressUnits = { total: (n) => `${n} epochs`, at: (d, n) => `epoch ${d}/${n}` };

/** A progress bar on stderr: redrawn in place on a terminal, a line per 10% otherwise. */
class Progress {
  private lastDraw = 0;
  private lastDecile = -1;
  private lastProgressDecile = -1;
  private epochs = 1;
  /** `units` words the progress: per epoch by default; seq2seq's iteration mode counts steps. */
  constructor(
    private readonly quiet: boolean,
    private readonly units: ProgressUnits = EPOCH_UNITS,
  ) {}

  onEvent = (e: TrainEvent): void => {
    if (this.quiet) return;
    if (e.type === 'start') {
      this.epochs = e.epochs;
      process.stderr.write(`backend ${e.backend} (kernels: ${e.engine}): ${e.trainExamples} training examples, ${this.units.total(e.epochs)}\n`);
    } else if (e.type === 'epochEnd') {
      const done = e.epoch / this.epochs; // epochs count from 1
      const line = `${this.units.at(e.epoch, this.epochs)}  loss ${e.loss.toPrecision(4)}${e.valLoss !== null ? `  val ${e.valLoss.toPrecision(4)}` : ''}  ${e.elapsedSeconds.toFixed(1)}s`;
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
    } else if (e.type === 'progress') {
      const line = `${e.task} ${e.done.toLocaleString('en')}/${e.total.toLocaleString('en')} ${e.task === 'forecast' ? 'steps' : 'sentences'}  ${e.elapsedSeconds.toFixed(1)}s`;
      const decile = Math.floor((10 * e.done) / e.total);
      if (process.stderr.isTTY) process.stderr.write(`\r${line}\x1b[K${e.done === e.total ? '\n' : ''}`);
      else if (decile !== this.lastProgressDecile) {
        this.lastProgressDecile = decile;
        process.stderr.write(`${line}\n`);
      }
    } else if (e.type === 'end' && e.reason !== 'completed' && process.stderr.isTTY) {
      process.stderr.write(`\n${e.reason === 'earlyStopped' ? 'stopped early' : 'cancelled'} after ${e.epochs} epochs\n`);
    }
  };
}

/**
 * Checks --save before training (a path that holds anything but an RNN Lab model, or cannot be
 * written, fails now rather than after the model is trained) and returns the save to run after.
 */
async function saveTarget(dir: string | undefined): Promise<((run: { save(dir: string): Promise<void> }) => Promise<void>) | undefined> {
  if (dir === undefined) return undefined;
  const { checkSaveTarget } = await import('./persist');
  const target = await checkSaveTarget(dir);
  return async (run) => {
    await run.save(dir);
    process.stderr.write(target.state === 'replace' && target.kind !== null ? `replaced the model in ${dir}\n` : `saved model to ${dir}\n`);
  };
}

/**
 * --run-dir: the run's folder, made before training starts, so a run stopped with Ctrl-C keeps its
 * curve so far (status cancelled). Null without the flag.
 */
async function runWriter(values: Record<string, unknown>, start: Omit<RunStart, 'tfjsVersion'>): Promise<RunWriter | null> {
  const dir = values[RUN_DIR_FLAG];
  if (typeof dir !== 'string') return null;
  const { versions } = await import('./backend');
  return RunWriter.create(dir, { ...start, tfjsVersion: versions().tfjsCore });
}

/** Runs `train` with the run recorded by `writer`: its events appended, a failure or a cancel written down before it is reported. */
async function recorded<T>(writer: RunWriter | null, progress: Progress, train: (onEvent: (e: TrainEvent) => void) => Promise<T>): Promise<T> {
  try {
    return await train((e) => {
      writer?.onEvent(e);
      progress.onEvent(e);
    });
  } catch (e) {
    await writer?.endWith(e);
    throw e;
  }
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
  const parsed = parseCommand(COMMANDS.forecast, args);
  if (!parsed) return;
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError('forecast takes one CSV file.');
  const options = optionsFromArgs<ForecastOptions>(COMMANDS.forecast, values);
  const progress = new Progress(values.quiet === true);
  const save = await saveTarget(typeof values.save === 'string' ? values.save : undefined);
  const { runForecast, resolveForecastOptions } = await import('./forecast/run');
  const o = resolveForecastOptions(options);
  const writer = await runWriter(values, { kind: 'forecast', datasetPath: positionals[0], config: { ...o }, seed: o.seed, backend: o.backend ?? 'auto' });
  const run = await recorded(writer, progress, (onEvent) => runForecast(positionals[0], options, { onEvent, signal }));
  try {
    if (save) await save(run);
    if (writer) {
      const r = run.result;
      await writer.saveModel((dir) => run.save(dir));
      await writer.end({ status: 'done', result: r, headline: { rmse: r.test.rmse, naiveRmse: r.naive.rmse }, config: { ...o, target: r.target, features: r.features } });
      process.stderr.write(`stored the run in ${writer.dir}\n`);
    }
    if (values.json) process.stdout.write(forecastJson(run.result) + '\n');
    else printForecast(run.result);
  } finally {
    run.dispose();
  }
}

async function predictCommand(args: string[], signal: AbortSignal): Promise<void> {
  const parsed = parseCommand(COMMANDS.predict, args);
  if (!parsed) return;
  const { values, positionals } = parsed;
  if (positionals.length !== 2) throw new UsageError('predict takes MODEL_DIR and FILE.');
  const o = optionsFromArgs<ForecastOptions>(COMMANDS.predict, values);
  const { predictWithSaved } = await import('./forecast/run');
  const r = await predictWithSaved(positionals[0], positionals[1], { horizon: o.horizon, backend: backendOf(o.backend), threads: o.threads, signal, onEvent: new Progress(false).onEvent });
  if (values.json) process.stdout.write(forecastJson(r) + '\n');
  else printForecast(r);
}

function pct(v: number): string {
  return `${(100 * v).toFixed(1)}%`;
}

function printSeq2Seq(r: Seq2SeqResult): void {
  const where = r.measuredOn === 'test' ? `${r.testPairs} held-out test pairs` : 'the training pairs (test fraction 0, as the course evaluates)';
  const lines = [
    `${r.pairs} pairs (${r.trainPairs} train, ${r.testPairs} test); vocabularies ${r.sourceVocab} → ${r.targetVocab} words incl. <SOS> <EOS> <PAD> <UNK>; backend ${r.backend}`,
    `trained ${r.steps} steps in ${r.trainSeconds.toFixed(2)} s (${r.msPerStep.toFixed(3)} ms/step), final loss ${r.finalLoss.toPrecision(4)}`,
    `on ${where}: token accuracy ${pct(r.test.tokenAccuracy)}, exact match ${pct(r.test.exactMatch)}, BLEU-4 ${r.test.bleu.toFixed(4)}`,
  ];
  if (r.test.unknownTokens > 0) lines.push(`${r.test.unknownTokens} reference tokens are <UNK> (words rarer than --min-count ${r.options.minCount}) and never count as correct.`);
  for (const s of r.samples) lines.push('', `> ${s.source}`, `= ${s.target}`, `< ${s.prediction}`);
  process.stdout.write(lines.join('\n') + '\n');
}

function seq2seqJson(r: Seq2SeqResult): string {
  return JSON.stringify({
    trainSeconds: r.trainSeconds,
    finalLoss: r.finalLoss,
    pairs: r.pairs,
    sourceVocab: r.sourceVocab,
    targetVocab: r.targetVocab,
    test: { tokenAccuracy: r.test.tokenAccuracy, exactMatch: r.test.exactMatch, bleu: r.test.bleu, unknownTokens: r.test.unknownTokens },
    samples: r.samples,
    backend: r.backend,
    measuredOn: r.measuredOn,
    trainPairs: r.trainPairs,
    testPairs: r.testPairs,
    steps: r.steps,
    msPerStep: r.msPerStep,
  });
}

async function seq2seqCommand(args: string[], signal: AbortSignal): Promise<void> {
  const parsed = parseCommand(COMMANDS.seq2seq, args);
  if (!parsed) return;
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError('seq2seq takes one sentence-pair file.');
  if (values.epochs !== undefined && values.iterations !== undefined) {
    throw new UsageError('give --epochs (passes over the training pairs) or --iterations (random batches, as the course), not both.');
  }
  const options = optionsFromArgs<Seq2SeqOptions>(COMMANDS.seq2seq, values);
  const { runSeq2Seq, resolveSeq2SeqOptions, REPORT_EVERY } = await import('./seq2seq/run');
  const iterations = options.iterations ?? SEQ2SEQ_DEFAULTS.iterations;
  const units =
    options.epochs === undefined
      ? { total: () => `${iterations} steps`, at: (d: number) => `step ${Math.min(d * REPORT_EVERY, iterations)}/${iterations}` }
      : undefined;
  const progress = new Progress(values.quiet === true, units);
  const save = await saveTarget(typeof values.save === 'string' ? values.save : undefined);
  const o = resolveSeq2SeqOptions(options);
  const writer = await runWriter(values, { kind: 'seq2seq', datasetPath: positionals[0], config: { ...o }, seed: o.seed, backend: o.backend ?? 'auto' });
  const run = await recorded(writer, progress, (onEvent) => runSeq2Seq(positionals[0], options, { onEvent, signal }));
  try {
    if (save) await save(run);
    if (writer) {
      const r = run.result;
      await writer.saveModel((dir) => run.save(dir));
      await writer.end({ status: 'done', result: r, headline: { tokenAccuracy: r.test.tokenAccuracy, bleu: r.test.bleu, exactMatch: r.test.exactMatch } });
      process.stderr.write(`stored the run in ${writer.dir}\n`);
    }
    if (values.json) process.stdout.write(seq2seqJson(run.result) + '\n');
    else printSeq2Seq(run.result);
  } finally {
    run.dispose();
  }
}

function printTranslations(ts: Translation[]): void {
  for (const t of ts) {
    if (t.unknown.length) {
      process.stderr.write(`note: not in the source vocabulary, read as <UNK>: ${t.unknown.map((w) => `"${w}"`).join(', ')}\n`);
    }
    process.stdout.write(`${t.prediction}\n`);
  }
}

async function translateCommand(args: string[]): Promise<void> {
  const parsed = parseCommand(COMMANDS.translate, args);
  if (!parsed) return;
  const { values, positionals } = parsed;
  if (positionals.length < 2) throw new UsageError('translate takes MODEL_DIR and at least one sentence (quote it).');
  const o = optionsFromArgs<Seq2SeqOptions>(COMMANDS.translate, values);
  const { translateWithSaved } = await import('./seq2seq/run');
  const r = await translateWithSaved(positionals[0], positionals.slice(1), { backend: backendOf(o.backend), threads: o.threads });
  if (values.json) {
    for (const t of r.translations) {
      if (t.unknown.length) process.stderr.write(`note: not in the source vocabulary, read as <UNK>: ${t.unknown.map((w) => `"${w}"`).join(', ')}\n`);
    }
    process.stdout.write(JSON.stringify({ translations: r.translations, backend: r.backend }) + '\n');
  } else {
    printTranslations(r.translations);
  }
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
      case 'seq2seq':
        await seq2seqCommand(rest, controller.signal);
        return 0;
      case 'translate':
        await translateCommand(rest);
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
