/**
 * Messages between the extension host and the training worker (dist/worker.js). Types only, so
 * the host bundle stays light: the engine (and tfjs) load in the worker, never in the host.
 */
import type { ErrorCode, ErrorLocation, ErrorParts, Suggestion } from '../shared/errors';
import type { ForecastOptions, ForecastResult } from '../engine/forecast/types';
import type { TrainEvent } from '../engine/train/events';
import type { CsvPreview } from './protocol';
import type { RunConfig } from '../extension/runs/store';

export type HostToWorker =
  | { type: 'preview'; file: string; fileName: string }
  /**
   * The engine's checks of the file against these options (columns, rows for the windows and the
   * split), before the run panel opens. Answered by 'checked' or an error; the worker keeps the
   * parsed table for the 'forecast' that follows.
   */
  | { type: 'check'; file: string; fileName: string; options: Partial<ForecastOptions> }
  | {
      type: 'forecast';
      file: string;
      fileName: string;
      options: Partial<ForecastOptions>;
      /** Where runs are stored; the run is written there atomically when training completes. */
      runsRoot: string;
      config: RunConfig;
    }
  | { type: 'predictSaved'; modelDir: string; file: string; fileName: string; runsRoot: string; config: RunConfig }
  | { type: 'cancel' }
  /** Load the model code (and tfjs) now, while the run panel loads; no answer. */
  | { type: 'warmup' };

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
  | { type: 'preview'; preview: CsvPreview }
  | { type: 'checked' }
  | { type: 'event'; event: TrainEvent }
  | { type: 'done'; result: ForecastResult; runDir: string | null; saveError?: string }
  | { type: 'error'; error: WireError }
  | { type: 'log'; message: string };
