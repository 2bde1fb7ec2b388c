/**
 * The dialect and rows phases of parseCsv: guess the delimiter and line break, then stream the
 * rows through papaparse into one accumulator per column.
 *
 * Parsing is papaparse's, in streaming `step` mode: each row's cells go straight into growable
 * Float64Array column buffers, so a million-row file never exists as an array of string arrays.
 * Line numbers are tracked from papaparse's row-end cursor, so they stay right with `#` comment
 * lines, blank lines and quoted fields that span lines. The first row is kept as strings: only
 * the header phase knows whether it is names or data.
 */
import Papa from 'papaparse';
import { RnnLabError, type ErrorAbout, type Text } from '../errors';
import { FORMATTED_NUMBER_RE, isDecimalComma, MISSING_RE, NUMBER_RE, parseNumber, readDate, type CellFormat } from './csvCells';
import { countChar } from './text';
import { say, type Said } from '../../shared/said';

export const DELIMITERS = [';', '\t', ','];

export interface Dialect {
  delimiter: string;
  linebreak: '\n' | '\r' | '\r\n';
}

export function delimiterName(d: string): Said {
  return d === '\t' ? say('tab') : d === ';' ? say('semicolon') : say('comma');
}

export function badCsv(file: string, line: number | undefined, message: Text, hint: Text, column?: number, about?: ErrorAbout): RnnLabError {
  return new RnnLabError('BAD_CSV', message, hint, { file, line, column }, about);
}

/** Delimiter and line break, guessed by papaparse on a sample (comments and blank lines skipped). */
export function detectDialect(text: string): Dialect {
  let sample = text.length > 65536 ? text.slice(0, 65536) : text;
  if (sample.length < text.length) {
    const cut = Math.max(sample.lastIndexOf('\n'), sample.lastIndexOf('\r'));
    if (cut > 0) sample = sample.slice(0, cut);
  }
  const guess = Papa.parse<string[]>(sample, { comments: '#', skipEmptyLines: true, delimitersToGuess: DELIMITERS, preview: 20 });
  const delimiter = DELIMITERS.includes(guess.meta.delimiter) ? guess.meta.delimiter : ',';
  const linebreak = guess.meta.linebreak === '\r' || guess.meta.linebreak === '\r\n' ? guess.meta.linebreak : '\n';
  return { delimiter, linebreak };
}

/** A cell quoted in a message, with its line. */
export interface CellRef {
  line: number;
  value: string;
}

/** Counts, first examples and values of one column, filled cell by cell. */
export class ColumnAcc {
  values: Float64Array;
  numeric = 0;
  dates = 0;
  /** Non-missing cells that are not dates (numbers included). */
  nonDates = 0;
  text = 0;
  /** Text cells that are formatted numbers (1,234 or $5 or 5%); included in `text`. */
  formatted = 0;
  /** Text cells that are numbers with a decimal comma (1,5); included in `text`. */
  decimalComma = 0;
  missing = 0;
  firstText: CellRef | null = null;
  firstNonDate: CellRef | null = null;
  firstMissing: CellRef | null = null;
  firstDecimalComma: CellRef | null = null;
  /** a/b/yyyy cells whose numbers force a reading: a > 12 (day first) or b > 12 (month first). */
  forcedDayFirst: CellRef | null = null;
  forcedMonthFirst: CellRef | null = null;
  /** a/b/yyyy cells that read both ways. */
  eitherWay: CellRef | null = null;
  /** The day-first reading of those cells (NaN elsewhere); allocated at the first one. */
  dayFirst: Float64Array | null = null;

  constructor(
    capacity: number,
    private readonly format: CellFormat,
  ) {
    this.values = new Float64Array(capacity);
  }

  grow(capacity: number): void {
    const v = new Float64Array(capacity);
    v.set(this.values);
    this.values = v;
    if (this.dayFirst) {
      const d = new Float64Array(capacity).fill(NaN);
      d.set(this.dayFirst);
      this.dayFirst = d;
    }
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
    if (NUMBER_RE.test(s) || (this.format.decimalComma && isDecimalComma(s))) {
      const v = parseNumber(s, this.format);
      if (Number.isFinite(v)) {
        this.values[r] = v;
        this.numeric++;
        this.nonDates++;
        if (!this.firstNonDate) this.firstNonDate = { line, value: raw };
        return;
      }
    }
    this.text++;
    if (!this.firstText) this.firstText = { line, value: raw };
    if (FORMATTED_NUMBER_RE.test(s)) this.formatted++;
    else if (isDecimalComma(s)) {
      this.decimalComma++;
      this.firstDecimalComma ??= { line, value: raw };
    }
    // A column that is mostly not dates cannot be the date column: skip the date parsing. (The
    // slack keeps a date column whose first cells are bad counted, so the bad cell gets named.)
    const [t, sd] = this.nonDates > 2 * this.dates + 8 ? [NaN, null] : readDate(s);
    if (Number.isFinite(t)) {
      this.values[r] = t;
      this.dates++;
      if (sd) this.noteSlash(r, sd.forces, sd.dayFirst, { line, value: raw });
    } else {
      this.values[r] = NaN;
      this.nonDates++;
      if (!this.firstNonDate) this.firstNonDate = { line, value: raw };
    }
  }

  private noteSlash(r: number, forces: 'day-first' | 'month-first' | 'either', dayFirst: number, ref: CellRef): void {
    if (forces === 'day-first') this.forcedDayFirst ??= ref;
    else if (forces === 'month-first') this.forcedMonthFirst ??= ref;
    else {
      this.eitherWay ??= ref;
      this.dayFirst ??= new Float64Array(this.values.length).fill(NaN);
      this.dayFirst[r] = dayFirst;
    }
  }

  /** Row 0 is classified last but comes first in the file: its cells take precedence as "first". */
  addFirst(raw: string, line: number): void {
    const keys = ['firstText', 'firstNonDate', 'firstMissing', 'firstDecimalComma', 'forcedDayFirst', 'forcedMonthFirst', 'eitherWay'] as const;
    const saved = keys.map((k) => this[k]);
    for (const k of keys) this[k] = null;
    this.add(0, raw, line);
    keys.forEach((k, i) => (this[k] ??= saved[i]));
  }

  get allDates(): boolean {
    return this.dates > 0 && this.firstNonDate === null;
  }
}

/** What the rows phase hands on: the first row as strings, the others in the accumulators. */
export interface CsvRows {
  dialect: Dialect;
  /** The first non-blank, non-comment row; slot 0 of the accumulators is kept for it. */
  first: string[];
  firstLine: number;
  /** The last `#` comment before the first row, which may name the columns. */
  lastComment: { text: string; line: number } | null;
  accs: ColumnAcc[];
  /** Source line of each slot (slot 0: the first row). */
  lines: Int32Array;
  /** Slots used, the first row included. */
  count: number;
}

/** Streams the rows of `text` into column accumulators; BAD_CSV for broken quotes and ragged rows, EMPTY_FILE for no rows. */
export function readRows(text: string, dialect: Dialect, file: string, format: CellFormat): CsvRows {
  const { delimiter, linebreak } = dialect;
  const nlCode = linebreak === '\r' ? 13 : 10;
  let pos = 0; // text offset up to which lines have been counted
  let line = 1; // line number at pos
  let lastComment: CsvRows['lastComment'] = null;
  let first: string[] | null = null;
  let firstLine = 0;
  let nCols = 0;
  let accs: ColumnAcc[] = [];
  let count = 0;
  let capacity = 0;
  let lines = new Int32Array(0);
  let failure: RnnLabError | null = null;

  Papa.parse<string[]>(text, {
    delimiter,
    newline: linebreak,
    comments: '#',
    skipEmptyLines: false,
    step: (res, parser) => {
      if (failure) return;
      const end = res.meta.cursor;
      // Comment lines papaparse skipped before this row.
      while (pos < end && text.startsWith('#', pos)) {
        let nl = text.indexOf(linebreak, pos);
        if (nl < 0 || nl > end) nl = end;
        if (first === null) lastComment = { text: text.slice(pos, nl), line };
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
            ? badCsv(file, rowLine, say('A quoted field that starts on line {0} is never closed.', rowLine), say('Add the closing double quote ("), or remove the opening one.'))
            : badCsv(file, rowLine, say('Line {0} cannot be read as CSV: {1}.', rowLine, e.message), say('Check the quotes on that line: a quote inside a quoted field must be doubled ("").'));
        parser.abort();
        return;
      }
      if (row.length === 1 && row[0].trim() === '') return; // blank line

      if (first === null) {
        first = row;
        firstLine = rowLine;
        nCols = row.length;
        capacity = 1024;
        accs = Array.from({ length: nCols }, () => new ColumnAcc(capacity, format));
        lines = new Int32Array(capacity);
        lines[0] = rowLine;
        count = 1;
        return;
      }
      if (row.length !== nCols) {
        let extraBlank = row.length > nCols;
        for (let c = nCols; extraBlank && c < row.length; c++) if (row[c].trim() !== '') extraBlank = false;
        if (!extraBlank) {
          failure = badCsv(
            file,
            rowLine,
            row.length === 1
              ? say('Line {0} has {1} field but line {2} has {3} ({4}-separated).', rowLine, row.length, firstLine, nCols, delimiterName(delimiter))
              : say('Line {0} has {1} fields but line {2} has {3} ({4}-separated).', rowLine, row.length, firstLine, nCols, delimiterName(delimiter)),
            say("Give every row the same number of fields, or comment the line out with '#'."),
          );
          parser.abort();
          return;
        }
      }
      if (count === capacity) {
        capacity *= 2;
        for (const a of accs) a.grow(capacity);
        const l = new Int32Array(capacity);
        l.set(lines);
        lines = l;
      }
      const r = count++;
      lines[r] = rowLine;
      for (let c = 0; c < nCols; c++) accs[c].add(r, row[c], rowLine);
    },
  });
  if (failure) throw failure;
  if (first === null) {
    throw new RnnLabError('EMPTY_FILE', say('{0} has no data rows, only comments or blank lines.', file), say('Add data rows below the comments in {0}.', file), { file });
  }
  return { dialect, first, firstLine, lastComment, accs, lines, count };
}
