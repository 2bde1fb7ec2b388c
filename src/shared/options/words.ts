/**
 * How each surface names an option in an error's words (src/shared/errors.ts): the CLI as its flag
 * (`--seq-length 7`), the extension by the form's label (seq_length 7, Empty cells “Drop the row”),
 * or, for an option the form does not have, by its setting (`rnnLab.backend`) or in plain words.
 */
import type { OptionNamer, OptionRef } from '../errors';
import type { NamedSpec, OptionTable } from './spec';
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
 * an option without a field by its `rnnLab.*` setting, else by its name in plain words.
 */
export function formNamer(table: OptionTable): OptionNamer {
  return ({ option, value }: OptionRef) => {
    const s = table[option] ?? ALL[option];
    if (!s) return value === undefined ? option : `${option} ${String(value)}`;
    const shown = value === undefined ? '' : s.type === 'enum' ? ` “${s.choices.find((c) => c.value === value)?.label ?? String(value)}”` : ` ${String(value)}`;
    if (s.form && table[option]) return `${s.label}${shown}`;
    if (s.setting) return `the setting rnnLab.${s.setting}${value === undefined ? '' : ` (${String(value)})`}`;
    return `${s.label.toLowerCase()}${shown} (an option of the rnn-lab CLI, not of this form)`;
  };
}
