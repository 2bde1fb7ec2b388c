/**
 * The CLI's flags, read from the option tables (src/shared/options): the `parseArgs` config, the
 * parsing of each value into the engine's options, and each command's `--help`. A flag is declared
 * once, in its table; the bounds are checked by the engine's resolver, as for every surface.
 */
import type { ParseArgsConfig } from 'node:util';
import { allowedWords, parseText, type NamedSpec, type OptionTable } from '../shared/options/spec';

/** A mistake in the command line itself: printed with the usage, exit code 2. */
export class UsageError extends Error {}

/** A flag of the command that is not an engine option (--save, --json). */
export interface ExtraFlag {
  type: 'string' | 'boolean';
  metavar?: string;
  help: string;
}

export interface CommandSpec {
  /** `forecast FILE [options]` */
  usage: string;
  summary: string;
  options: OptionTable;
  extra: Readonly<Record<string, ExtraFlag>>;
}

/** The entries of `table` named by `keys`, for a command that takes only some of them. */
export function pick<T extends OptionTable>(table: T, keys: readonly (keyof T & string)[]): OptionTable {
  return Object.fromEntries(keys.map((k) => [k, table[k]]));
}

/** The CLI takes the flag as a switch (no value). */
function isSwitch(s: NamedSpec): boolean {
  return s.type === 'boolean' || (s.type === 'enum' && s.switchTo !== undefined);
}

export function parseArgsOptions(cmd: CommandSpec): NonNullable<ParseArgsConfig['options']> {
  const out: NonNullable<ParseArgsConfig['options']> = { help: { type: 'boolean', short: 'h' } };
  for (const s of Object.values(cmd.options)) out[s.flag] = { type: isSwitch(s) ? 'boolean' : 'string' };
  for (const [flag, e] of Object.entries(cmd.extra)) out[flag] = { type: e.type };
  return out;
}

/** parseArgs's values → the engine's options (by key). A value of the wrong type is a UsageError naming the flag. */
export function optionsFromArgs<T>(cmd: CommandSpec, values: Record<string, unknown>): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const s of Object.values(cmd.options)) {
    const v = values[s.flag];
    if (v === undefined) continue;
    if (isSwitch(s)) {
      if (v === true) out[s.name] = s.type === 'enum' ? s.switchTo : true;
      continue;
    }
    const r = parseText(s, String(v));
    if ('problem' in r) throw new UsageError(`--${s.flag} ${r.problem}`);
    out[s.name] = r.value;
  }
  return out as Partial<T>;
}

function metavar(s: NamedSpec): string {
  if (s.metavar) return s.metavar;
  switch (s.type) {
    case 'int':
      return s.words?.length ? `N|${s.words.join('|')}` : 'N';
    case 'number':
      return 'X';
    case 'enum':
      return s.choices.map((c) => c.value).join('|');
    case 'list':
      return 'A,B,…';
    default:
      return 'TEXT';
  }
}

/** " A whole number from 1 to 16; default 1." after the help, for options with bounds or a default. */
function rangeWords(s: NamedSpec): string {
  const d = s.default === undefined || isSwitch(s) ? '' : `default ${Array.isArray(s.default) ? s.default.join(',') : String(s.default)}`;
  const range = s.type === 'int' || s.type === 'number' ? allowedWords(s) : '';
  const words = [range, d].filter(Boolean).join('; ');
  return words ? ` ${words[0].toUpperCase()}${words.slice(1)}.` : '';
}

/** `rnn-lab forecast --help`: every flag with its help, allowed values and default. */
export function commandHelp(cmd: CommandSpec): string {
  const rows: [string, string][] = [];
  for (const s of Object.values(cmd.options)) {
    rows.push([isSwitch(s) ? `--${s.flag}` : `--${s.flag} ${metavar(s)}`, `${s.help}${rangeWords(s)}`]);
  }
  for (const [flag, e] of Object.entries(cmd.extra)) rows.push([e.type === 'boolean' ? `--${flag}` : `--${flag} ${e.metavar ?? 'TEXT'}`, e.help]);
  rows.push(['-h, --help', 'Print this help.']);
  const width = Math.max(...rows.map(([f]) => f.length)) + 2;
  return [`Usage: rnn-lab ${cmd.usage}`, '', cmd.summary, '', 'Options:', ...rows.map(([f, h]) => `  ${f.padEnd(width)}${h}`)].join('\n');
}
