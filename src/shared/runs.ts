/**
 * A saved run's record, as `config.json` holds it: one shape for every kind of run, discriminated
 * by `kind`, so one store lists them all and each flow reads its own. The on-disk format is the
 * first release's (`version: 1`); a new kind adds a member here, never a field to another's.
 */
import type { ForecastOptions, ForecastResult } from './forecast';

interface RunConfigBase {
  version: 1;
  id: string;
  /** Absolute path of the data file the run read. */
  file: string;
  createdAt: string;
}

export type RunConfig =
  /** A forecaster trained on `file`. */
  | (RunConfigBase & { kind: 'forecast'; options: Partial<ForecastOptions> })
  /** A saved forecaster (`modelDir`) applied to `file`; nothing trained. */
  | (RunConfigBase & { kind: 'saved-model'; options: Partial<ForecastOptions>; modelDir: string });

export type RunKind = RunConfig['kind'];

/** What each kind keeps in `result.json`. */
export interface RunResults {
  forecast: ForecastResult;
  'saved-model': ForecastResult;
}

/** A run as it is written: its config and its result, of the same kind. */
export type RunRecord<K extends RunKind = RunKind> = { config: Extract<RunConfig, { kind: K }>; result: RunResults[K] };

export const RUN_KINDS: readonly RunKind[] = ['forecast', 'saved-model'];
