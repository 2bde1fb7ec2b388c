/**
 * `rnnLab.*` settings → form defaults → engine options. Pure (no `vscode` import): the caller
 * passes a getter over the configuration, so this is tested in plain Node.
 */
import { FORECAST_DEFAULTS, type ForecastOptions } from '../engine/forecast/types';
import type { BackendName } from '../engine/backend';
import type { CsvPreview, FormValues } from './protocol';
import { CHOICES, FIELD_LABELS, HYPER_FIELDS } from './formLabels';

export type BackendSetting = BackendName | 'auto';
const BACKENDS: readonly BackendSetting[] = ['auto', 'wasm', 'tensorflow', 'cpu'];

/** Reads one `rnnLab.<key>` value; undefined when unset. `vscode.workspace.getConfiguration('rnnLab').get` fits. */
export type SettingGetter = (key: string) => unknown;

/** Rules for each numeric hyperparameter: the form and the settings obey the same ones. */
const RULES = {
  seqLength: { int: true, min: 1, max: 10_000 },
  hidden: { int: true, min: 1, max: 4096 },
  layers: { int: true, min: 1, max: 16 },
  epochs: { int: true, min: 1, max: 1_000_000 },
  lr: { int: false, min: 1e-8, max: 10 },
  trainFraction: { int: false, min: 0.01, max: 0.99 },
  horizon: { int: true, min: 0, max: 10_000 },
  seed: { int: true, min: 0, max: 2 ** 31 - 1 },
} as const;
type NumericKey = keyof typeof RULES;

function valid(key: NumericKey, v: unknown): v is number {
  const r = RULES[key];
  return typeof v === 'number' && Number.isFinite(v) && (!r.int || Number.isInteger(v)) && v >= r.min && v <= r.max;
}

function validBatch(v: unknown): v is number | 'full' {
  return v === 'full' || (typeof v === 'number' && Number.isInteger(v) && v >= 1);
}

/** Hyperparameter defaults from the settings. A missing or invalid setting falls back to the course's value. */
export function defaultsFromSettings(get: SettingGetter): Omit<FormValues, 'target' | 'features' | 'order' | 'missing'> {
  const pick = (key: NumericKey): number => {
    const v = get(key);
    return valid(key, v) ? v : (FORECAST_DEFAULTS[key] as number);
  };
  const batch = get('batchSize');
  // Settings store batchSize as a string ("full" or "32") so one schema accepts both.
  const batchSize = typeof batch === 'string' && /^\d+$/.test(batch.trim()) ? Number(batch.trim()) : batch;
  return {
    seqLength: pick('seqLength'),
    hidden: pick('hidden'),
    layers: pick('layers'),
    epochs: pick('epochs'),
    batchSize: validBatch(batchSize) ? batchSize : FORECAST_DEFAULTS.batchSize,
    lr: pick('lr'),
    trainFraction: pick('trainFraction'),
    horizon: pick('horizon'),
    seed: pick('seed'),
  };
}

export function backendFromSettings(get: SettingGetter): BackendSetting {
  const v = get('backend');
  return BACKENDS.includes(v as BackendSetting) ? (v as BackendSetting) : 'auto';
}

/** The form's initial values for a file: settings' hyperparameters, last numeric column as target, every numeric column as a feature. */
export function initialFormValues(get: SettingGetter, preview: CsvPreview): FormValues {
  const target = preview.columns[preview.columns.length - 1] ?? '';
  return { target, features: preview.columns.slice(), ...defaultsFromSettings(get), order: 'auto', missing: 'error' };
}

/** Checks form values against the rules and the file's columns. Returns one message per problem. */
export function validateFormValues(v: FormValues, columns: readonly string[]): string[] {
  const problems: string[] = [];
  for (const key of Object.keys(RULES) as NumericKey[]) {
    if (!valid(key, v[key])) {
      const r = RULES[key];
      problems.push(`${key} must be ${r.int ? 'an integer' : 'a number'} from ${r.min} to ${r.max}.`);
    }
  }
  if (!validBatch(v.batchSize)) problems.push('batchSize must be "full" or a positive integer.');
  if (!columns.includes(v.target)) problems.push(`target must be one of: ${columns.join(', ')}.`);
  const unknown = v.features.filter((f) => !columns.includes(f));
  if (unknown.length) problems.push(`unknown feature columns: ${unknown.join(', ')}.`);
  if (v.features.length === 0) problems.push('choose at least one feature column.');
  return problems;
}

/** Form values (already validated) → the options passed to the engine's runForecast. */
export function formToOptions(v: FormValues, backend: BackendSetting): Partial<ForecastOptions> {
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
  };
  if (backend !== 'auto') options.backend = backend;
  return options;
}

/** The form's name for each engine option that a message can mention as a CLI flag (`seqLength` → `--seq-length`). */
const FIELD_OF_FLAG: Record<string, string> = {
  ...Object.fromEntries(HYPER_FIELDS.map((f) => [f.key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`), f.label])),
  ...FIELD_LABELS,
};
/** The choice options' labels, by flag. */
const CHOICE_LABELS: Record<string, Readonly<Record<string, string>>> = CHOICES;

/**
 * An engine message in the form's words: the engine names options as CLI flags (`--seq-length 7`,
 * `--missing drop`), which the extension's user sets as form fields (seq_length 7, Empty cells
 * “Drop the row”). Flags the form does not have are left as they are.
 */
export function inFormWords(text: string): string {
  return text.replace(/--([a-z][a-z-]*)(?: ([\w.-]+))?/g, (whole, flag: string, value: string | undefined) => {
    const field = FIELD_OF_FLAG[flag];
    if (!field) return whole;
    const choices = CHOICE_LABELS[flag];
    if (choices) return value !== undefined && choices[value] ? `${field} “${choices[value]}”` : `${field}${value !== undefined ? ` ${value}` : ''}`;
    return value !== undefined ? `${field} ${value}` : field;
  });
}
