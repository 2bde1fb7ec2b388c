/** Checks shared by the runs' option resolvers: each failure is a BAD_OPTION with a hint. */
import { RnnLabError } from './errors';

export function badOption(message: string, hint: string): RnnLabError {
  return new RnnLabError('BAD_OPTION', message, hint);
}

/** `v` must be a whole number ≥ min; `name` is the CLI flag without dashes. */
export function requireInt(name: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min) throw badOption(`${name} must be a whole number ≥ ${min}, got ${v}.`, `Pass --${name} a whole number of at least ${min}.`);
}

/** Drop undefined entries, so `{ ...DEFAULTS, ...stripUndefined(options) }` keeps the defaults. */
export function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
