/**
 * Messages between the extension host and the training worker (dist/worker.js). Types only, so
 * the host bundle stays light: the engine (and tfjs) load in the worker, never in the host.
 *
 * Every request carries an id and is answered by one `reply` or `error` with that id; the
 * engine's events during a run carry the id of the request that started it. So two requests in
 * flight (a warm-up and a check, say) never answer each other's promises. Each flow declares its
 * requests in `WorkerRequests`; the worker serves them from a table of per-flow handlers.
 */
import type { ErrorCode, ErrorLocation, ErrorParts, Suggestion } from './errors';
import type { TrainEvent } from './events';
import type { ForecastOptions, ForecastResult } from './forecast';
import type { PackingOptions, PackingSource, PackingView } from './packing';
import type { CsvPreview, ReadOptions } from './protocol';
import type { Seq2SeqFileCheck, Seq2SeqOptions, Seq2SeqResult, Translation } from './seq2seq';
import type { VocabularyCoverage, VocabularyOptions, VocabularyQuery, VocabularyRows, VocabularySide, VocabularySummary } from './vocabulary';

/** Where the worker stores a run: the runs folder, and the id to take (`-1`… is added when it is taken). */
export interface RunStoreTarget {
  root: string;
  runId: string;
}

/** A finished run as the worker reports it: its result, and where it was stored. */
export interface RunOutcome<R> {
  result: R;
  /** The stored run's folder; null when it could not be stored (`saveError` says why). */
  runDir: string | null;
  saveError?: string;
}

/** Every request the worker serves, by type: what the host asks and what the worker answers. */
export interface WorkerRequests {
  /** Load the engine's model code (and tfjs) now, while a form or panel loads. */
  warmup: { ask: Record<never, never>; answer: null };
  /** The first rows and the columns, the file read as the form's read options say (decimal points and dates as they show it when unset). */
  preview: { ask: { file: string; fileName: string } & Partial<ReadOptions>; answer: CsvPreview };
  /**
   * The engine's checks of the file against these options (columns, rows for the windows and the
   * split), before the run panel opens. The worker keeps the parsed table for the 'forecast' that follows.
   */
  check: { ask: { file: string; fileName: string; options: Partial<ForecastOptions> }; answer: null };
  forecast: {
    ask: {
      file: string;
      fileName: string;
      options: Partial<ForecastOptions>;
      /** The run's folder is made there when training starts; its metrics are appended while it trains. */
      store: RunStoreTarget;
    };
    answer: RunOutcome<ForecastResult>;
  };
  predictSaved: { ask: { modelDir: string; file: string; fileName: string; store: RunStoreTarget }; answer: RunOutcome<ForecastResult> };
  /** One batch of the built-in strings or of a text file through the engine's packing functions (the packing inspector). */
  inspectPacking: { ask: { source: PackingSource; fileName: string; options: PackingOptions }; answer: PackingView };
  /**
   * The vocabulary panel's tables: a pair file's words (the pairs the length filter keeps), or a
   * stored run's saved vocabularies (`modelDir` holds source_vocab.json and target_vocab.json).
   * The worker keeps them under `tableId` for the rows and coverage requests that follow.
   */
  'seq2seq.vocabulary': {
    ask: { from: { file: string; fileName: string; options: Partial<VocabularyOptions> } | { modelDir: string; name: string; minCount: number } };
    answer: VocabularySummary & { tableId: number };
  };
  'seq2seq.vocabularyRows': { ask: { tableId: number; side: VocabularySide; query: VocabularyQuery }; answer: VocabularyRows };
  'seq2seq.vocabularyCoverage': { ask: { tableId: number; minCount: number }; answer: Record<VocabularySide, VocabularyCoverage> };
  /** The course's numbers before training (pairs read and kept, vocabularies, a random pair); a file that cannot train fails here. */
  'seq2seq.check': { ask: { file: string; fileName: string; options: Partial<Seq2SeqOptions> }; answer: Seq2SeqFileCheck };
  /** Train a translator and store the run; events as the engine emits them, batch ends thinned to about 10 a second. */
  'seq2seq.train': { ask: { file: string; fileName: string; options: Partial<Seq2SeqOptions>; store: RunStoreTarget }; answer: RunOutcome<Seq2SeqResult> };
  /** Translate with the model being trained in this worker (no `modelDir`), or with a saved one. */
  'seq2seq.translate': { ask: { sentences: string[]; modelDir?: string }; answer: Translation[] };
}

export type WorkerRequestType = keyof WorkerRequests;
/** A request's body: its type and its fields. */
export type WorkerAsk<T extends WorkerRequestType = WorkerRequestType> = { [K in T]: { type: K } & WorkerRequests[K]['ask'] }[T];
export type WorkerAnswer<T extends WorkerRequestType> = WorkerRequests[T]['answer'];

export type HostToWorker =
  | { type: 'request'; id: number; ask: WorkerAsk }
  /** Stop request `id` at the next batch boundary; it then fails with CANCELLED. */
  | { type: 'cancel'; id: number };

/**
 * An error as it crosses the thread boundary. `text` is RnnLabError.toString() (one line, options
 * named as CLI flags, for the log); `parts` keeps the option references, so the host names them
 * as the form does; `option` and `suggest` say which field the error is about.
 */
export interface WireError {
  code: ErrorCode | 'INTERNAL';
  message: string;
  hint?: string;
  location: ErrorLocation;
  text: string;
  parts?: ErrorParts;
  option?: string;
  suggest?: Suggestion;
  stack?: string;
}

export type WorkerToHost =
  | { type: 'reply'; id: number; answer: unknown }
  | { type: 'error'; id: number; error: WireError }
  | { type: 'event'; id: number; event: TrainEvent }
  | { type: 'log'; message: string };
