/**
 * The one contract between the extension host and its webviews, in both directions. Both the
 * extension bundle and the webview bundles import this file, so it imports nothing outside
 * src/shared (no `vscode`, no DOM, no engine).
 *
 * Every message is discriminated on `type`. Everything that arrives from a webview is untrusted
 * input: `parseSetupMessage` / `parseRunMessage` check it at run time and reject unknown types.
 */
import type { Reply } from './channel';
import type { LossPoint } from './events';
import type { ForecastOptions, ForecastResult } from './forecast';
import { FORECAST_OPTIONS, type OptionSpec } from './options';

export type { LossPoint } from './events';

// ---------------------------------------------------------------------------------------------
// Shared shapes

/** The hyperparameters the setup form edits. Defaults come from the `rnnLab.*` settings. */
export type FormValues = Pick<
  ForecastOptions,
  'seqLength' | 'hidden' | 'layers' | 'epochs' | 'batchSize' | 'lr' | 'trainFraction' | 'horizon' | 'seed' | 'order' | 'missing' | 'dateFormat' | 'decimalComma'
> & {
  /** Column to predict (the engine's options make it optional; the form always names one). */
  target: string;
  features: string[];
};

/** What the setup form shows about the CSV before training. Dataset text is shown via textContent only. */
export interface CsvPreview {
  /** File name for display (not a path the webview could use). */
  fileName: string;
  columns: string[];
  rows: { line: number; date: string | null; values: number[] }[];
  totalRows: number;
  dateColumn: string | null;
  /** Each column left out, with the reason, in the reader's words (describeIgnored). */
  ignored: string[];
  order: { detected: 'oldest-first' | 'newest-first' | 'unknown'; reversed: boolean };
  stats: { column: string; min: number; max: number; missing: number }[];
}

/** Where a run is in its life. Crosses the boundary, so it is a discriminated union. */
export type RunPhase =
  | { kind: 'training'; epochs: number; backend: string | null }
  | { kind: 'done'; result: ForecastResult; runDir: string | null }
  | { kind: 'failed'; message: string }
  | { kind: 'cancelled' }
  /** The window reloaded while training ran: the worker died with the old extension host. */
  | { kind: 'interrupted' };

/** Everything the run panel needs to draw itself; also what it keeps in `setState`. */
export interface RunViewState {
  runId: string;
  /** What was trained on, for display. */
  fileName: string;
  /** 'train': trained here. 'saved': a saved model applied to a CSV. */
  source: 'train' | 'saved';
  history: LossPoint[];
  phase: RunPhase;
}

/** The form's fields that change how the file is read, so the preview is read again when they change. */
export const READ_KEYS = ['dateFormat', 'decimalComma'] as const;
export type ReadOptions = Pick<FormValues, (typeof READ_KEYS)[number]>;

/** Why the file could not be read; `option` is the form field it is about, `suggest` the value that would fix it. */
export interface PreviewProblem {
  message: string;
  option?: string;
  suggest?: string | number | boolean;
}

/** The file as the form's read options read it, or why it could not be read. */
export type PreviewState = { kind: 'ready'; preview: CsvPreview } | { kind: 'failed'; fileName: string; problem: PreviewProblem };

// ---------------------------------------------------------------------------------------------
// Setup form (viewType rnnLab.forecastSetup)

/**
 * Every setup form's: training is starting (or failed to start). `error` is shown in the form; the
 * form stays usable. `option` is the key of the field the error is about: the form highlights it.
 */
export type Starting = { type: 'starting'; busy: boolean; error?: string; option?: string };

export type HostToSetup =
  | { type: 'init'; preview: PreviewState; values: FormValues }
  | Starting
  | Reply;

/** The setup form's messages that are requests, answered by a reply with their id. */
export const SETUP_REQUESTS = ['preview'] as const;

export type SetupToHost =
  | PageBasics
  | { type: 'start'; values: FormValues }
  /** A request: read the file again with these options; the reply is a PreviewState. */
  | { type: 'preview'; id: number; read: ReadOptions };

// ---------------------------------------------------------------------------------------------
// Run panel (viewType rnnLab.forecastRun)

export type HostToRun =
  | { type: 'state'; state: RunViewState }
  /** New epochs since the last message (the host batches them, at most ~10 messages a second). */
  | { type: 'epochs'; runId: string; points: LossPoint[] }
  | { type: 'notice'; message: string }
  | Reply;

/** The run panel's messages that are requests, answered by a reply with their id. */
export const RUN_REQUESTS = ['ping'] as const;

export type RunToHost =
  | PageBasics
  | { type: 'cancel' }
  | { type: 'saveModel' }
  | { type: 'forecastWithSaved' }
  | { type: 'exportImage'; format: 'png' | 'svg'; dataUrl: string }
  /**
   * A request (see channel.ts): the host answers with an empty reply. The bench times these
   * round trips through the extension host while training runs.
   */
  | { type: 'ping'; id: number };

// ---------------------------------------------------------------------------------------------
// Runtime validation of messages from webviews (the checks are exported: every panel's parser
// is built from them, src/shared/packing.ts's too)

export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
}

export type Obj = Record<string, unknown>;

export function obj(x: unknown, what: string): Obj {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) throw new ProtocolError(`${what} must be an object`);
  return x as Obj;
}
export function str(o: Obj, k: string, maxLen = 10_000): string {
  const v = o[k];
  if (typeof v !== 'string') throw new ProtocolError(`${k} must be a string`);
  if (v.length > maxLen) throw new ProtocolError(`${k} is too long`);
  return v;
}
export function num(o: Obj, k: string): number {
  const v = o[k];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ProtocolError(`${k} must be a finite number`);
  return v;
}
export function int(o: Obj, k: string): number {
  const v = num(o, k);
  if (!Number.isInteger(v)) throw new ProtocolError(`${k} must be an integer`);
  return v;
}
/** Rejects keys the message type does not define, so nothing unchecked rides along. */
export function onlyKeys(o: Obj, keys: string[]): void {
  for (const k of Object.keys(o)) if (!keys.includes(k)) throw new ProtocolError(`unexpected field ${k}`);
}

/** The form's fields, each typed by its forecast table entry. */
const FORM_KEYS = ['target', 'features', 'seqLength', 'hidden', 'layers', 'epochs', 'batchSize', 'lr', 'trainFraction', 'horizon', 'seed', 'order', 'missing', ...READ_KEYS] as const;

/** Field `k` of `o` as its forecast table entry types it. */
function formField(o: Obj, k: (typeof FORM_KEYS)[number]): unknown {
  const s: OptionSpec = FORECAST_OPTIONS[k];
  const v = o[k];
  switch (s.type) {
    case 'int':
      return typeof v === 'string' && s.words?.includes(v) ? v : int(o, k);
    case 'number':
      return num(o, k);
    case 'boolean':
      return bool(o, k);
    case 'enum':
      return oneOf(o, k, s.choices.map((c) => c.value));
    case 'string':
      return str(o, k, s.maxLength);
    case 'list':
      if (!Array.isArray(v) || v.length > s.maxItems || !v.every((f) => typeof f === 'string')) throw new ProtocolError(`${k} must be an array of strings`);
      return v.slice();
  }
}

/**
 * The form's values, each of its table entry's type (a whole number, a word such as `full`, one of
 * the choices, true or false, text or a list of bounded length). The bounds are checked by validateFormValues,
 * which words each problem for the form, rather than rejected here as a malformed message.
 */
export function parseFormValues(x: unknown): FormValues {
  const o = obj(x, 'values');
  onlyKeys(o, [...FORM_KEYS]);
  return Object.fromEntries(FORM_KEYS.map((k) => [k, formField(o, k)])) as FormValues;
}

/** The read options of a `preview` request, typed as the form's values are. */
export function parseReadOptions(x: unknown): ReadOptions {
  const o = obj(x, 'read');
  onlyKeys(o, [...READ_KEYS]);
  return Object.fromEntries(READ_KEYS.map((k) => [k, formField(o, k)])) as ReadOptions;
}

export function oneOf<T extends string>(o: Obj, k: string, allowed: readonly T[]): T {
  const v = o[k];
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) throw new ProtocolError(`${k} must be one of ${allowed.join(', ')}`);
  return v as T;
}

export function parseViolation(o: Obj): { type: 'cspViolation'; directive: string; blockedURI: string } {
  onlyKeys(o, ['type', 'directive', 'blockedURI']);
  return { type: 'cspViolation', directive: str(o, 'directive', 500), blockedURI: str(o, 'blockedURI', 2000) };
}

/** What every page sends: the handshake, and the CSP violations it saw. */
export type PageBasics = { type: 'ready' } | { type: 'cspViolation'; directive: string; blockedURI: string };

/**
 * A message from a page, checked: `cases` has a parser for each type the page sends besides
 * `ready` and `cspViolation`, which are every page's. Throws ProtocolError on anything unexpected.
 */
export function parsePageMessage<T extends PageBasics | { type: string }>(x: unknown, cases: { [K in Exclude<T['type'], PageBasics['type']>]: (o: Obj) => Extract<T, { type: K }> }): T {
  const o = obj(x, 'message');
  // Every T has both (its union includes PageBasics); the checker cannot see that through the generic.
  if (o.type === 'ready') return bare('ready')(o) as unknown as T;
  if (o.type === 'cspViolation') return parseViolation(o) as unknown as T;
  const table = cases as Record<string, (o: Obj) => T>;
  if (typeof o.type !== 'string' || !Object.prototype.hasOwnProperty.call(table, o.type)) throw new ProtocolError(`unknown message type ${JSON.stringify(o.type)?.slice(0, 50)}`);
  return table[o.type](o);
}

/** The parser of a message that is its type alone. */
export function bare<T extends string>(type: T): (o: Obj) => { type: T } {
  return (o) => {
    onlyKeys(o, ['type']);
    return { type };
  };
}

/** Validates a message from the setup form. Throws ProtocolError on anything unexpected. */
export function parseSetupMessage(x: unknown): SetupToHost {
  return parsePageMessage<SetupToHost>(x, {
    start: (o) => (onlyKeys(o, ['type', 'values']), { type: 'start', values: parseFormValues(o.values) }),
    preview: (o) => (onlyKeys(o, ['type', 'id', 'read']), { type: 'preview', id: int(o, 'id'), read: parseReadOptions(o.read) }),
  });
}

/** Largest exported image accepted from the run panel (a data: URL). */
export const MAX_IMAGE_DATA_URL = 20 * 1024 * 1024;

/** Validates a message from the run panel. Throws ProtocolError on anything unexpected. */
export function parseRunMessage(x: unknown): RunToHost {
  return parsePageMessage<RunToHost>(x, {
    cancel: bare('cancel'),
    saveModel: bare('saveModel'),
    forecastWithSaved: bare('forecastWithSaved'),
    exportImage: (o) => {
      onlyKeys(o, ['type', 'format', 'dataUrl']);
      const format = o.format;
      if (format !== 'png' && format !== 'svg') throw new ProtocolError('format must be png or svg');
      const dataUrl = str(o, 'dataUrl', MAX_IMAGE_DATA_URL);
      const prefix = format === 'png' ? 'data:image/png;base64,' : 'data:image/svg+xml,';
      if (!dataUrl.startsWith(prefix)) throw new ProtocolError(`dataUrl must start with ${prefix}`);
      return { type: 'exportImage', format, dataUrl };
    },
    ping: (o) => (onlyKeys(o, ['type', 'id']), { type: 'ping', id: int(o, 'id') }),
  });
}

// ---------------------------------------------------------------------------------------------
// Runtime validation of a run panel's restored state

/**
 * Longest series accepted in a restored state. Far above any CSV the readers take in a panel,
 * low enough that a forged state cannot make the host hold or redraw gigabytes.
 */
export const MAX_RESTORED_POINTS = 10_000_000;

/** Run folder names as runIdFor makes them (2025-03-01T12-30-05-123Z), `-2` when one was taken. */
export const RUN_ID = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z(-\d+)?$/;
/** Dates as the CSV reader writes them: UTC ISO, to the day, second or millisecond. */
const ISO_DATE = /^[+-]?\d{4,6}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d{3})?)?$/;

export function arr(o: Obj, k: string, maxLen = MAX_RESTORED_POINTS): unknown[] {
  const v = o[k];
  if (!Array.isArray(v)) throw new ProtocolError(`${k} must be an array`);
  if (v.length > maxLen) throw new ProtocolError(`${k} is too long`);
  return v;
}
export function nums(o: Obj, k: string): number[] {
  const v = arr(o, k);
  if (!v.every((x) => typeof x === 'number' && Number.isFinite(x))) throw new ProtocolError(`${k} must hold finite numbers`);
  return v as number[];
}
/** An x axis: the file's dates, or row numbers when it has none; never a mix. */
function axis(o: Obj, k: string): (string | number)[] {
  const v = arr(o, k);
  const dates = v.every((x) => typeof x === 'string' && ISO_DATE.test(x));
  const rows = v.every((x) => typeof x === 'number' && Number.isInteger(x));
  if (!dates && !rows) throw new ProtocolError(`${k} must hold ISO dates or row numbers`);
  return v as (string | number)[];
}
export function nonNegInt(o: Obj, k: string): number {
  const v = int(o, k);
  if (v < 0) throw new ProtocolError(`${k} must not be negative`);
  return v;
}
export function bool(o: Obj, k: string): boolean {
  const v = o[k];
  if (typeof v !== 'boolean') throw new ProtocolError(`${k} must be true or false`);
  return v;
}
export function nullable<T>(o: Obj, k: string, f: (o: Obj, k: string) => T): T | null {
  return o[k] === null ? null : f(o, k);
}

function parseMetrics(x: unknown, what: string): ForecastResult['test'] {
  const o = obj(x, what);
  onlyKeys(o, ['rmse', 'mae', 'mape', 'mapeNote']);
  const m: ForecastResult['test'] = { rmse: num(o, 'rmse'), mae: num(o, 'mae'), mape: nullable(o, 'mape', num) };
  if (o.mapeNote !== undefined) m.mapeNote = str(o, 'mapeNote', 1000);
  return m;
}

export function parseLossPoint(x: unknown): LossPoint {
  const o = obj(x, 'history entry');
  onlyKeys(o, ['epoch', 'loss', 'valLoss']);
  return { epoch: nonNegInt(o, 'epoch'), loss: num(o, 'loss'), valLoss: nullable(o, 'valLoss', num) };
}

/** Validates a forecast result that crossed from a webview (in a restored state). */
export function parseForecastResult(x: unknown): ForecastResult {
  const o = obj(x, 'result');
  onlyKeys(o, ['backend', 'trainSeconds', 'finalLoss', 'rows', 'testWindows', 'target', 'features', 'test', 'naive', 'history', 'testSeries', 'forecast', 'stoppedEarly']);
  const features = arr(o, 'features', 1000);
  if (!features.every((f) => typeof f === 'string' && f.length <= 1000)) throw new ProtocolError('features must be an array of strings');
  const ts = obj(o.testSeries, 'testSeries');
  onlyKeys(ts, ['x', 'actual', 'predicted', 'naive']);
  const testSeries = { x: axis(ts, 'x'), actual: nums(ts, 'actual'), predicted: nums(ts, 'predicted'), naive: nums(ts, 'naive') };
  if (![testSeries.actual, testSeries.predicted, testSeries.naive].every((s) => s.length === testSeries.x.length)) {
    throw new ProtocolError('testSeries must have as many values as x');
  }
  const fc = obj(o.forecast, 'forecast');
  onlyKeys(fc, ['x', 'values']);
  const forecast = { x: axis(fc, 'x'), values: nums(fc, 'values') };
  if (forecast.values.length !== forecast.x.length) throw new ProtocolError('forecast must have as many values as x');
  return {
    backend: str(o, 'backend', 100),
    trainSeconds: num(o, 'trainSeconds'),
    finalLoss: nullable(o, 'finalLoss', num),
    rows: nonNegInt(o, 'rows'),
    testWindows: nonNegInt(o, 'testWindows'),
    target: str(o, 'target', 1000),
    features: features as string[],
    test: parseMetrics(o.test, 'test'),
    naive: parseMetrics(o.naive, 'naive'),
    history: arr(o, 'history').map(parseLossPoint),
    testSeries,
    forecast,
    stoppedEarly: bool(o, 'stoppedEarly'),
  };
}

/**
 * A saved run's folder as the host wrote it: absolute, `…/<run id>`, no `.` or `..` steps. Save
 * model copies out of it and Forecast with saved model reads its model, so a state naming any
 * other folder is refused; the host also checks that the folder is in one of its runs folders
 * (the `rnnLab.runsDirectory` setting may put them anywhere). Either separator, so Windows paths
 * pass too.
 */
export function runDir(o: Obj): string {
  const dir = str(o, 'runDir', 4096);
  const absolute = dir.startsWith('/') || /^[A-Za-z]:[\\/]/.test(dir) || dir.startsWith('\\\\');
  const parts = dir.split(/[\\/]/);
  if (!absolute || parts.some((p) => p === '.' || p === '..') || !RUN_ID.test(parts[parts.length - 1] ?? '')) {
    throw new ProtocolError('runDir must be a run folder (an absolute path ending in a run id)');
  }
  return dir;
}

function parsePhase(x: unknown): RunPhase {
  const o = obj(x, 'phase');
  switch (o.kind) {
    case 'training':
      onlyKeys(o, ['kind', 'epochs', 'backend']);
      return { kind: 'training', epochs: nonNegInt(o, 'epochs'), backend: nullable(o, 'backend', (p, k) => str(p, k, 100)) };
    case 'done':
      onlyKeys(o, ['kind', 'result', 'runDir']);
      return { kind: 'done', result: parseForecastResult(o.result), runDir: nullable(o, 'runDir', runDir) };
    case 'failed':
      onlyKeys(o, ['kind', 'message']);
      return { kind: 'failed', message: str(o, 'message') };
    case 'cancelled':
    case 'interrupted':
      onlyKeys(o, ['kind']);
      return { kind: o.kind };
    default:
      throw new ProtocolError(`unknown phase ${JSON.stringify(o.kind)?.slice(0, 50)}`);
  }
}

/**
 * Validates the state a run panel kept with setState, as the serializer hands it back after a
 * window reload. The page wrote it, so it is as untrusted as the page's messages.
 */
export function parseRunViewState(x: unknown): RunViewState {
  const o = obj(x, 'state');
  onlyKeys(o, ['runId', 'fileName', 'source', 'history', 'phase']);
  const runId = str(o, 'runId', 100);
  if (!RUN_ID.test(runId)) throw new ProtocolError('runId must be a run id');
  return {
    runId,
    fileName: str(o, 'fileName', 4096),
    source: oneOf(o, 'source', ['train', 'saved'] as const),
    history: arr(o, 'history').map(parseLossPoint),
    phase: parsePhase(o.phase),
  };
}
