/**
 * The one resolver of options, for the trainer's and every flow's: defaults and bounds come from
 * the flow's table (src/shared/options), so the CLI, the form, the settings and the engine accept
 * the same values. Each failure is a BAD_OPTION that names the option and suggests its default.
 */
import { RnnLabError, type ErrorAbout } from './errors';
import { opt, text, type Text } from '../shared/errors';
import { allowedWords, defaultsOf, problemWith, type NamedSpec, type OptionTable } from '../shared/options/spec';

export function badOption(message: Text, hint: Text, about: ErrorAbout = {}): RnnLabError {
  return new RnnLabError('BAD_OPTION', message, hint, {}, about);
}

/** Throws BAD_OPTION unless `v` is an allowed value of the option. */
export function checkOption(s: NamedSpec, v: unknown): void {
  const problem = problemWith(s, v);
  if (problem === null) return;
  const d = s.default;
  const suggest = d !== undefined && !Array.isArray(d) ? { option: s.name, value: d as string | number | boolean } : undefined;
  const hint = suggest ? text`The default is ${opt(s.name, suggest.value)}.` : `Use ${allowedWords(s)}.`;
  throw badOption(text`${opt(s.name)} ${problem}`, hint, { option: s.name, suggest });
}

/**
 * The table's defaults, without `backend` and `threads` (where to run, not what to train): the
 * engine reads a missing backend as auto and missing threads as every core.
 */
export function engineDefaults<T>(table: OptionTable): Readonly<T> {
  const { backend: _b, threads: _t, ...d } = defaultsOf(table);
  return Object.freeze(d) as T;
}

/**
 * `options` over the table's defaults, every value checked against the table. Keys the table does
 * not know are kept unchecked (the library's callers may pass their own). Backend `auto` is no
 * backend: the engine picks one.
 */
export function resolveOptions<T extends object>(table: OptionTable, options: Partial<T>): T {
  const o: Record<string, unknown> = { ...engineDefaults<object>(table), ...stripUndefined(options) };
  for (const [k, v] of Object.entries(o)) {
    if (!table[k]) continue;
    checkOption(table[k], v);
    // A whole number as a small integer: the table's defaults sit in a field V8 keeps as a boxed
    // double (other defaults are fractions), and a boxed hidden size made every pointer the
    // greedy decoder computed a double too; the training step, optimised for small integers,
    // then lost its optimised code at the first report (measured with --trace-deopt).
    if (table[k].type === 'int' && typeof v === 'number' && Math.abs(v) < 2 ** 30) o[k] = v | 0;
  }
  if (o.backend === 'auto') delete o.backend;
  return o as T;
}

/** Drop undefined entries, so `{ ...DEFAULTS, ...stripUndefined(options) }` keeps the defaults. */
export function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
