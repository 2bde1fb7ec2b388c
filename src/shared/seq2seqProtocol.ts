/**
 * The seq2seq flow's contract between the extension host and its two pages (the setup form and the
 * training panel), in both directions: the form's fields and presets (from the seq2seq option
 * table), the messages, the panel's state, and the run-time checks of everything a page sends or
 * kept in setState. Imports nothing outside src/shared, like protocol.ts, whose checks it reuses.
 */
import type { Reply } from './channel';
import { appendBounded, thinRows } from './curves';
import { ENGLISH_WORDS, SEQ2SEQ_OPTIONS, problemWith, type NamedSpec, type Words } from './options';
import { ProtocolError, arr, bare, bool, int, nonNegInt, num, nullable, obj, onlyKeys, oneOf, parsePageMessage, runDir, str, type Obj, type PageBasics, type Starting } from './protocol';
import type { MetricsLine, RunJson } from './runs';
import type { Seq2SeqFileCheck, Seq2SeqOptions, Seq2SeqResult, Seq2SeqSample, Translation } from './seq2seq';

// ---------------------------------------------------------------------------------------------
// The setup form

/** The options the form edits, in its order; each field is drawn from its table entry. */
export const SEQ2SEQ_FORM_KEYS = [
  'hidden',
  'optimizer',
  'lr',
  'batchSize',
  'iterations',
  'epochs',
  'teacherForcing',
  'attention',
  'sourceMaxLength',
  'targetMaxLength',
  'testFraction',
  'minCount',
  'splitPunctuation',
  'reverse',
  'seed',
  'sampleEvery',
] as const;
export type Seq2SeqFormKey = (typeof SEQ2SEQ_FORM_KEYS)[number];

/** The form's values. `epochs` null trains by iterations (the course); a number trains by epochs. */
export type Seq2SeqFormValues = Required<Pick<Seq2SeqOptions, Exclude<Seq2SeqFormKey, 'epochs'>>> & { epochs: number | null };

/** The options that change what the form shows before training (the pairs kept, the vocabularies, the split). */
export const CHECK_KEYS: readonly Seq2SeqFormKey[] = ['sourceMaxLength', 'targetMaxLength', 'testFraction', 'minCount', 'splitPunctuation', 'reverse', 'seed'];

export type PresetName = 'course' | 'batched' | 'attention';

/** What each preset fills in; the fields it leaves out keep their values. */
export const PRESETS: Readonly<Record<PresetName, Partial<Seq2SeqFormValues>>> = (() => {
  const batched: Partial<Seq2SeqFormValues> = { hidden: 256, optimizer: 'adam', lr: 0.001, batchSize: 64, epochs: 20, teacherForcing: 1, attention: 'none' };
  return {
    course: { hidden: 16, optimizer: 'sgd', lr: 0.01, batchSize: 1, iterations: 5000, epochs: null, teacherForcing: 1, attention: 'none', sourceMaxLength: 10, targetMaxLength: 12 },
    batched,
    attention: { ...batched, attention: 'general', teacherForcing: 0.5 },
  };
})();

/** The form's first values: the course's preset over the table's defaults, the sample cadence at every report, the file's automatic test fraction. */
export function initialSeq2SeqValues(check: Pick<Seq2SeqFileCheck, 'testFraction'> | null): Seq2SeqFormValues {
  const o = SEQ2SEQ_OPTIONS;
  return {
    hidden: o.hidden.default,
    optimizer: o.optimizer.default as Seq2SeqOptions['optimizer'],
    lr: o.lr.default,
    batchSize: o.batchSize.default,
    iterations: o.iterations.default,
    epochs: null,
    teacherForcing: o.teacherForcing.default,
    attention: o.attention.default as Seq2SeqOptions['attention'],
    sourceMaxLength: o.sourceMaxLength.default,
    targetMaxLength: o.targetMaxLength.default,
    testFraction: check?.testFraction ?? 0,
    minCount: o.minCount.default,
    splitPunctuation: o.splitPunctuation.default,
    reverse: o.reverse.default,
    seed: o.seed.default,
    sampleEvery: 1,
    ...PRESETS.course,
  } as Seq2SeqFormValues;
}

/**
 * A stored run's options over the form's values, for *Re-run with the Same Config*: every value
 * its table entry accepts is taken, anything else (a hand-edited or older run.json) keeps the
 * form's. A run trained by iterations stored no epochs, and is re-run by iterations.
 */
export function seq2seqValuesFromRun(base: Seq2SeqFormValues, config: Readonly<Record<string, unknown>>): Seq2SeqFormValues {
  const out: Record<string, unknown> = { ...base };
  for (const k of SEQ2SEQ_FORM_KEYS) {
    const v = config[k];
    if (v !== undefined && v !== null && problemWith(SEQ2SEQ_OPTIONS[k], v) === null) out[k] = v;
  }
  if (config.epochs === undefined || config.epochs === null) out.epochs = null;
  return out as Seq2SeqFormValues;
}

/** Each field's problem against its table entry, keyed by option (the form marks the field), in the surface's `words`. */
export function seq2seqFormProblems(v: Seq2SeqFormValues, words: Words = ENGLISH_WORDS): { option: Seq2SeqFormKey; message: string }[] {
  const out: { option: Seq2SeqFormKey; message: string }[] = [];
  for (const k of SEQ2SEQ_FORM_KEYS) {
    if (k === 'epochs' && v.epochs === null) continue;
    const s: NamedSpec = SEQ2SEQ_OPTIONS[k];
    const p = problemWith(s, v[k], words.t);
    if (p) out.push({ option: k, message: `${words.table(s.label)} ${p}` });
  }
  return out;
}

/** Form values (checked) → the engine's options. */
export function seq2seqFormToOptions(v: Seq2SeqFormValues): Partial<Seq2SeqOptions> {
  const { epochs, ...rest } = v;
  return epochs === null ? rest : { ...rest, epochs };
}

export type HostToSeq2SeqSetup =
  /** `check` is null when the file cannot train with these values; `error` then says why. `vocabulary`: the Vocabulary… command exists. */
  | { type: 'init'; fileName: string; check: Seq2SeqFileCheck | null; values: Seq2SeqFormValues; vocabulary: boolean; error?: string; option?: string }
  | Starting
  | Reply;

/** The form's requests: `check` is answered with a Seq2SeqFileCheck (or the engine's error). */
export const SEQ2SEQ_SETUP_REQUESTS = ['check'] as const;

export type Seq2SeqSetupToHost = PageBasics | { type: 'start'; values: Seq2SeqFormValues } | { type: 'check'; id: number; values: Seq2SeqFormValues } | { type: 'vocabulary'; values: Seq2SeqFormValues };

/** The form's values, each of its table entry's type; the bounds are seq2seqFormProblems's. */
export function parseSeq2SeqFormValues(x: unknown): Seq2SeqFormValues {
  const o = obj(x, 'values');
  onlyKeys(o, [...SEQ2SEQ_FORM_KEYS]);
  const out: Record<string, unknown> = {};
  for (const k of SEQ2SEQ_FORM_KEYS) {
    const s: NamedSpec = SEQ2SEQ_OPTIONS[k];
    if (k === 'epochs' && o[k] === null) out[k] = null;
    else if (s.type === 'int') out[k] = int(o, k);
    else if (s.type === 'number') out[k] = num(o, k);
    else if (s.type === 'boolean') out[k] = bool(o, k);
    else if (s.type === 'enum') out[k] = oneOf(o, k, s.choices.map((c) => c.value));
    else throw new ProtocolError(`${k} is not a form field`);
  }
  return out as Seq2SeqFormValues;
}

export function parseSeq2SeqSetupMessage(x: unknown): Seq2SeqSetupToHost {
  return parsePageMessage<Seq2SeqSetupToHost>(x, {
    start: (o) => (onlyKeys(o, ['type', 'values']), { type: 'start', values: parseSeq2SeqFormValues(o.values) }),
    vocabulary: (o) => (onlyKeys(o, ['type', 'values']), { type: 'vocabulary', values: parseSeq2SeqFormValues(o.values) }),
    check: (o) => (onlyKeys(o, ['type', 'id', 'values']), { type: 'check', id: int(o, 'id'), values: parseSeq2SeqFormValues(o.values) }),
  });
}

// ---------------------------------------------------------------------------------------------
// The training panel

/** One point of a curve, by optimiser step. */
export interface StepPoint {
  step: number;
  value: number;
}

export interface MetricsPoint {
  step: number;
  tokenAccuracy: number;
  exactMatch: number;
  bleu: number;
}

export interface SamplesAt {
  step: number;
  samples: Seq2SeqSample[];
}

export type Seq2SeqPhase =
  | { kind: 'training' }
  | { kind: 'done'; runDir: string | null; tokenAccuracy: number; exactMatch: number; bleu: number; trainSeconds: number }
  | { kind: 'failed'; message: string }
  | { kind: 'cancelled' }
  /** The window reloaded, or the worker died, while training ran: the run stopped where it was. */
  | { kind: 'interrupted' }
  /**
   * Opened from the Runs view while it trains somewhere this panel does not follow (another
   * window, or this one after its training panel was closed): its curve as stored then.
   */
  | { kind: 'running' };

/** Everything the training panel draws; also what it keeps in setState. */
export interface Seq2SeqRunState {
  runId: string;
  fileName: string;
  /** Steps the run takes in all. */
  totalSteps: number;
  /** Batch-1 iterations: the status line reads as the course prints it. */
  courseMode: boolean;
  measuredOn: 'test' | 'train';
  attention: boolean;
  /** Steps done and seconds since training started, at the last update. */
  step: number;
  elapsedSeconds: number;
  /** Training loss, a point per update (the mean of the steps since the last). */
  loss: StepPoint[];
  /** The course's report: the mean loss of each report interval (1,000 steps) or epoch. */
  reports: StepPoint[];
  /** Held-out loss per report, when there is a test split. */
  heldOut: StepPoint[];
  metrics: MetricsPoint[];
  samples: SamplesAt[];
  phase: Seq2SeqPhase;
}

/** A run's state before anything is measured: no steps, no curves, no samples. */
export function freshSeq2SeqRunState(o: Pick<Seq2SeqRunState, 'runId' | 'fileName' | 'totalSteps' | 'courseMode' | 'measuredOn' | 'attention' | 'phase'>): Seq2SeqRunState {
  return { ...o, step: 0, elapsedSeconds: 0, loss: [], reports: [], heldOut: [], metrics: [], samples: [] };
}

/** Most points a live series keeps about (it is thinned to this when it passes twice as many): see appendBounded. */
export const SEQ2SEQ_KEEP_POINTS = 2000;
/** Most sample sets the step slider keeps about (each may hold attention maps). */
export const SEQ2SEQ_KEEP_SAMPLE_SETS = 100;

/** What training added since the host's last message: the page appends it to the state it keeps. */
export interface Seq2SeqRunDelta {
  step?: number;
  elapsedSeconds?: number;
  loss?: StepPoint[];
  reports?: StepPoint[];
  heldOut?: StepPoint[];
  metrics?: MetricsPoint[];
  samples?: SamplesAt[];
}

const SERIES = ['loss', 'reports', 'heldOut', 'metrics', 'samples'] as const;
const byValue = [(p: StepPoint) => p.value];
const byMetric = [(m: MetricsPoint) => m.tokenAccuracy, (m: MetricsPoint) => m.exactMatch, (m: MetricsPoint) => m.bleu];
const byStep = [(x: SamplesAt) => x.step];

/**
 * Adds a delta to a state, every series bounded (appendBounded): the host applies each delta to
 * its own state as it makes it, the page the same deltas to the state it keeps with setState, so
 * both hold the same bounded series and what the host resends on restore is no larger.
 */
export function applySeq2SeqDelta(s: Seq2SeqRunState, d: Seq2SeqRunDelta): void {
  if (d.step !== undefined) s.step = d.step;
  if (d.elapsedSeconds !== undefined) s.elapsedSeconds = d.elapsedSeconds;
  if (d.loss) appendBounded(s.loss, d.loss, SEQ2SEQ_KEEP_POINTS, byValue);
  if (d.reports) appendBounded(s.reports, d.reports, SEQ2SEQ_KEEP_POINTS, byValue);
  if (d.heldOut) appendBounded(s.heldOut, d.heldOut, SEQ2SEQ_KEEP_POINTS, byValue);
  if (d.metrics) appendBounded(s.metrics, d.metrics, SEQ2SEQ_KEEP_POINTS, byMetric);
  if (d.samples) appendBounded(s.samples, d.samples, SEQ2SEQ_KEEP_SAMPLE_SETS, byStep);
}

/** Two deltas as one (the host's pending message): the later scalars, both series in order. */
export function mergeSeq2SeqDeltas(a: Seq2SeqRunDelta, b: Seq2SeqRunDelta): Seq2SeqRunDelta {
  const out: Seq2SeqRunDelta = { ...a, ...b };
  for (const k of SERIES) {
    const x = a[k] as unknown[] | undefined;
    const y = b[k] as unknown[] | undefined;
    if (x && y) (out as Record<string, unknown[]>)[k] = [...x, ...y];
  }
  return out;
}

/** A state (restored, or read from a stored run) with every series within the live bounds. */
export function boundedSeq2SeqRunState(s: Seq2SeqRunState): Seq2SeqRunState {
  // As appendBounded leaves them: thinned only past twice the bound, so a live state comes back as it was.
  const bound = <T>(rows: T[], keep: number, series: readonly ((r: T) => number)[]) => (rows.length > 2 * keep ? thinRows(rows, keep, series) : rows);
  return {
    ...s,
    loss: bound(s.loss, SEQ2SEQ_KEEP_POINTS, byValue),
    reports: bound(s.reports, SEQ2SEQ_KEEP_POINTS, byValue),
    heldOut: bound(s.heldOut, SEQ2SEQ_KEEP_POINTS, byValue),
    metrics: bound(s.metrics, SEQ2SEQ_KEEP_POINTS, byMetric),
    samples: bound(s.samples, SEQ2SEQ_KEEP_SAMPLE_SETS, byStep),
  };
}

/** `vocabulary`: the Vocabulary… command exists (it is not part of the kept state: a reload asks again). */
export type HostToSeq2SeqRun =
  | { type: 'state'; state: Seq2SeqRunState; vocabulary: boolean }
  /** While training: only what is new since the last message (applySeq2SeqDelta). */
  | { type: 'delta'; runId: string; delta: Seq2SeqRunDelta }
  | { type: 'notice'; message: string }
  | Reply;

export const SEQ2SEQ_RUN_REQUESTS = ['translate'] as const;

export type Seq2SeqRunToHost =
  | PageBasics
  | { type: 'cancel' }
  | { type: 'saveModel' }
  | { type: 'export'; format: 'csv' | 'json' }
  | { type: 'vocabulary' }
  /** A request: answered with a Translation by the model as it is now. */
  | { type: 'translate'; id: number; sentence: string };

/** Longest sentence Try a sentence sends. */
export const MAX_SENTENCE = 2000;

export function parseSeq2SeqRunMessage(x: unknown): Seq2SeqRunToHost {
  return parsePageMessage<Seq2SeqRunToHost>(x, {
    cancel: bare('cancel'),
    saveModel: bare('saveModel'),
    vocabulary: bare('vocabulary'),
    export: (o) => (onlyKeys(o, ['type', 'format']), { type: 'export', format: oneOf(o, 'format', ['csv', 'json'] as const) }),
    translate: (o) => (onlyKeys(o, ['type', 'id', 'sentence']), { type: 'translate', id: int(o, 'id'), sentence: str(o, 'sentence', MAX_SENTENCE) }),
  });
}

/** Longest series, and most sample sets, a restored state may hold. */
const MAX_POINTS = 1_000_000;
const MAX_SAMPLE_SETS = 10_000;
const RUN_ID = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z(-\d+)?$/;

function points(o: Obj, k: string): StepPoint[] {
  return arr(o, k, MAX_POINTS).map((x) => {
    const p = obj(x, k);
    onlyKeys(p, ['step', 'value']);
    return { step: nonNegInt(p, 'step'), value: num(p, 'value') };
  });
}

function weights(x: unknown): number[][] {
  if (!Array.isArray(x) || x.length > 1000) throw new ProtocolError('attention must be an array of rows');
  return x.map((row) => {
    if (!Array.isArray(row) || row.length > 1001 || !row.every((w) => typeof w === 'number' && Number.isFinite(w))) throw new ProtocolError('attention rows must hold finite numbers');
    return row as number[];
  });
}

function parseSample(x: unknown): Seq2SeqSample {
  const o = obj(x, 'sample');
  onlyKeys(o, ['source', 'target', 'prediction', 'ended', 'kind', 'attention']);
  const s: Seq2SeqSample = { source: str(o, 'source'), target: str(o, 'target'), prediction: str(o, 'prediction') };
  if (o.ended !== undefined) s.ended = bool(o, 'ended');
  if (o.kind !== undefined) s.kind = oneOf(o, 'kind', ['probe', 'random'] as const);
  if (o.attention !== undefined) s.attention = weights(o.attention);
  return s;
}

function parsePhase(x: unknown): Seq2SeqPhase {
  const o = obj(x, 'phase');
  switch (o.kind) {
    case 'training':
    case 'cancelled':
    case 'interrupted':
    case 'running':
      onlyKeys(o, ['kind']);
      return { kind: o.kind };
    case 'done':
      onlyKeys(o, ['kind', 'runDir', 'tokenAccuracy', 'exactMatch', 'bleu', 'trainSeconds']);
      return { kind: 'done', runDir: nullable(o, 'runDir', runDir), tokenAccuracy: num(o, 'tokenAccuracy'), exactMatch: num(o, 'exactMatch'), bleu: num(o, 'bleu'), trainSeconds: num(o, 'trainSeconds') };
    case 'failed':
      onlyKeys(o, ['kind', 'message']);
      return { kind: 'failed', message: str(o, 'message') };
    default:
      throw new ProtocolError(`unknown phase ${JSON.stringify(o.kind)?.slice(0, 50)}`);
  }
}

/**
 * A stored run's sample sets at their steps, for its reopened panel's step slider: samples.jsonl
 * keys a set by its report (`epoch`), metrics.jsonl gives each report's step. Sets of a report
 * metrics.jsonl does not have, or at or past `lastStep` (whose set is the final one, measured on
 * every held-out pair), are left out; the samples are checked when the state is parsed.
 */
export function storedSampleSets(sets: readonly { epoch: number; samples: unknown[] }[], lines: readonly { epoch: number; step: number }[], lastStep: number): { step: number; samples: unknown[] }[] {
  const stepOf = new Map(lines.map((l) => [l.epoch, l.step]));
  return sets.flatMap((x) => {
    const step = stepOf.get(x.epoch);
    return step !== undefined && step < lastStep ? [{ step, samples: x.samples }] : [];
  });
}

/** A stored seq2seq run as its folder has it, for its reopened panel. */
export interface StoredSeq2SeqRun {
  runId: string;
  /** The data file as the panel names it (relative to the workspace). */
  fileName: string;
  dir: string;
  run: Pick<RunJson, 'status' | 'config' | 'error'>;
  /** metrics.jsonl: a line per report, with the held-out figures of the reports that measured them. */
  lines: readonly MetricsLine[];
  /** samples.jsonl's sets (readRunSamples), unchecked. */
  sampleSets: readonly { epoch: number; samples: unknown[] }[];
  /** result.json: a done run's; null for a run that stopped before it (cancelled, failed, interrupted) or still trains. */
  result: Seq2SeqResult | null;
}

/**
 * The panel state of a stored run. A done run: its report curve and held-out metrics as
 * metrics.jsonl has them, then the final measure (on every held-out pair) and samples from
 * result.json. A run with no result (it stopped, or still trains): its curve, metrics and sample
 * sets so far from metrics.jsonl and samples.jsonl, the totals from run.json's config, and its
 * status as the phase; `failedMessage` words a failed run's stored error. The sample sets are
 * checked as a page's state is: when they do not pass, the state keeps only the final set (none for
 * a run without a result) and `samplesProblem` says why.
 */
export function storedSeq2SeqRunState(s: StoredSeq2SeqRun, failedMessage: (error: string | undefined) => string): { state: Seq2SeqRunState; samplesProblem: string | null } {
  const { lines, result: r, run } = s;
  const config = run.config;
  // A done run without metrics lines (its metrics.jsonl emptied or lost): its curve is its result's history, a point per report.
  const history = lines.length === 0 && r ? r.history : null;
  const perReport = r && r.history.length > 0 ? r.steps / r.history.length : 0;
  const curve = history ? history.map((h) => ({ step: Math.round(h.epoch * perReport), value: h.loss })) : lines.map((l) => ({ step: l.step, value: l.loss }));
  const heldOut = history
    ? history.filter((h) => h.valLoss !== null).map((h) => ({ step: Math.round(h.epoch * perReport), value: h.valLoss as number }))
    : lines.flatMap((l) => (l.valLoss !== undefined ? [{ step: l.step, value: l.valLoss }] : []));
  const last = lines.at(-1);
  const lastStep = r ? r.steps : Number.POSITIVE_INFINITY;
  // A done run's live figures were measured on a sample of the held-out pairs; its last point is the final measure on all of them.
  const live = lines.flatMap((l) => (l.tokenAccuracy !== undefined && l.step < lastStep ? [{ step: l.step, tokenAccuracy: l.tokenAccuracy, exactMatch: l.exactMatch ?? 0, bleu: l.bleu ?? 0 }] : []));
  const epochs = typeof config.epochs === 'number' ? config.epochs : null;
  // By epochs the steps in all are the epochs times the batches of one, which the first report's line tells; by iterations, the iterations.
  const first = lines[0];
  const plannedSteps = epochs !== null ? (first && first.epoch > 0 ? Math.round((epochs * first.step) / first.epoch) : 0) : typeof config.iterations === 'number' ? config.iterations : 0;
  const heldOutConfigured = (typeof config.testFraction === 'number' && config.testFraction > 0) || typeof config.testFile === 'string';
  const phase: Seq2SeqPhase = r
    ? { kind: 'done', runDir: s.dir, tokenAccuracy: r.test.tokenAccuracy, exactMatch: r.test.exactMatch, bleu: r.test.bleu, trainSeconds: r.trainSeconds }
    : run.status === 'cancelled'
      ? { kind: 'cancelled' }
      : run.status === 'failed'
        ? { kind: 'failed', message: failedMessage(run.error) }
        : run.status === 'running'
          ? { kind: 'running' }
          : { kind: 'interrupted' };
  const attention = r ? r.options.attention : config.attention;
  const final = r ? [{ step: r.steps, samples: r.samples }] : [];
  const state: Seq2SeqRunState = {
    runId: s.runId,
    fileName: s.fileName,
    totalSteps: r ? r.steps : Math.max(plannedSteps, last?.step ?? 0),
    courseMode: r ? r.options.epochs === undefined && r.options.batchSize === 1 : epochs === null && config.batchSize === 1,
    measuredOn: r ? r.measuredOn : heldOut.length > 0 || heldOutConfigured ? 'test' : 'train',
    attention: attention !== undefined && attention !== 'none',
    step: r ? r.steps : (last?.step ?? 0),
    elapsedSeconds: r ? r.trainSeconds : (last?.t ?? 0),
    loss: curve,
    reports: curve,
    heldOut,
    metrics: r ? [...live, { step: r.steps, tokenAccuracy: r.test.tokenAccuracy, exactMatch: r.test.exactMatch, bleu: r.test.bleu }] : live,
    samples: final,
    phase,
  };
  try {
    const earlier = storedSampleSets(s.sampleSets, lines, lastStep);
    return { state: boundedSeq2SeqRunState(parseSeq2SeqRunState({ ...state, samples: [...earlier, ...final] })), samplesProblem: null };
  } catch (e) {
    return { state: boundedSeq2SeqRunState(state), samplesProblem: (e as Error).message };
  }
}

/** Validates the state a training panel kept with setState (as untrusted as its messages). */
export function parseSeq2SeqRunState(x: unknown): Seq2SeqRunState {
  const o = obj(x, 'state');
  onlyKeys(o, ['runId', 'fileName', 'totalSteps', 'courseMode', 'measuredOn', 'attention', 'step', 'elapsedSeconds', 'loss', 'reports', 'heldOut', 'metrics', 'samples', 'phase']);
  const runId = str(o, 'runId', 100);
  if (!RUN_ID.test(runId)) throw new ProtocolError('runId must be a run id');
  return {
    runId,
    fileName: str(o, 'fileName', 4096),
    totalSteps: nonNegInt(o, 'totalSteps'),
    courseMode: bool(o, 'courseMode'),
    measuredOn: oneOf(o, 'measuredOn', ['test', 'train'] as const),
    attention: bool(o, 'attention'),
    step: nonNegInt(o, 'step'),
    elapsedSeconds: num(o, 'elapsedSeconds'),
    loss: points(o, 'loss'),
    reports: points(o, 'reports'),
    heldOut: points(o, 'heldOut'),
    metrics: arr(o, 'metrics', MAX_POINTS).map((m) => {
      const p = obj(m, 'metrics');
      onlyKeys(p, ['step', 'tokenAccuracy', 'exactMatch', 'bleu']);
      return { step: nonNegInt(p, 'step'), tokenAccuracy: num(p, 'tokenAccuracy'), exactMatch: num(p, 'exactMatch'), bleu: num(p, 'bleu') };
    }),
    samples: arr(o, 'samples', MAX_SAMPLE_SETS).map((m) => {
      const p = obj(m, 'samples');
      onlyKeys(p, ['step', 'samples']);
      return { step: nonNegInt(p, 'step'), samples: arr(p, 'samples', 100).map(parseSample) };
    }),
    phase: parsePhase(o.phase),
  };
}

/** A translation as the pages show it (a reply from the host: read as strictly as the rest). */
export function parseTranslation(x: unknown): Translation {
  const o = obj(x, 'translation');
  onlyKeys(o, ['source', 'unknown', 'prediction', 'ids', 'endedWithEos', 'attention']);
  const unknown = arr(o, 'unknown', 1000);
  if (!unknown.every((w) => typeof w === 'string')) throw new ProtocolError('unknown must hold words');
  const ids = arr(o, 'ids', 1000);
  if (!ids.every((i) => Number.isInteger(i))) throw new ProtocolError('ids must hold integers');
  const t: Translation = { source: str(o, 'source'), unknown: unknown as string[], prediction: str(o, 'prediction'), ids: ids as number[], endedWithEos: bool(o, 'endedWithEos') };
  if (o.attention !== undefined) t.attention = weights(o.attention);
  return t;
}

/**
 * A sample's predicted tokens, each marked against the reference position by position, as token
 * accuracy counts them: both sides end in `<EOS>` (the prediction's only when decoding reached it),
 * and a reference position the prediction never reached counts as wrong.
 */
export function tokenMarks(s: Pick<Seq2SeqSample, 'target' | 'prediction' | 'ended'>): { tokens: { word: string; correct: boolean }[]; correct: number; total: number } {
  const words = (x: string) => (x === '' ? [] : x.split(' '));
  const reference = [...words(s.target), '<EOS>'];
  const predicted = [...words(s.prediction), ...(s.ended === false ? [] : ['<EOS>'])];
  const tokens = predicted.map((word, i) => ({ word, correct: reference[i] === word }));
  return { tokens, correct: tokens.filter((x, i) => x.correct && i < reference.length).length, total: reference.length };
}

/** The course's progress line: `[1000 - 20.0%] loss = 0.7401`. */
export function courseLine(step: number, total: number, loss: number): string {
  return `[${step} - ${total > 0 ? ((100 * step) / total).toFixed(1) : '0.0'}%] loss = ${loss.toFixed(4)}`;
}
