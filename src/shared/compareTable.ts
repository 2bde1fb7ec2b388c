/**
 * The rows of Compare Runs' table, in words: each headline figure with its name and its value as
 * the rest of the extension shows it (RMSE to 4 digits; token accuracy and exact match in percent;
 * BLEU-4 from 0 to 100, as the seq2seq panel reads it), the status, then each option with its
 * label from the kind's option table. A row keeps its run.json key, so a learner can map it back
 * to the file. Pure and browser-safe; the surface's words come in as `words`.
 */
import { configRows } from './curves';
import { FORECAST_OPTIONS } from './options/forecast';
import { SEQ2SEQ_OPTIONS } from './options/seq2seq';
import type { OptionTable, Words } from './options/spec';
import { statusWord, type RunKind, type RunStatus } from './runs';

/** What the table reads of a run. */
export interface CompareTableRun {
  kind: RunKind;
  status: RunStatus;
  config: Readonly<Record<string, unknown>>;
  headline: Readonly<Record<string, number | null>>;
}

export interface CompareRow {
  /** The key in run.json (`headline` or `config`), or `status`. */
  key: string;
  /** The row's header, in the display language. */
  label: string;
  values: string[];
  differs: boolean;
  /** A headline figure (shown even with "differences only"). */
  figure: boolean;
}

const OPTIONS: Readonly<Record<RunKind, OptionTable>> = { forecast: FORECAST_OPTIONS, 'saved-model': FORECAST_OPTIONS, seq2seq: SEQ2SEQ_OPTIONS };

/** Each kind's figures, in the order they are read. */
const FIGURES: Readonly<Record<RunKind, readonly string[]>> = {
  forecast: ['rmse', 'naiveRmse'],
  'saved-model': ['rmse', 'naiveRmse'],
  seq2seq: ['tokenAccuracy', 'exactMatch', 'bleu'],
};

const NONE = '—';
const precise = (x: number) => x.toPrecision(4);
const hundredths = (x: number) => (100 * x).toFixed(1);

/** A seq2seq run whose metrics were measured on its training pairs (no pairs held out), as the Runs tree tells it. */
const onTrainingPairs = (r: CompareTableRun) => r.config.testFraction === 0;

/** The figure's name, and how a value of it reads; a figure of no known kind by its key, to 4 digits. */
function figureWords(kind: RunKind, key: string, runs: readonly CompareTableRun[], words: Words): { label: string; value: (x: number) => string } {
  const { t } = words;
  if (kind === 'seq2seq' && (key === 'tokenAccuracy' || key === 'exactMatch' || key === 'bleu')) {
    // Held out, measured on the training pairs, or each run says which.
    const training = runs.filter(onTrainingPairs).length;
    const on = training === 0 ? 'heldOut' : training === runs.length ? 'training' : 'mixed';
    const percent = (x: number) => `${hundredths(x)}%`;
    if (key === 'tokenAccuracy') return { label: on === 'heldOut' ? t('Held-out token accuracy') : on === 'training' ? t('Token accuracy (training pairs)') : t('Token accuracy'), value: percent };
    if (key === 'exactMatch') return { label: on === 'heldOut' ? t('Held-out exact match') : on === 'training' ? t('Exact match (training pairs)') : t('Exact match'), value: percent };
    return { label: on === 'heldOut' ? t('Held-out BLEU-4') : on === 'training' ? t('BLEU-4 (training pairs)') : t('BLEU-4'), value: hundredths };
  }
  if (kind !== 'seq2seq' && key === 'rmse') return { label: kind === 'saved-model' ? t('RMSE over every window') : t('Test RMSE'), value: precise };
  if (kind !== 'seq2seq' && key === 'naiveRmse') return { label: kind === 'saved-model' ? t('Persistence RMSE over every window') : t('Persistence RMSE'), value: precise };
  return { label: key, value: precise };
}

/** An option's label: the kind's table's, or the saved model's folder; a key no table knows (a hand-edited run.json) as it is. */
function optionLabel(kind: RunKind, key: string, words: Words): string {
  const spec = Object.hasOwn(OPTIONS[kind], key) ? OPTIONS[kind][key] : undefined;
  if (spec) return words.table(spec.label);
  const { t } = words;
  return key === 'modelDir' ? t('Model folder') : key;
}

/**
 * The table's rows for runs of one kind (Compare Runs refuses a mix; the first run's kind names the
 * rows): the figures, the status, the options. `differs` compares the shown values.
 */
export function compareRows(runs: readonly CompareTableRun[], words: Words): CompareRow[] {
  if (!runs.length) return [];
  const { t } = words;
  const kind = runs[0].kind;
  const known = FIGURES[kind] ?? [];
  const seen = new Set(runs.flatMap((r) => Object.keys(r.headline)));
  const figures = [...known.filter((k) => seen.has(k)), ...[...seen].filter((k) => !known.includes(k))];
  const differs = (values: readonly string[]) => values.some((x) => x !== values[0]);
  const mixed = kind === 'seq2seq' && runs.some(onTrainingPairs) && !runs.every(onTrainingPairs);
  return [
    ...figures.map((key) => {
      const w = figureWords(kind, key, runs, words);
      const values = runs.map((r) => {
        const x = r.headline[key];
        if (typeof x !== 'number') return NONE;
        return mixed && known.includes(key) && onTrainingPairs(r) ? t('{0} (training pairs)', w.value(x)) : w.value(x);
      });
      return { key, label: w.label, values, differs: differs(values), figure: true };
    }),
    { key: 'status', label: t('Status'), values: runs.map((r) => statusWord(r.status, t)), differs: new Set(runs.map((r) => r.status)).size > 1, figure: false },
    ...configRows(runs.map((r) => r.config)).map((row) => ({ ...row, label: optionLabel(kind, row.key, words), figure: false })),
  ];
}
