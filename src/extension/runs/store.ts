/**
 * The run store: `<workspace>/.rnnlab/runs/<id>/` (the folder is the `rnnLab.runsDirectory`
 * setting, or the CLI's `--run-dir`), in the format src/shared/runs.ts defines. Plain Node (no
 * `vscode`, no engine), because three programs share it: the training worker and the CLI write
 * runs through RunWriter, the extension host lists, opens and deletes them, and tests run it on a
 * temporary folder.
 *
 * A run's folder is made when training starts (status `running`) and its loss curve is appended
 * while it trains, so a cancelled, failed or crashed run keeps its curve so far. Every file that
 * is replaced (run.json, result.json, model/) is written beside its place and renamed into it, so
 * a reader never sees half of one. A run never writes outside its own folder: earlier runs are
 * never touched. Reading is defensive: the folders are the user's, and a damaged one is listed
 * with its reason instead of breaking the list.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, type Dirent, type Stats } from 'node:fs';
import { appendFile, mkdir, readFile, readdir, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { version as RNN_LAB_VERSION } from '../../../package.json';
import type { TrainEvent } from '../../shared/events';
import { say, type Said } from '../../shared/said';
import type { ForecastResult } from '../../shared/forecast';
import { STORE_OPTIONS } from '../../shared/options/store';
import {
  parseMetrics,
  parseRunJson,
  RUN_FORMAT_VERSION,
  RunFileError,
  type LegacyRunConfig,
  type MetricsLine,
  type RunHeadlines,
  type RunJson,
  type RunKind,
  type RunResults,
  type RunStatus,
} from '../../shared/runs';

export type { MetricsLine, RunJson, RunKind, RunStatus } from '../../shared/runs';

/** The default runs folder, relative to the workspace folder. */
export const RUNS_DIR = STORE_OPTIONS.runsDirectory.default;
const TMP_PREFIX = '.tmp-';
/** Metrics reach the disk at most this often (and at the end), so appending costs nothing next to training. */
export const FLUSH_MS = 500;
/** A running run's writer touches its `lock` this often… */
export const HEARTBEAT_MS = 2000;
/** …and a run whose lock is older than this (or whose owner process is gone) is interrupted. */
export const STALE_MS = 15_000;

/** Folder-name-safe, sortable id from a time: 2025-03-01T12-30-05-123Z. */
export function runIdFor(date: Date): string {
  return date.toISOString().replace(/[:.]/g, '-');
}

/** The runs folder of a workspace folder: the setting's value, relative to it unless absolute. */
export function runsRoot(workspaceDir: string, setting: string = RUNS_DIR): string {
  return resolve(workspaceDir, setting.trim() || RUNS_DIR);
}

/** Writes `file` by writing a sibling and renaming it into place, so no reader sees half of it. */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  const tmp = `${file}${TMP_PREFIX}${randomBytes(4).toString('hex')}`;
  try {
    await writeFile(tmp, text);
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/** SHA-256 of a file's bytes, streamed (a data file may be large). */
export function sha256File(path: string): Promise<string> {
  return new Promise((ok, fail) => {
    const h = createHash('sha256');
    createReadStream(path)
      .on('data', (b) => h.update(b))
      .on('error', fail)
      .on('end', () => ok(h.digest('hex')));
  });
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

export interface RunStart<K extends RunKind = RunKind> {
  kind: K;
  /** The id to take (a time-sortable id from runIdFor); `-1`, `-2`… is added when it is taken. */
  id?: string;
  /** The data file, hashed now. */
  datasetPath: string;
  /** The full effective options. */
  config: Record<string, unknown>;
  seed: number;
  backend: string;
  tfjsVersion: string;
}

/** A metrics line's own fields, which no measurement of the task may take. */
const LINE_FIELDS: readonly string[] = ['step', 'epoch', 't', 'loss', 'valLoss'];

/** How the run ended, for `RunWriter.end`. */
export interface RunEnd<K extends RunKind = RunKind> {
  status: Exclude<RunStatus, 'running' | 'interrupted'>;
  error?: string;
  headline?: Partial<RunHeadlines[K]>;
  /** The options as they ended up (the forecast's target and features, resolved from the data). */
  config?: Record<string, unknown>;
  /** result.json's content. */
  result?: unknown;
  /** The backend in use, when no 'start' event said it. */
  backend?: string;
}

/**
 * One run being written: made at start, metrics appended while it trains, its status rewritten
 * when it changes. Appends are buffered and flushed at most every FLUSH_MS; a `lock` file touched
 * every HEARTBEAT_MS says the writer is alive.
 */
export class RunWriter<K extends RunKind = RunKind> {
  /**
   * Lines not yet written, kept as objects: they are turned into text at the flush, all at once,
   * so an epoch costs the training thread an object and a push (its JSON, 2–10 µs a line in the
   * middle of training, was most of the store's share of lab 11-4's time).
   */
  private pendingLines: MetricsLine[] = [];
  private samplesBuffer = '';
  private flushTimer: NodeJS.Timeout | null = null;
  private readonly heartbeat: NodeJS.Timeout;
  /** Appends in order, one at a time. */
  private writing: Promise<void> = Promise.resolve();
  private writeError: unknown = null;
  /**
   * The last epoch's line, written at the next flush: the task's measurements of that epoch (the
   * 'metrics' event the trainer sends right after its epochEnd, in the same turn) join it.
   */
  private openLine: MetricsLine | null = null;
  private ended = false;
  /** metrics.jsonl's lines so far and its last one, for the summary run.json keeps when the run ends. */
  private lines = 0;
  private last: MetricsLine | null = null;

  private constructor(
    readonly dir: string,
    readonly run: RunJson<K>,
  ) {
    const lock = join(dir, 'lock');
    this.heartbeat = setInterval(() => {
      const now = new Date();
      utimes(lock, now, now).catch(() => {});
    }, HEARTBEAT_MS);
    // Neither timer keeps a CLI run's process alive once training is over.
    this.heartbeat.unref();
  }

  get id(): string {
    return this.run.id;
  }

  /** Makes the run's folder under `root`, with run.json (status running) and its lock. */
  static async create<K extends RunKind>(root: string, start: RunStart<K>): Promise<RunWriter<K>> {
    await mkdir(root, { recursive: true });
    const sha256 = await sha256File(start.datasetPath);
    const base = start.id ?? runIdFor(new Date());
    // Two runs in the same millisecond: take the next free name rather than share a folder.
    let id = base;
    let dir = join(root, id);
    for (let k = 1; ; k++) {
      try {
        await mkdir(dir);
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || k > 1000) throw e;
        id = `${base}-${k}`;
        dir = join(root, id);
      }
    }
    const run: RunJson<K> = {
      formatVersion: RUN_FORMAT_VERSION,
      id,
      kind: start.kind,
      dataset: { path: resolve(start.datasetPath), sha256 },
      config: start.config,
      seed: start.seed,
      backend: start.backend,
      versions: { rnnLab: RNN_LAB_VERSION, tfjs: start.tfjsVersion },
      status: 'running',
      startedAt: new Date().toISOString(),
      headline: {},
      owner: { pid: process.pid },
    };
    await writeFile(join(dir, 'lock'), String(process.pid));
    await writeFile(join(dir, 'metrics.jsonl'), '');
    await writeFileAtomic(join(dir, 'run.json'), JSON.stringify(run, null, 2));
    return new RunWriter(dir, run);
  }

  /** Appends one line to metrics.jsonl (buffered). */
  metric(line: MetricsLine): void {
    this.closeLine();
    this.append(line);
    this.scheduleFlush();
  }

  private append(line: MetricsLine): void {
    this.pendingLines.push(line);
  }

  private closeLine(): void {
    if (this.openLine) this.append(this.openLine);
    this.openLine = null;
  }

  /**
   * The trainer's events, as the run records them: the backend in use, one metrics line per epoch
   * with the task's measurements of that epoch when it made some (seq2seq's token accuracy, exact
   * match and BLEU-4), the samples.
   */
  readonly onEvent = (e: TrainEvent): void => {
    switch (e.type) {
      case 'start':
        if (this.run.backend !== e.backend) {
          this.run.backend = e.backend;
          this.queue(() => this.writeRunJson());
        }
        return;
      case 'epochEnd': {
        const line: MetricsLine = { step: e.step, epoch: e.epoch, t: e.elapsedSeconds, loss: e.loss };
        if (e.valLoss !== null) line.valLoss = e.valLoss;
        this.closeLine();
        this.openLine = line;
        this.scheduleFlush();
        return;
      }
      case 'metrics': {
        const line = this.openLine;
        if (line?.epoch !== e.epoch) return;
        // Numbers only (a line with anything else is a damaged file), and never the line's own fields.
        for (const [k, v] of Object.entries(e.values)) if (Number.isFinite(v) && !LINE_FIELDS.includes(k)) line[k] = v;
        return;
      }
      case 'samples':
        this.samplesBuffer += JSON.stringify({ epoch: e.epoch, samples: e.samples }) + '\n';
        this.scheduleFlush();
        return;
    }
  };

  /** Writes the model into `model/`: into a sibling first, renamed into place when complete. */
  async saveModel(write: (dir: string) => Promise<void>): Promise<void> {
    const tmp = join(this.dir, `${TMP_PREFIX}model-${randomBytes(4).toString('hex')}`);
    try {
      await write(tmp);
      await rename(tmp, join(this.dir, 'model'));
    } catch (e) {
      await rm(tmp, { recursive: true, force: true });
      throw e;
    }
  }

  /**
   * Records how the run ended: the metrics so far flushed, result.json (when given), then run.json
   * with the status and metrics.jsonl's summary (so listing the run reads only run.json), and the
   * lock removed. Rejects with the first write that failed.
   */
  async end(how: RunEnd<K>): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    clearInterval(this.heartbeat);
    await this.flush();
    if (how.result !== undefined) await this.queue(() => writeFileAtomic(join(this.dir, 'result.json'), JSON.stringify(how.result)));
    Object.assign(this.run, { status: how.status, endedAt: new Date().toISOString() });
    if (how.error !== undefined) this.run.error = how.error;
    if (how.headline) this.run.headline = { ...how.headline } as Record<string, number | null>;
    if (how.config) this.run.config = how.config;
    if (how.backend) this.run.backend = how.backend;
    delete this.run.owner;
    await this.queue(async () => {
      // No summary after a failed append: the file may not hold what was counted.
      const s = this.writeError ? null : await stat(join(this.dir, 'metrics.jsonl')).catch(() => null);
      if (s) this.run.metricsSummary = { lines: this.lines, last: this.last, size: s.size, mtimeMs: s.mtimeMs };
      await this.writeRunJson();
    });
    await this.queue(() => rm(join(this.dir, 'lock'), { force: true }));
    if (this.writeError) throw this.writeError;
  }

  /**
   * Ends the run after `e` stopped it: cancelled (the engine's CANCELLED) or failed, with the
   * error's line. Never throws: the training error is the one to report.
   */
  async endWith(e: unknown): Promise<void> {
    const cancelled = (e as { code?: unknown } | null)?.code === 'CANCELLED';
    const text = e instanceof Error ? (e.toString === Error.prototype.toString ? e.message : e.toString()) : String(e);
    await this.end({ status: cancelled ? 'cancelled' : 'failed', error: text.split('\n')[0] }).catch(() => {});
  }

  /** Writes what is buffered now. */
  flush(): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    this.closeLine();
    let metrics = '';
    for (const line of this.pendingLines) metrics += JSON.stringify(line) + '\n';
    this.lines += this.pendingLines.length;
    this.last = this.pendingLines.at(-1) ?? this.last;
    this.pendingLines = [];
    const samples = this.samplesBuffer;
    this.samplesBuffer = '';
    return this.queue(async () => {
      if (metrics) await appendFile(join(this.dir, 'metrics.jsonl'), metrics);
      if (samples) await appendFile(join(this.dir, 'samples.jsonl'), samples);
    });
  }

  private scheduleFlush(): void {
    if (this.flushTimer || this.ended) return;
    this.flushTimer = setTimeout(() => void this.flush(), FLUSH_MS);
    this.flushTimer.unref();
  }

  private queue(f: () => Promise<void>): Promise<void> {
    this.writing = this.writing.then(f).catch((e: unknown) => {
      this.writeError ??= e;
    });
    return this.writing;
  }

  private writeRunJson(): Promise<void> {
    return writeFileAtomic(join(this.dir, 'run.json'), JSON.stringify(this.run, null, 2));
  }
}

// ---------------------------------------------------------------------------------------------
// Reading

/** A run as the Runs tree lists it. `run.status` is `interrupted` for a running run whose writer is gone. */
export interface RunListing {
  damaged: false;
  id: string;
  dir: string;
  run: RunJson;
  /** A first-release run (config.json + result.json), read as a done run. */
  legacy: boolean;
  hasModel: boolean;
  /** metrics.jsonl's lines and its last one: the curve so far, a running run's progress. */
  points: number;
  last: MetricsLine | null;
}

/** A folder of the runs folder that cannot be read as a run, and why (`reason`: the words to say; the host says them in the display language). */
export interface DamagedRun {
  damaged: true;
  id: string;
  dir: string;
  reason: Said;
}

export type RunEntry = RunListing | DamagedRun;

/** True when a process with this id exists (EPERM: it exists, owned by another user). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A running run's writer is gone when its process is, or its heartbeat stopped. */
async function writerGone(dir: string, run: RunJson, now: number): Promise<boolean> {
  if (run.owner && !processAlive(run.owner.pid)) return true;
  const lock = await stat(join(dir, 'lock')).catch(() => null);
  return !lock || now - lock.mtimeMs > STALE_MS;
}

/** A first-release run, read as a format-2 run that is done. */
function fromLegacy(config: LegacyRunConfig, result: ForecastResult | null): RunJson {
  const options = config.options as Record<string, unknown>;
  return {
    formatVersion: RUN_FORMAT_VERSION,
    id: config.id,
    kind: config.kind,
    dataset: { path: config.file, sha256: '' },
    config: config.modelDir ? { ...options, modelDir: config.modelDir } : options,
    seed: typeof options.seed === 'number' ? options.seed : 0,
    backend: result?.backend ?? String(options.backend ?? 'auto'),
    versions: { rnnLab: '', tfjs: '' },
    status: 'done',
    startedAt: config.createdAt,
    headline: result ? { rmse: result.test.rmse, naiveRmse: result.naive.rmse } : {},
  };
}

async function readLegacy(dir: string): Promise<{ run: RunJson; points: MetricsLine[] }> {
  let config: LegacyRunConfig;
  try {
    config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'));
  } catch {
    throw new RunFileError(say('config.json is not valid JSON'));
  }
  if (typeof config !== 'object' || config === null || config.version !== 1 || typeof config.id !== 'string' || typeof config.file !== 'string' || typeof config.createdAt !== 'string') {
    throw new RunFileError(say('config.json is not a first-release run'));
  }
  if (config.kind !== 'forecast' && config.kind !== 'saved-model') throw new RunFileError(say('config.json has an unknown kind {0}', String(JSON.stringify(config.kind))));
  let result: ForecastResult | null = null;
  try {
    result = JSON.parse(await readFile(join(dir, 'result.json'), 'utf8'));
  } catch {
    // a first-release run without a readable result still lists
  }
  const history = Array.isArray(result?.history) ? result.history : [];
  const points = history.map((h, i) => {
    const line: MetricsLine = { step: h.epoch, epoch: h.epoch, t: i, loss: h.loss };
    if (h.valLoss !== null) line.valLoss = h.valLoss;
    return line;
  });
  return { run: fromLegacy(config, result), points };
}

/** What a run folder says of itself without its metrics.jsonl; a first-release run's points are its result's history. */
export interface RunHead {
  run: RunJson;
  legacy: boolean;
  hasModel: boolean;
  legacyPoints: MetricsLine[] | null;
}

/** A run folder's run.json (or first-release config.json and result.json), the status as it is now; metrics.jsonl is not read. */
export async function readRunHead(dir: string, now = Date.now(), stats?: RunFileStats): Promise<RunHead> {
  const hasModel = stats ? stats.model !== null : await exists(join(dir, 'model'));
  const runText = await readFile(join(dir, 'run.json'), 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    throw new RunFileError(say('run.json cannot be read: {0}', e.code ?? e.message));
  });
  if (runText === null) {
    if (!(stats ? stats['config.json'] !== null : await exists(join(dir, 'config.json')))) throw new RunFileError(say('no run.json (a folder that is not a run, or one whose start was cut short)'));
    const { run, points } = await readLegacy(dir);
    return { run, legacy: true, hasModel, legacyPoints: points };
  }
  let run = parseRunJson(runText);
  if (run.status === 'running' && (await writerGone(dir, run, now))) run = { ...run, status: 'interrupted' };
  return { run, legacy: false, hasModel, legacyPoints: null };
}

/** A run folder's head, and its metrics unless (useSummary) a summary stands for them. */
async function readRunFiles(dir: string, now: number, useSummary: boolean, stats?: RunFileStats): Promise<RunListing & { metrics: MetricsLine[] | null }> {
  const { run, legacy, hasModel, legacyPoints } = await readRunHead(dir, now, stats);
  let metrics = legacyPoints;
  const summary = useSummary && run.status !== 'running' && run.status !== 'interrupted' ? run.metricsSummary : undefined;
  if (!legacy) {
    const file = join(dir, 'metrics.jsonl');
    const s = summary ? (stats ? stats['metrics.jsonl'] : await stat(file).catch(() => null)) : null;
    // Trusted while the file is as the writer left it; anything else is read and validated.
    if (!(summary && s && s.size === summary.size && s.mtimeMs === summary.mtimeMs)) metrics = parseMetrics(await readFile(file, 'utf8').catch(() => ''));
  }
  const points = metrics ? metrics.length : summary!.lines;
  const last = metrics ? (metrics.at(-1) ?? null) : summary!.last;
  return { damaged: false, id: run.id, dir, run, legacy, hasModel, points, last, metrics };
}

/** One run folder read whole: its run.json (or a first-release config.json) and every metrics line, the status as it is now. */
export async function readRun(dir: string, now = Date.now()): Promise<RunListing & { metrics: MetricsLine[] }> {
  const read = await readRunFiles(dir, now, false);
  return { ...read, metrics: read.metrics! };
}

/**
 * One run folder as the Runs tree lists it: a finished run whose metrics.jsonl still has the size
 * and modification time its run.json's summary recorded is listed from the summary, without
 * reading the file; any other (running, interrupted, first-release, or a file changed since) is
 * read and validated whole, so a bad line still makes it damaged.
 */
export async function readRunListing(dir: string, now = Date.now(), stats?: RunFileStats): Promise<RunListing> {
  const { metrics: _metrics, ...listing } = await readRunFiles(dir, now, true, stats);
  return listing;
}

/**
 * What listRuns read last time, per folder, with the sizes and times of the files it read: a
 * folder whose files have not changed is not read again. The Runs tree keeps one, so refreshing
 * it while a run trains (every second) reads only the running run's files.
 */
export type ListingCache = Map<string, { key: string; entry: RunEntry }>;

const RUN_FILES = ['run.json', 'metrics.jsonl', 'config.json', 'result.json', 'model'] as const;
/** A file's size and modification time, as far as a cache's key needs them. */
export type FileStamp = Pick<Stats, 'size' | 'mtimeMs'>;
/** The files a run is read from (null: not there). `model` is only looked for: its stamp is zero. */
export type RunFileStats = Record<(typeof RUN_FILES)[number], FileStamp | null>;

const PRESENT: FileStamp = { size: 0, mtimeMs: 0 };

/**
 * The files a run is read from, looked up with as few calls as possible: the folder's names, then
 * a stat of the files a listing reads (run.json and metrics.jsonl; a first-release run's
 * config.json and result.json). Each call is a trip through libuv's thread pool, and 1,000 runs
 * listed with a stat of each of the five names took twice as long.
 */
export async function statRunFiles(dir: string): Promise<RunFileStats> {
  const names = new Set(await readdir(dir).catch(() => [] as string[]));
  const legacy = !names.has('run.json');
  const read = (f: (typeof RUN_FILES)[number]) => names.has(f) && (f === 'run.json' || f === 'metrics.jsonl' || legacy);
  const all = await Promise.all(RUN_FILES.map((f) => (read(f) ? stat(join(dir, f)).catch(() => null) : names.has(f) ? PRESENT : null)));
  return Object.fromEntries(RUN_FILES.map((f, i) => [f, all[i]])) as RunFileStats;
}

/** The sizes and modification times of the files a run is read from: a cache's key. */
export function filesKey(stats: RunFileStats): string {
  return RUN_FILES.map((f) => (stats[f] ? `${stats[f].size}:${stats[f].mtimeMs}` : '-')).join('|');
}

async function listOne(dir: string, name: string, now: number, stats?: RunFileStats): Promise<RunEntry> {
  try {
    return await readRunListing(dir, now, stats);
  } catch (e) {
    return { damaged: true, id: name, dir, reason: e instanceof RunFileError ? e.said : say('cannot be read: {0}', String((e as Error).message ?? e)) };
  }
}

/** Every run of the runs folder, newest first; damaged folders listed with their reason. Hidden and temporary names are skipped. */
export async function listRuns(root: string, options: { now?: number; cache?: ListingCache } = {}): Promise<RunEntry[]> {
  const now = options.now ?? Date.now();
  const cache = options.cache;
  let found: Dirent[];
  try {
    found = await readdir(root, { withFileTypes: true });
  } catch {
    return [];
  }
  const entries = await Promise.all(
    found
      .filter((d) => !d.name.startsWith('.') && (d.isDirectory() || d.isSymbolicLink()))
      .map(async (d): Promise<RunEntry | null> => {
        const name = d.name;
        const dir = join(root, name);
        // A link is listed when it leads to a folder.
        if (!d.isDirectory() && !(await stat(dir).catch(() => null))?.isDirectory()) return null;
        if (!cache) return listOne(dir, name, now);
        const stats = await statRunFiles(dir);
        const key = filesKey(stats);
        const hit = cache.get(dir);
        // A running run is read again: whether its writer is alive changes with the clock alone.
        if (hit && hit.key === key && (hit.entry.damaged || hit.entry.run.status !== 'running')) return hit.entry;
        const entry = await listOne(dir, name, now, stats);
        cache.set(dir, { key, entry });
        return entry;
      }),
  );
  const when = (e: RunEntry) => (e.damaged ? e.id : e.run.startedAt);
  return entries.filter((e): e is RunEntry => e !== null).sort((a, b) => (when(a) < when(b) ? 1 : when(a) > when(b) ? -1 : 0));
}

/**
 * A run's samples.jsonl: one `{ epoch, samples }` set per report, as the writer appended them.
 * A last line cut short by a crash is dropped; any other bad line is a RunFileError naming it.
 * The samples themselves are the caller's to validate (the panel's state parser does). No file:
 * no sets (forecast runs, and seq2seq runs from before samples were stored).
 */
export async function readRunSamples(dir: string): Promise<{ epoch: number; samples: unknown[] }[]> {
  const text = await readFile(join(dir, 'samples.jsonl'), 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return '';
    throw new RunFileError(say('samples.jsonl cannot be read: {0}', e.code ?? e.message));
  });
  const lines = text.split('\n');
  const out: { epoch: number; samples: unknown[] }[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    let x: unknown;
    try {
      x = JSON.parse(lines[i]);
    } catch {
      if (i === lines.length - 1) break; // cut short mid-append
      throw new RunFileError(say('samples.jsonl line {0}: not valid JSON', i + 1));
    }
    const o = x as { epoch?: unknown; samples?: unknown };
    if (typeof o !== 'object' || o === null || !Number.isInteger(o.epoch) || !Array.isArray(o.samples)) throw new RunFileError(say('samples.jsonl line {0}: not an { epoch, samples } set', i + 1));
    out.push({ epoch: o.epoch as number, samples: o.samples });
  }
  return out;
}

/** A run's result.json, as its kind wrote it (`K` names the kind the caller expects). */
export async function readRunResult<K extends keyof RunResults = 'forecast'>(dir: string): Promise<RunResults[K]> {
  let text: string;
  try {
    text = await readFile(join(dir, 'result.json'), 'utf8');
  } catch {
    throw new RunFileError(say('the run has no result.json (it did not finish)'));
  }
  try {
    return JSON.parse(text) as RunResults[K];
  } catch {
    throw new RunFileError(say('result.json is not valid JSON'));
  }
}

/**
 * Ends a run whose writer stopped with its worker thread (a crash, or a cancel that had to stop
 * the thread): run.json says so now, instead of once its heartbeat has been stale for STALE_MS.
 * Only a run still marked running is touched (a writer that ended its run has said how), and its
 * metrics so far stay as they are. True when it was marked.
 */
export async function markRunStopped(dir: string, status: 'interrupted' | 'cancelled', error: string, now = new Date()): Promise<boolean> {
  let run: RunJson;
  try {
    run = parseRunJson(await readFile(join(dir, 'run.json'), 'utf8'));
  } catch {
    return false;
  }
  if (run.status !== 'running') return false;
  const { owner: _owner, ...rest } = run;
  await writeFileAtomic(join(dir, 'run.json'), JSON.stringify({ ...rest, status, endedAt: now.toISOString(), error }, null, 2));
  await rm(join(dir, 'lock'), { force: true });
  return true;
}

/**
 * Deletes one run's folder, and only a run's: a folder directly inside `root` that holds a
 * run.json or a first-release config.json. Anything else is refused, so a wrong argument can
 * never remove the user's other files.
 */
export async function deleteRun(root: string, dir: string): Promise<void> {
  const rel = relative(resolve(root), resolve(dir));
  if (!rel || rel.startsWith('..') || isAbsolute(rel) || rel.includes('/') || rel.includes('\\')) {
    throw new RunFileError(say('{0} is not a run folder of {1}', dir, root));
  }
  if (!(await exists(join(dir, 'run.json'))) && !(await exists(join(dir, 'config.json')))) throw new RunFileError(say('{0} holds no run.json; not deleted', dir));
  await rm(dir, { recursive: true });
}

/**
 * Removes what a crash left half-written: temporary run folders of the first release's writer
 * (`.tmp-…` in the runs folder) and, inside run folders, the temporary files and model folders of
 * atomic writes (`run.json.tmp-…`, `.tmp-model-…`). Only ones older than `olderThanMs`, so a
 * write in progress now is safe.
 */
export async function removeStaleTemps(root: string, olderThanMs = 24 * 3600_000, now = Date.now()): Promise<number> {
  let removed = 0;
  const sweep = async (dir: string, name: string) => {
    const p = join(dir, name);
    const s = await stat(p).catch(() => null);
    if (s && now - s.mtimeMs > olderThanMs) {
      await rm(p, { recursive: true, force: true });
      removed++;
    }
  };
  for (const name of await readdir(root).catch(() => [] as string[])) {
    if (name.startsWith(TMP_PREFIX)) {
      await sweep(root, name);
      continue;
    }
    const run = join(root, name);
    for (const inner of await readdir(run).catch(() => [] as string[])) if (inner.includes(TMP_PREFIX)) await sweep(run, inner);
  }
  return removed;
}
