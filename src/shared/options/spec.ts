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

function fmtNum(n: number): string {
  return Number.isInteger(n) && Math.abs(n) >= 10_000 ? n.toLocaleString('en') : String(n);
}

/** The allowed values in words: "a whole number from 1 to 4,096", "a number above 0 and below 10", "one of error, drop, ffill". */
export function allowedWords(s: OptionSpec): string {
  switch (s.type) {
    case 'int': {
      const range = `a whole number from ${fmtNum(s.min)} to ${fmtNum(s.max)}`;
      return s.words?.length ? `${s.words.map((w) => `"${w}"`).join(' or ')} or ${range}` : range;
    }
    case 'number': {
      const lo = s.minExclusive ? `above ${fmtNum(s.min)}` : `from ${fmtNum(s.min)}`;
      const hi = s.maxExclusive ? `below ${fmtNum(s.max)}` : `${s.minExclusive ? 'up ' : ''}to ${fmtNum(s.max)}`;
      return `a number ${lo}${s.minExclusive || s.maxExclusive ? ' and ' : ' '}${hi}`;
    }
    case 'boolean':
      return 'true or false';
    case 'enum':
      return `one of ${s.choices.map((c) => c.value).join(', ')}`;
    case 'string':
      return `text of at most ${fmtNum(s.maxLength)} characters`;
    case 'list':
      return `a list of at most ${fmtNum(s.maxItems)} names`;
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
export function problemWith(s: OptionSpec, v: unknown): string | null {
  if (isAllowed(s, v)) return null;
  const got = typeof v === 'string' ? `"${v}"` : Array.isArray(v) ? 'a list' : String(v);
  return `must be ${allowedWords(s)}, got ${got}.`;
}

/**
 * A value typed as text (a CLI argument, a form field) → the option's value, or a problem in the
 * words of `problemWith`. Only the type is checked here; the bounds are `isAllowed`'s.
 */
export function parseText(s: OptionSpec, raw: string): { value: OptionValue } | { problem: string } {
  const t = raw.trim();
  switch (s.type) {
    case 'int':
    case 'number': {
      if (s.type === 'int' && s.words?.includes(t.toLowerCase())) return { value: t.toLowerCase() };
      const n = Number(t);
      if (t === '' || !Number.isFinite(n)) return { problem: `takes ${s.type === 'int' ? (s.words?.length ? `${s.words.map((w) => `"${w}"`).join(' or ')} or a whole number` : 'a whole number') : 'a number'}, got "${raw}".` };
      return { value: n };
    }
    case 'boolean':
      if (t === 'true' || t === 'false') return { value: t === 'true' };
      return { problem: `takes true or false, got "${raw}".` };
    case 'enum':
      if (s.choices.some((c) => c.value === t)) return { value: t };
      return { problem: `must be ${allowedWords(s)}; got "${raw}".` };
    case 'string':
      return { value: raw };
    case 'list':
      return { value: raw.split(',').map((x) => x.trim()).filter(Boolean) };
  }
}
