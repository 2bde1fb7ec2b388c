/**
 * The grammar of one CSV cell, the first phase under parseCsv: what counts as a number, a
 * missing value, a date, and the near misses (1,234.5, 1,5, 2020-02-30) that deserve a message of
 * their own instead of turning a column into text. Pure functions, no state.
 */
import type { DateFormat } from './policy';

const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const MISSING_RE = /^(?:|na|n\/a|nan|null)$/i;
/** Numbers a spreadsheet formatted for display (1,234.5; $12; 12%): not accepted, but recognised for a better message. */
export const FORMATTED_NUMBER_RE = /^[-+(]?[$€£¥]?\s?[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?\)?\s?%?$/;
/** A decimal comma, as European spreadsheets write numbers: 1,5 or -12,25 or 1.234,5 (dots group thousands). */
const DECIMAL_COMMA_RE = /^[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+),\d+$/;

/** How the cells of a file write their numbers. */
export interface CellFormat {
  /** Read 1,5 as 1.5 (and 1.234,5 as 1234.5). */
  decimalComma: boolean;
}

export const PLAIN_CELLS: CellFormat = Object.freeze({ decimalComma: false });

/** Strict number: optional sign, digits with an optional decimal point, optional exponent. No thousands separators. */
export function parseNumber(cell: string, format: CellFormat = PLAIN_CELLS): number {
  const s = cell.trim();
  if (NUMBER_RE.test(s)) {
    const v = Number(s);
    return Number.isFinite(v) ? v : NaN;
  }
  return format.decimalComma && DECIMAL_COMMA_RE.test(s) ? Number(s.replaceAll('.', '').replace(',', '.')) : NaN;
}

/** Empty cell, NA, N/A, NaN or null (any case). */
export function isMissing(cell: string): boolean {
  return MISSING_RE.test(cell.trim());
}

/** A number written with a decimal comma (1,5), which a plain reading takes for text. */
export function isDecimalComma(cell: string): boolean {
  return DECIMAL_COMMA_RE.test(cell.trim());
}


const ISO_RE = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;
const YMD_SLASH_RE = /^(\d{4})\/(\d{1,2})\/(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const DMY_SLASH_RE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const MONTH_NAME_RE = /^(?=.*\d)(?=.*\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b)[a-z0-9 ,.:/-]+$/i;

function utc(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0): number {
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return NaN;
  const t = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  // Reject 2017-02-30 and the like (Date.UTC would roll them over).
  if (new Date(t).getUTCDate() !== d) return NaN;
  return t;
}

/**
 * What an a/b/yyyy cell says about the order of its numbers: 'day-first' when a > 12 (13/01/2020),
 * 'month-first' when b > 12 (01/13/2020), 'either' when both readings are dates; `dayFirst` is
 * the day-first reading. The column decides (see `resolveDateOrder`), not each cell on its own.
 */
export interface SlashDate {
  forces: 'day-first' | 'month-first' | 'either';
  dayFirst: number;
}

/** Scratch result of `readDate`, reused so a million cells make no garbage. */
const slash: SlashDate = { forces: 'either', dayFirst: NaN };

/**
 * Parses a date cell to a UTC timestamp (month-first for a/b/yyyy unless a > 12) and, for
 * a/b/yyyy cells, what they say about the order: returned as the second element, or null.
 */
export function readDate(cell: string): [number, SlashDate | null] {
  const s = cell.trim();
  if (s.length < 6 || s.length > 40) return [NaN, null];
  const m = DMY_SLASH_RE.exec(s);
  if (!m) return [parseOtherDate(s), null];
  const a = +m[1];
  const b = +m[2];
  const time = [m[4] ? +m[4] : 0, m[5] ? +m[5] : 0, m[6] ? +m[6] : 0] as const;
  const monthFirst = utc(+m[3], a, b, ...time);
  slash.dayFirst = utc(+m[3], b, a, ...time);
  if (Number.isFinite(monthFirst) && Number.isFinite(slash.dayFirst)) slash.forces = 'either';
  else if (Number.isFinite(slash.dayFirst)) slash.forces = 'day-first';
  else if (Number.isFinite(monthFirst)) slash.forces = 'month-first';
  else return [NaN, null];
  return [slash.forces === 'day-first' ? slash.dayFirst : monthFirst, slash];
}

/**
 * Parses a date or date-time cell to a UTC timestamp (ms); NaN when the cell is not a date.
 * Accepted: ISO `2017-01-03`, `2017-01-03 10:00`, `2017-01-03T10:00:00Z`; `2017/01/03`;
 * `1/3/2017` (month first, or day first with `order` 'day-first'; a first number above 12 is
 * always the day); and dates with an English month name such as `Jan 3, 2017` or `3-Jan-2017`.
 * Times without an offset are taken as they are (stored as if UTC) so the order of rows never
 * depends on the machine's time zone. Plain numbers (`2017`, `20170103`) are never dates.
 */
export function parseDate(cell: string, order: DateFormat = 'auto'): number {
  const [t, sd] = readDate(cell);
  return sd && sd.forces === 'either' && order === 'day-first' ? sd.dayFirst : t;
}

function parseOtherDate(s: string): number {
  let m = ISO_RE.exec(s);
  if (m) {
    const ms = m[7] ? Math.round(Number(`0.${m[7]}`) * 1000) : 0;
    let t = utc(+m[1], +m[2], +m[3], m[4] ? +m[4] : 0, m[5] ? +m[5] : 0, m[6] ? +m[6] : 0, ms);
    const tz = m[8];
    if (tz && tz.toUpperCase() !== 'Z') {
      const sign = tz[0] === '-' ? -1 : 1;
      const digits = tz.slice(1).replace(':', '');
      t -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60000;
    }
    return t;
  }
  m = YMD_SLASH_RE.exec(s);
  if (m) return utc(+m[1], +m[2], +m[3], m[4] ? +m[4] : 0, m[5] ? +m[5] : 0, m[6] ? +m[6] : 0);
  if (MONTH_NAME_RE.test(s) && /\d{4}|\d{1,2}[-/ ][a-z]{3}[-/ ]\d{2}\b/i.test(s)) {
    const local = Date.parse(s);
    if (!Number.isFinite(local)) return NaN;
    const d = new Date(local);
    return Date.UTC(d.getFullYear(), d.getMonth(), d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds(), d.getMilliseconds());
  }
  return NaN;
}

/** A cell that looks like a date but is none (2020-02-30, 13/13/2020): worth naming, not ignoring. */
export function looksLikeDate(cell: string): boolean {
  const s = cell.trim();
  return ISO_RE.test(s) || YMD_SLASH_RE.test(s) || DMY_SLASH_RE.test(s);
}

/** ISO strings for timestamps: dates alone when every one is midnight, else date-times (ms when needed). */
export function formatDates(ts: Float64Array): string[] {
  let dateOnly = true;
  for (let i = 0; i < ts.length; i++) {
    if (Number.isFinite(ts[i]) && ts[i] % 86400000 !== 0) {
      dateOnly = false;
      break;
    }
  }
  const out = new Array<string>(ts.length);
  for (let i = 0; i < ts.length; i++) {
    if (!Number.isFinite(ts[i])) {
      out[i] = '';
      continue;
    }
    const iso = new Date(ts[i]).toISOString();
    out[i] = dateOnly ? iso.slice(0, 10) : ts[i] % 1000 !== 0 ? iso.slice(0, 23) : iso.slice(0, 19);
  }
  return out;
}

/** Cell kinds for the header test: a header cell is text that is not a date. */
export function cellKind(cell: string, format: CellFormat): 'missing' | 'number' | 'date' | 'text' {
  const s = cell.trim();
  if (MISSING_RE.test(s)) return 'missing';
  if (Number.isFinite(parseNumber(s, format))) return 'number';
  return Number.isFinite(parseDate(s)) ? 'date' : 'text';
}

export { NUMBER_RE, MISSING_RE };
