/**
 * How each surface names an option in an error's words (src/shared/errors.ts): the CLI as its flag
 * (`--seq-length 7`), the extension by the form's label (seq_length 7, Empty cells “Drop the row”),
 * or, for an option the form does not have, by its setting (`rnnLab.backend`) or in plain words.
 */
import type { OptionNamer, OptionRef } from '../errors';
import { ENGLISH_WORDS, type NamedSpec, type OptionTable, type Words } from './spec';
import { FORECAST_OPTIONS } from './forecast';
import { SEQ2SEQ_OPTIONS } from './seq2seq';
import { TRAINER_OPTIONS } from './trainer';

/** Every entry by key; an option shared by several tables has one flag (a test checks). */
const ALL: OptionTable = { ...TRAINER_OPTIONS, ...SEQ2SEQ_OPTIONS, ...FORECAST_OPTIONS };

function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** The CLI's words: `--seq-length 7`, `--reverse`, `--attention` for attention general. */
export const cliName: OptionNamer = ({ option, value }) => {
  const s: NamedSpec | undefined = ALL[option];
  const flag = `--${s?.flag ?? kebab(option)}`;
  if (s?.type === 'boolean') return value === false ? `no ${flag}` : flag;
  if (s?.type === 'enum' && s.switchTo !== undefined && value !== undefined) return value === s.switchTo ? flag : `no ${flag}`;
  return value === undefined ? flag : `${flag} ${String(value)}`;
};

/**
 * The form's words for the options of `table`: a field by its label (and a choice by its label),
 * an option without a field by its `rnnLab.*` setting, else by its name in plain words, all in
 * the display language's `words`.
 */
export function formNamer(table: OptionTable, words: Words = ENGLISH_WORDS): OptionNamer {
  const { t, table: label } = words;
  return ({ option, value }: OptionRef) => {
    const s = table[option] ?? ALL[option];
    if (!s) return value === undefined ? option : `${option} ${String(value)}`;
    const choice = s.type === 'enum' ? s.choices.find((c) => c.value === value)?.label : undefined;
    const shown = value === undefined ? '' : s.type === 'enum' ? ` “${choice === undefined ? String(value) : label(choice)}”` : ` ${String(value)}`;
    // A checkbox is named checked or not, rather than by true or false.
    if (s.form && table[option] && s.type === 'boolean' && value !== undefined) return value === false ? t('{0} (unchecked)', label(s.label)) : t('{0} (checked)', label(s.label));
    if (s.form && table[option]) return `${label(s.label)}${shown}`;
    if (s.setting) return value === undefined ? t('the setting rnnLab.{0}', s.setting) : t('the setting rnnLab.{0} ({1})', s.setting, String(value));
    return t('{0} (an option of the rnn-lab CLI, not of this form)', `${label(s.label).toLowerCase()}${shown}`);
  };
}
