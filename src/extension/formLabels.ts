/**
 * The setup form's words, in one place: the webview draws its fields from them, the host writes
 * the select options from them, and inFormWords (settings.ts) names options in error messages
 * with them. Pure data, no `vscode` import, so the webview bundle can take it too.
 */
import type { FormValues } from './protocol';

export type HyperKey = Exclude<keyof FormValues, 'target' | 'features' | 'order' | 'missing'>;

/** The numeric hyperparameters, in the form's order. */
export const HYPER_FIELDS: readonly { key: HyperKey; label: string; help: string }[] = [
  { key: 'seqLength', label: 'seq_length', help: 'Rows per input window' },
  { key: 'hidden', label: 'Hidden size', help: 'LSTM units per layer' },
  { key: 'layers', label: 'Layers', help: 'Stacked LSTM layers' },
  { key: 'epochs', label: 'Epochs', help: 'Passes over the training windows' },
  { key: 'batchSize', label: 'Batch size', help: '"full" or a number of windows' },
  { key: 'lr', label: 'Learning rate', help: 'Adam step size' },
  { key: 'trainFraction', label: 'Training fraction', help: 'Chronological share used for training' },
  { key: 'horizon', label: 'Horizon', help: 'Future steps to forecast' },
  { key: 'seed', label: 'Seed', help: 'Same seed, same numbers' },
];

/** The other fields' labels. */
export const FIELD_LABELS = { target: 'Target column', features: 'Feature columns', order: 'Row order', missing: 'Empty cells' } as const;

/** The choice fields' options: value → label, in the form's order. */
export const CHOICES: { readonly [K in 'order' | 'missing']: Readonly<Record<FormValues[K], string>> } = {
  order: { auto: 'Automatic (from the dates)', 'as-is': 'As stored (oldest first)', reverse: 'Reverse (file is newest first)' },
  missing: { error: 'Stop with an error', drop: 'Drop the row', ffill: 'Fill from the previous row' },
};
