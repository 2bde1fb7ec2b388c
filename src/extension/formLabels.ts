/**
 * The setup form's words, in one place, read from the forecast option table
 * (src/shared/options/forecast.ts): the webview draws its fields from them, the host writes the
 * select options from them, and errors name options by these labels (formNamer). Pure data, no
 * `vscode` import, so the webview bundle can take it too.
 */
import type { FormValues } from '../shared/protocol';
import type { OptionNamer } from '../shared/errors';
import { FORECAST_OPTIONS, formNamer, type NamedSpec, type Words } from '../shared/options';

export type HyperKey = Exclude<keyof FormValues, 'target' | 'features' | 'order' | 'missing' | 'dateFormat' | 'decimalComma'>;

const HYPER_KEYS: readonly HyperKey[] = ['seqLength', 'hidden', 'layers', 'epochs', 'batchSize', 'lr', 'trainFraction', 'horizon', 'seed'];

/** The numeric hyperparameters, in the form's order, with their table entries (bounds and all). */
export const HYPER_FIELDS: readonly { key: HyperKey; label: string; help: string; spec: NamedSpec }[] = HYPER_KEYS.map((key) => {
  const spec: NamedSpec = FORECAST_OPTIONS[key];
  return { key, label: spec.label, help: spec.help, spec };
});

/** The other fields' labels. */
export const FIELD_LABELS = {
  target: FORECAST_OPTIONS.target.label,
  features: FORECAST_OPTIONS.features.label,
  order: FORECAST_OPTIONS.order.label,
  missing: FORECAST_OPTIONS.missing.label,
  dateFormat: FORECAST_OPTIONS.dateFormat.label,
  decimalComma: FORECAST_OPTIONS.decimalComma.label,
} as const;

/** The help lines of the fields that say how the file is read. */
export const FIELD_HELP = { dateFormat: FORECAST_OPTIONS.dateFormat.help, decimalComma: FORECAST_OPTIONS.decimalComma.help } as const;

function choices<K extends 'order' | 'missing' | 'dateFormat'>(key: K): Readonly<Record<FormValues[K], string>> {
  return Object.fromEntries(FORECAST_OPTIONS[key].choices.map((c) => [c.value, c.label])) as Record<FormValues[K], string>;
}

/** The choice fields' options: value → label, in the form's order. */
export const CHOICES: { readonly [K in 'order' | 'missing' | 'dateFormat']: Readonly<Record<FormValues[K], string>> } = {
  order: choices('order'),
  missing: choices('missing'),
  dateFormat: choices('dateFormat'),
};

/** How the form and the extension's notices name an option: by the field's label, or as a setting, or plainly, in `words`. */
export function formOptionNamer(words?: Words): OptionNamer {
  return formNamer(FORECAST_OPTIONS, words);
}
