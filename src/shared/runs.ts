/**
 * The run store's files, as every writer and reader of `.rnnlab/runs/<id>/` agrees on them: the
 * training worker and the CLI write them, the extension host lists them, the seq2seq and forecast
 * flows open them. One shape for every kind, discriminated by `kind`; a new kind adds its headline
 * here, never a field to another's. Files on disk are the user's and may be hand-edited or
 * half-written, so they are read through the validators below, which say what is wrong.
 *
 * Format 2 (this one): `run.json` (RunJson, rewritten atomically on every status change),
 * `metrics.jsonl` (one MetricsLine per logged step or epoch, appended while training runs),
 * `samples.jsonl` (seq2seq), `result.json` (the flow's final result), `model/` when saved.
 * A finished run's run.json may also hold `metricsSummary` (MetricsSummary), so a listing need not
 * read metrics.jsonl; the field is optional and additive (a reader that ignores it reads the run
 * as before), so it stays format 2, and run.json files written without it read as they always did.
 * Format 1 (the first release): `config.json` (LegacyRunConfig) and `result.json`, done runs only.
 */
import type { ForecastOptions, ForecastResult } from './forecast';
import { say, saidInEnglish, type Said } from './said';
import type { Seq2SeqResult } from './seq2seq';

export const RUN_FORMAT_VERSION = 2;
export const RUN_KINDS = ['forecast', 'saved-model', 'seq2seq'] as const;
export type RunKind = (typeof RUN_KINDS)[number];
export const RUN_STATUSES = ['running', 'done', 'cancelled', 'failed', 'interrupted'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** A status in words, through the surface's translator (the host's or the page's `t`). */
export function statusWord(s: RunStatus, t: (message: string) => string): string {
  switch (s) {
    case 'running':
      return t('running');
    case 'done':
      return t('done');
    case 'cancelled':
      return t('cancelled');
    case 'failed':
      return t('failed');
    case 'interrupted':
      return t('interrupted');
  }
}

/** A count as the extension writes it: 5,000. */
/** A count with thousands separators (5,000), as every surface writes steps. */
export const count = (n: number): string => n.toLocaleString('en');

/**
 * How a run's training reads in the Runs tree, through the host's `t`: `progress` while it runs
 * (its last metrics line), `logged` how many lines its metrics hold. A seq2seq run trained by
 * iterations (the course's mode: run.json's config has `iterations` and no `epochs`) counts
 * optimiser steps and logs a report every 1,000 of them; every other run counts epochs.
 */
export function trainingWords(
  run: Pick<RunJson, 'kind' | 'status' | 'config'>,
  last: MetricsLine | null | undefined,
  points: number,
  t: (message: string, ...args: (string | number)[]) => string,
): { progress: string; logged: string } {
  const { epochs, iterations } = run.config;
  const byIterations = run.kind === 'seq2seq' && typeof epochs !== 'number' && typeof iterations === 'number' && Number.isFinite(iterations);
  let progress = '';
  if (run.status === 'running' && last) {
    const loss = last.loss.toPrecision(4);
    if (byIterations) progress = t('step {0}/{1} · loss {2}', count(last.step), count(iterations), loss);
    else progress = t('epoch {0}/{1} · loss {2}', last.epoch, typeof epochs === 'number' && Number.isFinite(epochs) ? epochs : '?', loss);
  }
  const logged = !points ? '' : byIterations ? t('{0} reports logged', points) : t('{0} epochs logged', points);
  return { progress, logged };
}

/** The figures a run is judged by, per kind (null: not measured, e.g. no test windows). */
export interface RunHeadlines {
  /** Test RMSE of the model and of persistence ("tomorrow = today"), in the target's units. */
  forecast: { rmse: number | null; naiveRmse: number | null };
  'saved-model': { rmse: number | null; naiveRmse: number | null };
  /** Held-out token accuracy and exact match (0–1) and BLEU-4. */
  seq2seq: { tokenAccuracy: number | null; bleu: number | null; exactMatch?: number | null };
}

export interface RunJson<K extends RunKind = RunKind> {
  formatVersion: 2;
  id: string;
  kind: K;
  /** The data file as the run read it: absolute path and the SHA-256 of its bytes. */
  dataset: { path: string; sha256: string };
  /** The full effective options (defaults filled in); a saved-model run also has `modelDir`. */
  config: Record<string, unknown>;
  seed: number;
  /** As asked until training starts ('auto'), then the backend in use. */
  backend: string;
  versions: { rnnLab: string; tfjs: string };
  status: RunStatus;
  /** Why it failed or was stopped, in one line. */
  error?: string;
  startedAt: string;
  endedAt?: string;
  /** Empty until the run is done; RunHeadlines[kind]'s figures after. */
  headline: Record<string, number | null>;
  /**
   * The process writing the run while it is `running`. With the heartbeat (the `lock` file's
   * modification time) it tells a live run from one whose worker is gone.
   */
  owner?: { pid: number };
  /** Written when the run ends: what a listing needs from metrics.jsonl, valid while the file's size and mtime are these. */
  metricsSummary?: MetricsSummary;
}

/**
 * metrics.jsonl as it was when the run ended: its line count and last line, with the file's size
 * and modification time. A listing trusts it only while the file still has that size and time;
 * a file appended to or edited by hand since is read (and validated) again.
 */
export interface MetricsSummary {
  lines: number;
  last: MetricsLine | null;
  size: number;
  mtimeMs: number;
}

/**
 * One line of metrics.jsonl. `t` is seconds since the run started. Kinds add their own figures on
 * the lines of the epochs they were measured at (seq2seq: held-out tokenAccuracy, exactMatch and
 * bleu, 0–1); a reader that does not know them ignores them.
 */
export interface MetricsLine {
  step: number;
  epoch: number;
  t: number;
  loss: number;
  valLoss?: number;
  [metric: string]: number | undefined;
}

/** A first-release run's config.json. */
export interface LegacyRunConfig {
  version: 1;
  id: string;
  kind: 'forecast' | 'saved-model';
  /** Absolute path of the data file the run read. */
  file: string;
  createdAt: string;
  options: Partial<ForecastOptions>;
  modelDir?: string;
}

/** What each kind keeps in `result.json`. Seq2seq's result type is the seq2seq flow's (src/shared/seq2seq.ts). */
export interface RunResults {
  forecast: ForecastResult;
  'saved-model': ForecastResult;
  seq2seq: Seq2SeqResult;
}

/**
 * A file of the store that cannot be read as what it should be: the reason, for the Runs tree, as
 * words the host says in the display language (`said`); `message` is their English.
 */
export class RunFileError extends Error {
  override readonly name = 'RunFileError';
  constructor(readonly said: Said) {
    super(saidInEnglish(said));
  }
}

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

function need(ok: boolean, what: Said): void {
  if (!ok) throw new RunFileError(what);
}

/** run.json's text → a RunJson; a RunFileError says which field is wrong. */
export function parseRunJson(text: string): RunJson {
  let x: unknown;
  try {
    x = JSON.parse(text);
  } catch {
    throw new RunFileError(text.trim() ? say('run.json is not valid JSON (half-written or edited by hand)') : say('run.json is empty'));
  }
  need(isObj(x), say('run.json does not hold an object'));
  const o = x as Obj;
  need(finite(o.formatVersion), say('run.json has no formatVersion'));
  need(o.formatVersion === RUN_FORMAT_VERSION, say('run.json is format {0}; this RNN Lab reads format {1} (update RNN Lab)', String(o.formatVersion), RUN_FORMAT_VERSION));
  need(typeof o.id === 'string' && o.id.length > 0, say('run.json has no id'));
  need((RUN_KINDS as readonly unknown[]).includes(o.kind), say('run.json has an unknown kind {0}', String(JSON.stringify(o.kind))));
  const d = o.dataset;
  need(isObj(d) && typeof d.path === 'string' && typeof d.sha256 === 'string', say('run.json: dataset must be {path, sha256}'));
  need(isObj(o.config), say('run.json: config must be an object'));
  need(finite(o.seed), say('run.json: seed must be a number'));
  need(typeof o.backend === 'string', say('run.json: backend must be a string'));
  const v = o.versions;
  need(isObj(v) && typeof v.rnnLab === 'string' && typeof v.tfjs === 'string', say('run.json: versions must be {rnnLab, tfjs}'));
  need((RUN_STATUSES as readonly unknown[]).includes(o.status), say('run.json has an unknown status {0}', String(JSON.stringify(o.status))));
  need(o.error === undefined || typeof o.error === 'string', say('run.json: error must be a string'));
  need(typeof o.startedAt === 'string' && ISO_TIME.test(o.startedAt), say('run.json: startedAt must be an ISO time'));
  need(o.endedAt === undefined || (typeof o.endedAt === 'string' && ISO_TIME.test(o.endedAt)), say('run.json: endedAt must be an ISO time'));
  need(isObj(o.headline) && Object.values(o.headline).every((h) => h === null || finite(h)), say('run.json: headline must hold numbers'));
  const w = o.owner;
  need(w === undefined || (isObj(w) && Number.isInteger(w.pid)), say('run.json: owner must be {pid}'));
  const m = o.metricsSummary;
  need(
    m === undefined ||
      (isObj(m) && Number.isInteger(m.lines) && (m.lines as number) >= 0 && (m.last === null || isMetricsLine(m.last)) && Number.isInteger(m.size) && finite(m.mtimeMs)),
    say('run.json: metricsSummary must be {lines, last, size, mtimeMs}'),
  );
  return o as unknown as RunJson;
}

/** One line of metrics.jsonl → a MetricsLine; a RunFileError says what is wrong with it. */
export function parseMetricsLine(line: string): MetricsLine {
  let x: unknown;
  try {
    x = JSON.parse(line);
  } catch {
    throw new RunFileError(say('not valid JSON'));
  }
  need(isObj(x), say('not an object'));
  const o = x as Obj;
  for (const k of ['step', 'epoch', 't', 'loss']) need(finite(o[k]), say('{0} must be a number', k));
  for (const [k, v] of Object.entries(o)) need(finite(v), say('{0} must be a number', k));
  return o as MetricsLine;
}

/** True when every value of the line is a finite number and the four required ones are there. */
function isMetricsLine(x: unknown): x is MetricsLine {
  if (!isObj(x)) return false;
  for (const k in x) if (!finite(x[k])) return false;
  return finite(x.step) && finite(x.epoch) && finite(x.t) && finite(x.loss);
}

/**
 * metrics.jsonl's text → its lines. The last line may be cut short by a crash mid-append (no
 * newline after it): it is dropped, and the curve so far kept. A bad line anywhere else is a
 * damaged file: a RunFileError naming the line.
 *
 * Opening a run, drawing its curve, and listing any run without a summary that still holds read
 * the whole file, so the common case (every line good) is one JSON.parse of the whole file as an
 * array; only a file that fails that is read line by line, to name the bad line.
 */
export function parseMetrics(text: string): MetricsLine[] {
  const complete = text.endsWith('\n') || text === '';
  const body = complete ? text : text.slice(0, text.lastIndexOf('\n') + 1);
  const joined = body.trimEnd().replace(/\n+/g, ',');
  try {
    const all: unknown = JSON.parse(`[${joined}]`);
    if (Array.isArray(all) && all.every(isMetricsLine)) {
      if (!complete) {
        // The cut-short last line, when it parses after all, is kept (it lacked only its newline).
        const tail = text.slice(body.length);
        try {
          const last: unknown = JSON.parse(tail);
          if (isMetricsLine(last)) all.push(last);
        } catch {
          // cut short: dropped
        }
      }
      return all as MetricsLine[];
    }
  } catch {
    // a bad line: found below
  }
  const lines = text.split('\n');
  const out: MetricsLine[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '') continue;
    try {
      out.push(parseMetricsLine(line));
    } catch (e) {
      if (i === lines.length - 1 && !complete) break;
      throw new RunFileError(say('metrics.jsonl line {0}: {1}', i + 1, e instanceof RunFileError ? e.said : String((e as Error).message)));
    }
  }
  return out;
}
