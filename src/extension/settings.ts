/**
 * `rnnLab.*` settings → form defaults → engine options, with the forecast table's defaults and
 * bounds (src/shared/options). Pure (no `vscode` import): the caller passes a getter over the
 * configuration, so this is tested in plain Node.
 */
import type { ForecastOptions } from '../shared/forecast';
import type { BackendName } from '../shared/names';
import { columnList } from '../shared/quote';
import type { CsvPreview, FormValues, ReadOptions } from '../shared/protocol';
import { HYPER_FIELDS, type HyperKey } from './formLabels';
import { ENGLISH_WORDS, FORECAST_OPTIONS, problemWith, settingValue, type Words } from '../shared/options';

export type BackendSetting = BackendName | 'auto';

/** Reads one `rnnLab.<key>` value; undefined when unset. `vscode.workspace.getConfiguration('rnnLab').get` fits. */
export type SettingGetter = (key: string) => unknown;

/** A problem with one field of the form: the option's key (the form highlights its field) and the words. */
export interface FormProblem {
  option: string;
  message: string;
}

/** Hyperparameter defaults from the settings. A missing or invalid setting falls back to the course's value. */
export function defaultsFromSettings(get: SettingGetter): Pick<FormValues, HyperKey> {
  const out: Partial<Record<HyperKey, unknown>> = {};
  for (const { key, spec } of HYPER_FIELDS) {
    out[key] = (spec.setting !== undefined ? settingValue(spec, get(spec.setting)) : undefined) ?? spec.default;
  }
  return out as Pick<FormValues, HyperKey>;
}

export function backendFromSettings(get: SettingGetter): BackendSetting {
  const spec = FORECAST_OPTIONS.backend;
  return (settingValue(spec, get(spec.setting)) as BackendSetting | undefined) ?? 'auto';
}

/** `rnnLab.threads`: threads for the large products; 0 (every core) when unset or invalid. */
export function threadsFromSettings(get: SettingGetter): number {
  const spec = FORECAST_OPTIONS.threads;
  return (settingValue(spec, get(spec.setting)) as number | undefined) ?? 0;
}

/**
 * The form's initial values for a file: settings' hyperparameters, last numeric column as target,
 * every numeric column as a feature, the file read as `read` says (by default: dates as they show
 * it, decimal points). A file that could not be read yet has no columns.
 */
export function initialFormValues(get: SettingGetter, preview: Pick<CsvPreview, 'columns'> | null, read: Partial<ReadOptions> = {}): FormValues {
  const columns = preview?.columns ?? [];
  const target = columns[columns.length - 1] ?? '';
  return { target, features: columns.slice(), ...defaultsFromSettings(get), order: 'auto', missing: 'error', dateFormat: read.dateFormat ?? 'auto', decimalComma: read.decimalComma ?? false };
}

/** Checks form values against the forecast table's bounds and the file's columns, one problem per field, in the form's `words`. */
export function validateFormValues(v: FormValues, columns: readonly string[], words: Words = ENGLISH_WORDS): FormProblem[] {
  const { t } = words;
  const problems: FormProblem[] = [];
  for (const { key, label, spec } of HYPER_FIELDS) {
    const problem = problemWith(spec, v[key], t);
    if (problem) problems.push({ option: key, message: `${words.table(label)} ${problem}` });
  }
  if (!columns.includes(v.target)) problems.push({ option: 'target', message: t('The target must be one of: {0}.', columnList(columns)) });
  const unknown = v.features.filter((f) => !columns.includes(f));
  if (unknown.length) problems.push({ option: 'features', message: t('Unknown feature columns: {0}.', columnList(unknown)) });
  if (v.features.length === 0) problems.push({ option: 'features', message: t('Choose at least one feature column.') });
  return problems;
}

/** Form values (already validated) → the options passed to the engine's runForecast; `threads` 0 is every core. */
export function formToOptions(v: FormValues, backend: BackendSetting, threads = 0): Partial<ForecastOptions> {
  const options: Partial<ForecastOptions> = {
    target: v.target,
    features: v.features.slice(),
    seqLength: v.seqLength,
    hidden: v.hidden,
    layers: v.layers,
    epochs: v.epochs,
    batchSize: v.batchSize,
    lr: v.lr,
    trainFraction: v.trainFraction,
    horizon: v.horizon,
    seed: v.seed,
    order: v.order,
    missing: v.missing,
    dateFormat: v.dateFormat,
    decimalComma: v.decimalComma,
  };
  if (backend !== 'auto') options.backend = backend;
  if (threads > 0) options.threads = threads;
  return options;
}

/**
 * The form's values for re-running a stored run: `base` (from the settings and the file) with
 * every value of the run's config that is still allowed (the table's bounds, the file's columns).
 * A config edited by hand, or a column since renamed, leaves that field at its default.
 */
export function formValuesFromRun(base: FormValues, config: Readonly<Record<string, unknown>>, columns: readonly string[]): FormValues {
  const out: FormValues = { ...base };
  const set = out as unknown as Record<string, unknown>;
  for (const { key, spec } of HYPER_FIELDS) if (config[key] !== undefined && problemWith(spec, config[key]) === null) set[key] = config[key];
  for (const key of ['order', 'missing', 'dateFormat', 'decimalComma'] as const) if (config[key] !== undefined && problemWith(FORECAST_OPTIONS[key], config[key]) === null) set[key] = config[key];
  if (typeof config.target === 'string' && columns.includes(config.target)) out.target = config.target;
  const features = config.features;
  if (Array.isArray(features) && features.length && features.every((f) => typeof f === 'string' && columns.includes(f))) out.features = features.slice() as string[];
  return out;
}
