/**
 * CSV loading for the forecaster: turns a user's file into a numeric table (row-major
 * Float64Array) plus everything the UI and error messages need (source line of every row, dates,
 * ignored columns, per-column stats).
 *
 * Parsing is papaparse's, in streaming `step` mode: each row's cells go straight into growable
 * Float64Array column buffers, so a million-row file never exists as an array of string arrays.
 * Line numbers are tracked from papaparse's row-end cursor, so they stay right with `#` comment
 * lines, blank lines and quoted fields that span lines.
 *
 * Pure TypeScript: no vscode, no DOM, no tfjs.
 */
import Papa from 'papaparse';
import { RnnLabError } from '../errors';
import type { ErrorAbout } from '../errors';
import { opt, text as words, type Text } from '../../shared/errors';
import type { MissingPolicy, RowOrder } from './policy';
import { countChar, decodeText, quoteValue, readInputFile } from './text';

export interface CsvOptions {
  /** Path or name of the file, as the user gave it: used in every message. */
  file: string;
  /** What to do with an empty/NA cell in a numeric column. Default 'error'. */
  missing?: MissingPolicy;
  /** Row order. Default 'auto' (oldest-first when the dates say the file is newest-first). */
  order?: RowOrder;
  /** Name of the date/time column. Default: detected (the first column whose cells are all dates). */
  dateColumn?: string;
}

export interface ColumnStats {
  column: string;
  min: number;
  max: number;
  /** Missing cells in the file (before dropping or filling). */
  missing: number;
}

export interface CsvTable {
  file: string;
  /** Numeric columns, in file order. */
  columns: string[];
  rows: number;
  /** Row-major rows×columns, after drop/fill/reorder. */
  data: Float64Array;
  /** 1-based source line of each row (same order as data). */
  lines: Int32Array;
  /** ISO date strings per row (same order as data), or null without a date column. */
  dates: string[] | null;
  dateColumn: string | null;
  /** Text (or empty) columns that are not used. */
  ignoredColumns: string[];
  order: { detected: 'oldest-first' | 'newest-first' | 'unknown'; reversed: boolean };
  stats: ColumnStats[];
  droppedRows: number;
  filledCells: number;
  delimiter: string;
  /** Line of the header row, or of the `#` comment the names came from; null when named col1..colN. */
  headerLine: number | null;
}

// ---------------------------------------------------------------------------------------------
// Cell classification

const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const MISSING_RE = /^(?:|na|n\/a|nan|null)$/i;
/** Numbers a spreadsheet formatted for display (1,234.5; $12; 12%): not accepted, but recognised for a better message. */
const FORMATTED_NUMBER_RE = /^[-+(]?[$€£¥]?\s?[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?\)?\s?%?$/;

/** Strict number: optional sign, digits with an optional decimal point, optional exponent. No thousands separators. */
export function parseNumber(cell: string): number {
  const s = cell.trim();
  if (!NUMBER_RE.test(s)) return NaN;
  const v = Number(s);
  return Number.isFinite(v) ? v : NaN;
}

/** Empty cell, NA, N/A, NaN or null (any case). */
export function isMissing(cell: string): boolean {
  return MISSING_RE.test(cell.trim());
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
 * Parses a date or date-time cell to a UTC timestamp (ms); NaN when the cell is not a date.
 * Accepted: ISO `2017-01-03`, `2017-01-03 10:00`, `2017-01-03T10:00:00Z`; `2017/01/03`;
 * US `1/3/2017` (month first; day first when the first number is above 12); and dates with an
 * English month name such as `Jan 3, 2017` or `3-Jan-2017`. Times without an offset are taken as
 * they are (stored as if UTC) so the order of rows never depends on the machine's time zone.
 * Plain numbers (`2017`, `20170103`) are never dates.
 */
export function parseDate(cell: string): number {
  const s = cell.trim();
  if (s.length < 6 || s.length > 40) return NaN;
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
  m = DMY_SLASH_RE.exec(s);
  if (m) {
    let mo = +m[1];
    let d = +m[2];
    if (mo > 12 && d <= 12) [mo, d] = [d, mo];
    return utc(+m[3], mo, d, m[4] ? +m[4] : 0, m[5] ? +m[5] : 0, m[6] ? +m[6] : 0);
  }
  if (MONTH_NAME_RE.test(s) && /\d{4}|\d{1,2}[-/ ][a-z]{3}[-/ ]\d{2}\b/i.test(s)) {
    const local = Date.parse(s);
    if (!Number.isFinite(local)) return NaN;
    const d = new Date(local);
    return Date.UTC(d.getFullYear(), d.getMonth(), d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds(), d.getMilliseconds());
  }
  return NaN;
}

function formatDates(ts: Float64Array): string[] {
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

// ---------------------------------------------------------------------------------------------
// Column accumulator

interface CellRef {
  line: number;
  value: string;
}

class ColumnAcc {
  values: Float64Array;
  numeric = 0;
  dates = 0;
  text = 0;
  /** Text cells that are formatted numbers (1,234 or $5 or 5%); included in `text`. */
  formatted = 0;
  missing = 0;
  firstText: CellRef | null = null;
  firstNonDate: CellRef | null = null;
  firstMissing: CellRef | null = null;

  constructor(capacity: number) {
    this.values = new Float64Array(capacity);
  }

  grow(capacity: number): void {
    const v = new Float64Array(capacity);
    v.set(this.values);
    this.values = v;
  }

  /** Classifies one cell and stores its value (number, date timestamp or NaN) at row r. */
  add(r: number, raw: string, line: number): void {
    const s = raw.trim();
    if (s === '' || MISSING_RE.test(s)) {
      this.values[r] = NaN;
      this.missing++;
      if (!this.firstMissing) this.firstMissing = { line, value: raw };
      return;
    }
    if (NUMBER_RE.test(s)) {
      const v = Number(s);
      if (Number.isFinite(v)) {
        this.values[r] = v;
        this.numeric++;
        if (!this.firstNonDate) this.firstNonDate = { line, value: raw };
        return;
      }
    }
    this.text++;
    if (!this.firstText) this.firstText = { line, value: raw };
    if (FORMATTED_NUMBER_RE.test(s)) this.formatted++;
    // Once a column has a non-date cell it cannot be the date column: skip the date parsing.
    const t = this.firstNonDate ? NaN : parseDate(s);
    if (Number.isFinite(t)) {
      this.values[r] = t;
      this.dates++;
    } else {
      this.values[r] = NaN;
      if (!this.firstNonDate) this.firstNonDate = { line, value: raw };
    }
  }

  /** Row 0 is classified last but comes first in the file: its cells take precedence as "first". */
  addFirst(raw: string, line: number): void {
    const saved = [this.firstText, this.firstNonDate, this.firstMissing] as const;
    this.firstText = this.firstNonDate = this.firstMissing = null;
    this.add(0, raw, line);
    this.firstText ??= saved[0];
    this.firstNonDate ??= saved[1];
    this.firstMissing ??= saved[2];
  }

  get allDates(): boolean {
    return this.dates > 0 && this.firstNonDate === null;
  }
}

// ---------------------------------------------------------------------------------------------

const DELIMITERS = [';', '\t', ','];

function delimiterName(d: string): string {
  return d === '\t' ? 'tab' : d === ';' ? 'semicolon' : 'comma';
}

function badCsv(file: string, line: number, message: string, hint: string, column?: number): RnnLabError {
  return new RnnLabError('BAD_CSV', message, hint, { file, line, column });
}

/** Names from a `# a,b,c` comment, when it splits into exactly n non-numeric names. */
function namesFromComment(comment: string, n: number, delimiter: string): string[] | null {
  const body = comment.replace(/^#+/, '').trim();
  if (!body) return null;
  for (const d of [delimiter, ...DELIMITERS.filter((x) => x !== delimiter)]) {
    const names = body.split(d).map((s) => s.trim());
    if (names.length !== n) continue;
    if (names.every((s) => s !== '' && !NUMBER_RE.test(s) && s.length <= 100)) return names;
  }
  return null;
}

function dedupe(names: string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((raw, i) => {
    let name = raw.trim() || `col${i + 1}`;
    const k = seen.get(name) ?? 0;
    seen.set(name, k + 1);
    if (k > 0) {
      let j = k + 1;
      while (seen.has(`${name}_${j}`)) j++;
      name = `${name}_${j}`;
      seen.set(name, 1);
    }
    return name;
  });
}

/**
 * Parses CSV text (or bytes) into a numeric table. See `CsvTable` for what comes back; every
 * problem with the file is an RnnLabError naming file:line:column and the fix.
 */
export function parseCsv(input: Buffer | Uint8Array | string, opts: CsvOptions): CsvTable {
  const file = opts.file;
  const policy: MissingPolicy = opts.missing ?? 'error';
  const orderOpt: RowOrder = opts.order ?? 'auto';
  const text = decodeText(input, file);

  // Delimiter and line break, guessed by papaparse on a sample (comments and blank lines skipped).
  let sample = text.length > 65536 ? text.slice(0, 65536) : text;
  if (sample.length < text.length) {
    const cut = Math.max(sample.lastIndexOf('\n'), sample.lastIndexOf('\r'));
    if (cut > 0) sample = sample.slice(0, cut);
  }
  const guess = Papa.parse<string[]>(sample, { comments: '#', skipEmptyLines: true, delimitersToGuess: DELIMITERS, preview: 20 });
  const delimiter = DELIMITERS.includes(guess.meta.delimiter) ? guess.meta.delimiter : ',';
  const linebreak = guess.meta.linebreak === '\r' || guess.meta.linebreak === '\r\n' ? guess.meta.linebreak : '\n';
  const nlCode = linebreak === '\r' ? 13 : 10;

  // Streaming pass.
  let pos = 0; // text offset up to which lines have been counted
  let line = 1; // line number at pos
  let lastComment: { text: string; line: number } | null = null;
  let row0: string[] | null = null;
  let row0Line = 0;
  let nCols = 0;
  let accs: ColumnAcc[] = [];
  let rowCount = 0; // slots used, slot 0 reserved for row0
  let capacity = 0;
  let lines = new Int32Array(0);
  let failure: RnnLabError | null = null;

  Papa.parse<string[]>(text, {
    delimiter,
    newline: linebreak as '\n' | '\r' | '\r\n',
    comments: '#',
    skipEmptyLines: false,
    step: (res, parser) => {
      if (failure) return;
      const end = res.meta.cursor;
      // Comment lines papaparse skipped before this row.
      while (pos < end && text.startsWith('#', pos)) {
        let nl = text.indexOf(linebreak, pos);
        if (nl < 0 || nl > end) nl = end;
        if (row0 === null) lastComment = { text: text.slice(pos, nl), line };
        pos = nl + linebreak.length;
        line++;
      }
      const rowLine = line;
      line += countChar(text, nlCode, pos, end);
      pos = end;

      const row = res.data;
      if (res.errors.length > 0) {
        const e = res.errors[0];
        failure =
          e.code === 'MissingQuotes'
            ? badCsv(file, rowLine, `A quoted field that starts on line ${rowLine} is never closed.`, 'Add the closing double quote ("), or remove the opening one.')
            : badCsv(file, rowLine, `Line ${rowLine} cannot be read as CSV: ${e.message}.`, 'Check the quotes on that line: a quote inside a quoted field must be doubled ("").');
        parser.abort();
        return;
      }
      if (row.length === 1 && row[0].trim() === '') return; // blank line

      if (row0 === null) {
        row0 = row;
        row0Line = rowLine;
        nCols = row.length;
        capacity = 1024;
        accs = Array.from({ length: nCols }, () => new ColumnAcc(capacity));
        lines = new Int32Array(capacity);
        lines[0] = rowLine;
        rowCount = 1;
        return;
      }
      if (row.length !== nCols) {
        let extraBlank = row.length > nCols;
        for (let c = nCols; extraBlank && c < row.length; c++) if (row[c].trim() !== '') extraBlank = false;
        if (!extraBlank) {
          failure = badCsv(
            file,
            rowLine,
            `Line ${rowLine} has ${row.length} field${row.length === 1 ? '' : 's'} but line ${row0Line} has ${nCols} (${delimiterName(delimiter)}-separated).`,
            `Give every row the same number of fields, or comment the line out with '#'.`,
          );
          parser.abort();
          return;
        }
      }
      if (rowCount === capacity) {
        capacity *= 2;
        for (const a of accs) a.grow(capacity);
        const l = new Int32Array(capacity);
        l.set(lines);
        lines = l;
      }
      const r = rowCount++;
      lines[r] = rowLine;
      for (let c = 0; c < nCols; c++) accs[c].add(r, row[c], rowLine);
    },
  });
  if (failure) throw failure;
  if (row0 === null) {
    throw new RnnLabError('EMPTY_FILE', `${file} has no data rows, only comments or blank lines.`, `Add data rows below the comments in ${file}.`, { file });
  }
  const first: string[] = row0;

  // Header: the first row has a name where the column below holds numbers or dates.
  let hasHeader = false;
  if (rowCount > 1) {
    let allText = true;
    for (let c = 0; c < nCols; c++) {
      const s = first[c].trim();
      const a = accs[c];
      const isText = s !== '' && !MISSING_RE.test(s) && Number.isNaN(parseNumber(s));
      const isDate = isText && Number.isFinite(parseDate(s));
      if (!isText || isDate) allText = false;
      if (isText && !isDate && ((a.numeric > 0 && a.numeric >= a.text) || a.allDates)) hasHeader = true;
    }
    if (allText) hasHeader = true;
  } else {
    const allText = first.every((s) => s.trim() !== '' && Number.isNaN(parseNumber(s)) && !MISSING_RE.test(s.trim()));
    if (allText) {
      throw new RnnLabError('EMPTY_FILE', `${file} has a header (line ${row0Line}) but no data rows.`, `Add data rows below the header in ${file}.`, { file, line: row0Line });
    }
  }

  let names: string[];
  let headerLine: number | null;
  const start = hasHeader ? 1 : 0;
  if (hasHeader) {
    names = dedupe(first);
    headerLine = row0Line;
  } else {
    for (let c = 0; c < nCols; c++) accs[c].addFirst(first[c], row0Line);
    const lc = lastComment as { text: string; line: number } | null;
    const fromComment = lc ? namesFromComment(lc.text, nCols, delimiter) : null;
    if (fromComment && lc) {
      names = dedupe(fromComment);
      headerLine = lc.line;
    } else {
      names = names0(nCols);
      headerLine = null;
    }
  }
  const total = rowCount - start;

  // Date column.
  let dateCol = -1;
  if (opts.dateColumn !== undefined) {
    dateCol = findColumn(names, opts.dateColumn);
    if (dateCol < 0) {
      throw new RnnLabError(
        'UNKNOWN_COLUMN',
        `${file} has no column named ${quoteValue(opts.dateColumn)}. Columns: ${names.join(', ')}.`,
        `Pass one of those names as the date column, or leave it out to detect dates automatically.`,
        { file, line: headerLine ?? undefined },
      );
    }
    const a = accs[dateCol];
    if (!a.allDates) {
      const bad = a.firstNonDate;
      throw new RnnLabError(
        'BAD_CSV',
        bad
          ? `Cell ${quoteValue(bad.value)} in date column ${quoteValue(names[dateCol])} is not a date.`
          : `Date column ${quoteValue(names[dateCol])} has no dates.`,
        `Write dates as 2017-01-03 (or 2017-01-03 10:00, or 1/3/2017), or choose another date column.`,
        { file, line: bad?.line, column: dateCol + 1 },
      );
    }
  } else {
    dateCol = accs.findIndex((a) => a.allDates);
  }

  // Numeric, bad and ignored columns.
  const numericCols: number[] = [];
  const ignored: string[] = [];
  let nonNumeric: { c: number; ref: CellRef } | null = null;
  for (let c = 0; c < nCols; c++) {
    if (c === dateCol) continue;
    const a = accs[c];
    if (a.numeric > 0 && a.text === 0) numericCols.push(c);
    else if (a.firstText && a.numeric + a.formatted > 0 && a.numeric + a.formatted >= a.text - a.formatted) {
      // Mostly numbers (possibly formatted ones) with some text: a mistake in a numeric column.
      if (!nonNumeric || a.firstText.line < nonNumeric.ref.line) nonNumeric = { c, ref: a.firstText };
    } else ignored.push(names[c]);
  }
  if (nonNumeric) {
    const { c, ref } = nonNumeric;
    const a = accs[c];
    throw new RnnLabError(
      'NON_NUMERIC_CELL',
      `Cell ${quoteValue(ref.value)} on line ${ref.line}, column ${c + 1} (${quoteValue(names[c])}) of ${file} is not a number (the column has ${a.numeric} number${a.numeric === 1 ? '' : 's'} and ${a.text} text cell${a.text === 1 ? '' : 's'}).`,
      a.formatted > 0
        ? `Write the numbers in column ${quoteValue(names[c])} plainly, like 1234.5 (no thousands separators, currency or percent signs: in a spreadsheet, use the General number format), or remove the column.`
        : `Fix or remove the cell on line ${ref.line}, or exclude column ${quoteValue(names[c])} from the file. Numbers must be plain, like 1234.5 or 1.2e3 (no thousands separators or currency signs).`,
      { file, line: ref.line, column: c + 1 },
    );
  }
  if (numericCols.length === 0) {
    throw new RnnLabError(
      'NO_NUMERIC_COLUMN',
      `${file} has no numeric column: ${names.map((n, c) => `${n} (${c === dateCol ? 'dates' : accs[c].text > 0 ? 'text' : 'empty'})`).join(', ')}.`,
      `The forecaster needs at least one column of plain numbers (like 1234.5). Check the delimiter (detected: ${delimiterName(delimiter)}) and that numbers have no thousands separators or currency signs.`,
      { file },
    );
  }

  // Missing values in the columns we keep.
  const kept = dateCol >= 0 ? [...numericCols, dateCol] : numericCols;
  if (policy === 'error') {
    let worst: { c: number; ref: CellRef } | null = null;
    for (const c of kept) {
      const ref = accs[c].firstMissing;
      if (!ref) continue;
      if (!worst || ref.line < worst.ref.line || (ref.line === worst.ref.line && c < worst.c)) worst = { c, ref };
    }
    if (worst) {
      const { c, ref } = worst;
      const count = kept.reduce((k, cc) => k + accs[cc].missing, 0);
      throw missingError(file, ref.line, c, names[c], ref.value, `${count} missing value${count === 1 ? '' : 's'} in all.`, words`Fill in the cell, or use ${opt('missing', 'drop')} (drop rows with missing values) or ${opt('missing', 'ffill')} (copy the previous row\u2019s value).`, { suggest: { option: 'missing', value: 'drop' } });
    }
  }

  // Rows to keep, in file order.
  let order = new Int32Array(total);
  let n = 0;
  if (policy === 'drop') {
    for (let r = start; r < rowCount; r++) {
      let ok = true;
      for (const c of kept) {
        if (Number.isNaN(accs[c].values[r])) {
          ok = false;
          break;
        }
      }
      if (ok) order[n++] = r;
    }
    order = order.subarray(0, n);
  } else {
    for (let r = start; r < rowCount; r++) order[n++] = r;
  }
  const droppedRows = total - n;
  if (n === 0) {
    throw new RnnLabError('MISSING_VALUE', words`Every row of ${file} has a missing value, so ${opt('missing', 'drop')} leaves no rows.`, words`Use ${opt('missing', 'ffill')}, or fill in the missing cells.`, { file }, { suggest: { option: 'missing', value: 'ffill' } });
  }

  // Row order.
  let detected: CsvTable['order']['detected'] = 'unknown';
  if (dateCol >= 0) {
    const ts = accs[dateCol].values;
    let inc = true;
    let dec = true;
    let prev = NaN;
    let prevLine = 0;
    let firstBad: { line: number; prevLine: number } | null = null;
    let dir = 0;
    for (let i = 0; i < n; i++) {
      const t = ts[order[i]];
      if (Number.isNaN(t)) continue;
      if (!Number.isNaN(prev)) {
        if (t > prev) {
          dec = false;
          if (dir === 0) dir = 1;
          else if (dir < 0 && !firstBad) firstBad = { line: lines[order[i]], prevLine };
        } else if (t < prev) {
          inc = false;
          if (dir === 0) dir = -1;
          else if (dir > 0 && !firstBad) firstBad = { line: lines[order[i]], prevLine };
        }
      }
      prev = t;
      prevLine = lines[order[i]];
    }
    if (inc) detected = 'oldest-first';
    else if (dec) detected = 'newest-first';
    else if (orderOpt === 'auto' && firstBad) {
      throw new RnnLabError(
        'BAD_CSV',
        `The dates in column ${quoteValue(names[dateCol])} are not in order: line ${firstBad.line} goes ${dir > 0 ? 'back' : 'forward'} in time after line ${firstBad.prevLine}.`,
        words`Sort the file by date (oldest or newest first), or pass ${opt('order', 'as-is')} to use the rows as they are.`,
        { file, line: firstBad.line, column: dateCol + 1 },
        { suggest: { option: 'order', value: 'as-is' } },
      );
    }
  }
  const reversed = orderOpt === 'reverse' || (orderOpt === 'auto' && detected === 'newest-first');
  if (reversed) order.reverse();

  // Assemble the table.
  const C = numericCols.length;
  const data = new Float64Array(n * C);
  const outLines = new Int32Array(n);
  const ts = dateCol >= 0 ? new Float64Array(n) : null;
  const colValues = numericCols.map((c) => accs[c].values);
  for (let i = 0; i < n; i++) {
    const r = order[i];
    outLines[i] = lines[r];
    const base = i * C;
    for (let j = 0; j < C; j++) data[base + j] = colValues[j][r];
    if (ts) ts[i] = accs[dateCol].values[r];
  }

  // Forward fill, in the final (time) order.
  let filledCells = 0;
  if (policy === 'ffill') {
    for (let j = 0; j < C; j++) {
      for (let i = 0; i < n; i++) {
        if (!Number.isNaN(data[i * C + j])) continue;
        if (i === 0) {
          const c = numericCols[j];
          throw missingError(file, outLines[0], c, names[c], '', FIRST_ROW_FFILL, words`Fill in the cell, or use ${opt('missing', 'drop')}.`, { suggest: { option: 'missing', value: 'drop' } });
        }
        data[i * C + j] = data[(i - 1) * C + j];
        filledCells++;
      }
    }
    if (ts) {
      for (let i = 0; i < n; i++) {
        if (!Number.isNaN(ts[i])) continue;
        if (i === 0) throw missingError(file, outLines[0], dateCol, names[dateCol], '', FIRST_ROW_FFILL, words`Fill in the date, or use ${opt('missing', 'drop')}.`, { suggest: { option: 'missing', value: 'drop' } });
        ts[i] = ts[i - 1];
        filledCells++;
      }
    }
  }

  const stats: ColumnStats[] = numericCols.map((c, j) => {
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = data[i * C + j];
      if (v < min) min = v;
      if (v > max) max = v;
    }
    return { column: names[c], min, max, missing: accs[c].missing };
  });

  return {
    file,
    columns: numericCols.map((c) => names[c]),
    rows: n,
    data,
    lines: outLines,
    dates: ts ? formatDates(ts) : null,
    dateColumn: dateCol >= 0 ? names[dateCol] : null,
    ignoredColumns: ignored,
    order: { detected, reversed },
    stats,
    droppedRows,
    filledCells,
    delimiter,
    headerLine,
  };
}

function names0(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `col${i + 1}`);
}

const FIRST_ROW_FFILL = words`It is in the first row (in time order), so ${opt('missing', 'ffill')} has no earlier value to copy.`;

function missingError(file: string, line: number, c: number, name: string, value: string, detail: Text, hint: Text, about: ErrorAbout): RnnLabError {
  const what = value.trim() === '' ? 'is empty' : `is ${quoteValue(value.trim())}`;
  const message = words`The cell on line ${line}, column ${c + 1} (${quoteValue(name)}) of ${file} ${what}: a missing value. `;
  return new RnnLabError('MISSING_VALUE', [...message, ...(typeof detail === 'string' ? [detail] : detail)], hint, { file, line, column: c + 1 }, about);
}

/** Exact name, else a unique case-insensitive match; -1 when none. */
function findColumn(names: readonly string[], name: string): number {
  const i = names.indexOf(name);
  if (i >= 0) return i;
  const lower = name.trim().toLowerCase();
  const hits = names.flatMap((n, k) => (n.toLowerCase() === lower ? [k] : []));
  return hits.length === 1 ? hits[0] : -1;
}

/** Reads a file and parses it with `parseCsv`. */
export async function readCsvFile(path: string, opts: Omit<CsvOptions, 'file'> & { file?: string }): Promise<CsvTable> {
  const file = opts.file ?? path;
  return parseCsv(await readInputFile(path, file, 'CSV file'), { ...opts, file });
}

/**
 * Index of a numeric column by name (exact, else a unique case-insensitive match). Throws
 * UNKNOWN_COLUMN listing the numeric columns, and saying so when the name is a text or date column.
 */
export function columnIndex(table: CsvTable, name: string): number {
  const i = findColumn(table.columns, name);
  if (i >= 0) return i;
  const why = table.ignoredColumns.includes(name)
    ? ` ${quoteValue(name)} is a text column, which is not used.`
    : table.dateColumn === name
      ? ` ${quoteValue(name)} is the date column.`
      : '';
  throw new RnnLabError(
    'UNKNOWN_COLUMN',
    `${table.file} has no numeric column named ${quoteValue(name)}.${why} Numeric columns: ${table.columns.join(', ')}.`,
    `Use one of: ${table.columns.join(', ')}.`,
    { file: table.file, line: table.headerLine ?? undefined },
  );
}

/** The first n rows, for a preview table in the UI. */
export function preview(table: CsvTable, n = 10): { columns: string[]; rows: { line: number; date: string | null; values: number[] }[] } {
  const C = table.columns.length;
  const m = Math.min(n, table.rows);
  const rows = [];
  for (let i = 0; i < m; i++) {
    rows.push({ line: table.lines[i], date: table.dates ? table.dates[i] : null, values: Array.from(table.data.subarray(i * C, (i + 1) * C)) });
  }
  return { columns: table.columns.slice(), rows };
}
