/**
 * What an option table entry says, and the rules every surface applies with it: the engine's
 * resolvers, the CLI's parsing, the form's and the protocol's checks and the `rnnLab.*` settings
 * all read one entry, so a bound cannot differ between them (it once did: lr 10 passed the form
 * and failed in the engine). Pure data and pure functions; imports nothing outside src/shared.
 */

interface Common {
  /** The field's label in the form, and how the extension names the option in its messages. */
  label: string;
  /** One line: the form's helper text, the CLI's --help, the setting's description. */
  help: string;
  /** The CLI flag, without the dashes. */
  flag: string;
  /** The CLI's name for the value in --help (COL, PAIRS); by default from the type (N, X, a|b). */
  metavar?: string;
  /** `rnnLab.<setting>`, when a setting gives the form its default. */
  setting?: string;
  /** The forecast setup form has a field for it. */
  form?: boolean;
}

export interface IntSpec extends Common {
  type: 'int';
  min: number;
  max: number;
  /** A number, or one of `words`. */
  default?: number | string;
  /** Words accepted besides the numbers (batch size `full`). */
  words?: readonly string[];
}

export interface NumberSpec extends Common {
  type: 'number';
  min: number;
  max: number;
  /** The bound itself is not allowed (lr > 0). */
  minExclusive?: boolean;
  maxExclusive?: boolean;
  default?: number;
}

export interface BooleanSpec extends Common {
  type: 'boolean';
  default?: boolean;
}

export interface Choice {
  value: string;
  /** The form's words for it. */
  label: string;
  /** A longer line, for the setting's enum descriptions. */
  help?: string;
}

export interface EnumSpec extends Common {
  type: 'enum';
  choices: readonly Choice[];
  default?: string;
  /** The CLI flag is a switch that sets this value (`--attention` → general). */
  switchTo?: string;
}

export interface StringSpec extends Common {
  type: 'string';
  default?: string;
  maxLength: number;
}

export interface ListSpec extends Common {
  type: 'list';
  default?: readonly string[];
  maxItems: number;
}

export type OptionSpec = IntSpec | NumberSpec | BooleanSpec | EnumSpec | StringSpec | ListSpec;
export type OptionValue = number | string | boolean | readonly string[];
/** An entry as it sits in a table: its key in `name`. */
export type NamedSpec = OptionSpec & { readonly name: string };
export type OptionTable = Readonly<Record<string, NamedSpec>>;

/** A table from its entries, each given its key as `name`. */
export function defineOptions<T extends Record<string, OptionSpec>>(entries: T): { readonly [K in keyof T]: T[K] & { readonly name: K } } {
  return Object.freeze(Object.fromEntries(Object.entries(entries).map(([name, s]) => [name, Object.freeze({ ...s, name })]))) as never;
}

/** The entries that have a default, as an options object (the course's values). */
export function defaultsOf(table: OptionTable): Record<string, OptionValue> {
  const out: Record<string, OptionValue> = {};
  for (const s of Object.values(table)) if (s.default !== undefined) out[s.name] = s.default;
  return out;
}

/**
 * Turns English words into the display language's: the host's and the pages' `t` (the English
 * text is the key, `{0}`… its placeholders). The CLI and the engine keep the default, English.
 */
export type Translate = (message: string, ...args: (string | number)[]) => string;

/** The English words themselves, with their placeholders filled in. */
export const english: Translate = (message, ...args) =>
  message.replace(/\{(\d+)\}/g, (whole, k: string) => (Number(k) < args.length ? String(args[Number(k)]) : whole));

/** A surface's words: `t` for its sentences, `table` for the tables' labels, help and choices (English keys of the same bundle). */
export interface Words {
  t: Translate;
  table(english: string): string;
}

export const ENGLISH_WORDS: Words = { t: english, table: (s) => s };

function fmtNum(n: number): string {
  return Number.isInteger(n) && Math.abs(n) >= 10_000 ? n.toLocaleString('en') : String(n);
}

function quotedWords(words: readonly string[], t: Translate): string {
  return words.map((w) => `"${w}"`).reduce((a, b) => t('{0} or {1}', a, b));
}

/** The allowed values in words: "a whole number from 1 to 4,096", "a number above 0 and below 10", "one of error, drop, ffill". */
export function allowedWords(s: OptionSpec, t: Translate = english): string {
  switch (s.type) {
    case 'int': {
      const range = t('a whole number from {0} to {1}', fmtNum(s.min), fmtNum(s.max));
      return s.words?.length ? t('{0} or {1}', quotedWords(s.words, t), range) : range;
    }
    case 'number': {
      const [lo, hi] = [fmtNum(s.min), fmtNum(s.max)];
      if (s.minExclusive && s.maxExclusive) return t('a number above {0} and below {1}', lo, hi);
      if (s.minExclusive) return t('a number above {0} and up to {1}', lo, hi);
      if (s.maxExclusive) return t('a number from {0} and below {1}', lo, hi);
      return t('a number from {0} to {1}', lo, hi);
    }
    case 'boolean':
      return t('true or false');
    case 'enum':
      return t('one of {0}', s.choices.map((c) => c.value).join(', '));
    case 'string':
      return t('text of at most {0} characters', fmtNum(s.maxLength));
    case 'list':
      return t('a list of at most {0} names', fmtNum(s.maxItems));
  }
}

/** Whether `v` is an allowed value of the option (of the right type and within the bounds). */
export function isAllowed(s: OptionSpec, v: unknown): boolean {
  switch (s.type) {
    case 'int':
      if (typeof v === 'string') return s.words?.includes(v) ?? false;
      return typeof v === 'number' && Number.isInteger(v) && v >= s.min && v <= s.max;
    case 'number':
      return (
        typeof v === 'number' &&
        Number.isFinite(v) &&
        (s.minExclusive ? v > s.min : v >= s.min) &&
        (s.maxExclusive ? v < s.max : v <= s.max)
      );
    case 'boolean':
      return typeof v === 'boolean';
    case 'enum':
      return typeof v === 'string' && s.choices.some((c) => c.value === v);
    case 'string':
      return typeof v === 'string' && v.length <= s.maxLength;
    case 'list':
      return Array.isArray(v) && v.length <= s.maxItems && v.every((x) => typeof x === 'string');
  }
}

/** The problem with `v` in words after the option's name ("must be a whole number from 1 to 16, got 0."), or null when it is allowed. */
export function problemWith(s: OptionSpec, v: unknown, t: Translate = english): string | null {
  if (isAllowed(s, v)) return null;
  const got = typeof v === 'string' ? `"${v}"` : Array.isArray(v) ? t('a list') : String(v);
  return t('must be {0}, got {1}.', allowedWords(s, t), got);
}

/**
 * A value typed as text (a CLI argument, a form field) → the option's value, or a problem in the
 * words of `problemWith`. Only the type is checked here; the bounds are `isAllowed`'s.
 */
export function parseText(s: OptionSpec, raw: string, t: Translate = english): { value: OptionValue } | { problem: string } {
  const trimmed = raw.trim();
  switch (s.type) {
    case 'int':
    case 'number': {
      if (s.type === 'int' && s.words?.includes(trimmed.toLowerCase())) return { value: trimmed.toLowerCase() };
      const n = Number(trimmed);
      if (trimmed === '' || !Number.isFinite(n)) {
        const kind = s.type === 'number' ? t('a number') : s.words?.length ? t('{0} or a whole number', quotedWords(s.words, t)) : t('a whole number');
        return { problem: t('takes {0}, got "{1}".', kind, raw) };
      }
      return { value: n };
    }
    case 'boolean':
      if (trimmed === 'true' || trimmed === 'false') return { value: trimmed === 'true' };
      return { problem: t('takes true or false, got "{0}".', raw) };
    case 'enum':
      if (s.choices.some((c) => c.value === trimmed)) return { value: trimmed };
      return { problem: t('must be {0}; got "{1}".', allowedWords(s, t), raw) };
    case 'string':
      return { value: raw };
    case 'list':
      return { value: raw.split(',').map((x) => x.trim()).filter(Boolean) };
  }
}
