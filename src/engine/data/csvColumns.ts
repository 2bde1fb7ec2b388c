/**
 * The header, names, date-column and columns phases of parseCsv: decide whether the first row
 * names the columns, name them, pick the date column and read its dates the one way the column
 * allows, and sort the rest into numeric and ignored columns, each ignored one with its reason.
 * Every phase takes the rows phase's accumulators and returns a plain value or throws an
 * RnnLabError naming the cell; none of them reads the text again.
 */
import { opt, RnnLabError } from '../errors';
import { say, saidInEnglish, type Said } from '../../shared/said';
import { cellKind, looksLikeDate, NUMBER_RE, type CellFormat } from './csvCells';
import type { DateFormat } from './policy';
import { badCsv, DELIMITERS, delimiterName, type CellRef, type ColumnAcc, type CsvRows } from './csvRows';
import { columnLabel, columnList, quoteValue } from './text';

/** A column parseCsv does not use, and why. */
export interface IgnoredColumn {
  column: string;
  /** 1-based position in the file. */
  position: number;
  /** empty: no values; text: no numbers; mostly-text: some numbers among more text; dates: a second date column. */
  reason: 'empty' | 'text' | 'mostly-text' | 'dates';
  numbers: number;
  textCells: number;
  /** The first text cell, for the message. */
  firstText: CellRef | null;
}

/** One line for the UI and the CLI: why the column is not used. */
export function describeIgnored(ig: IgnoredColumn): string {
  return saidInEnglish(ignoredWords(ig));
}

/** `n number` or `n numbers`, as words. */
function numbersWords(n: number): Said {
  return n === 1 ? say('{0} number', n) : say('{0} numbers', n);
}

/** Why the column is not used, as words to be said (an error quotes it; `describeIgnored` is its English). */
export function ignoredWords(ig: IgnoredColumn): Said {
  const label = columnLabel(ig.column);
  switch (ig.reason) {
    case 'empty':
      return say('{0}: every cell is empty', label);
    case 'dates':
      return say('{0}: dates (another column orders the rows)', label);
    case 'text':
      return say('{0}: text', label);
    case 'mostly-text':
      return ig.firstText
        ? say('{0}: mostly text ({1}, {2}, the first {3} on line {4})', label, numbersWords(ig.numbers), say('{0} text cells', ig.textCells), quoteValue(ig.firstText.value), ig.firstText.line)
        : say('{0}: mostly text ({1}, {2})', label, numbersWords(ig.numbers), say('{0} text cells', ig.textCells));
  }
}

/** Min and max of slots [1, count) of a column, NaN skipped. */
function rangeBelow(a: ColumnAcc, count: number): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (let r = 1; r < count; r++) {
    const v = a.values[r];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return [min, max];
}

/**
 * A first row of whole numbers such as 2019,2020,2021 (years, or 1..n) names the columns when it
 * steps evenly and every value lies far outside its column's values below (farther than twice
 * their range and twice their size): data rows continue their columns, names do not.
 */
function isNumericHeader(rows: CsvRows, format: CellFormat): boolean {
  const { first, accs, count } = rows;
  if (first.length < 2) return false;
  const v = first.map((s) => (cellKind(s, format) === 'number' && NUMBER_RE.test(s.trim()) ? Number(s) : NaN));
  if (!v.every((x) => Number.isInteger(x))) return false;
  const step = v[1] - v[0];
  if (step === 0 || !v.every((x, i) => i === 0 || x - v[i - 1] === step)) return false;
  return accs.every((a, c) => {
    if (a.numeric === 0 || a.text > 0) return false;
    const [min, max] = rangeBelow(a, count);
    const far = 2 * Math.max(max - min, Math.abs(min), Math.abs(max));
    return (v[c] < min || v[c] > max) && Math.min(Math.abs(v[c] - min), Math.abs(v[c] - max)) > far;
  });
}

/** Header phase: does the first row name the columns? EMPTY_FILE for a header with no rows below. */
export function detectHeader(rows: CsvRows, format: CellFormat, file: string): boolean {
  const { first, accs, count, firstLine } = rows;
  const kinds = first.map((s) => cellKind(s, format));
  if (count === 1) {
    if (kinds.every((k) => k === 'text' || k === 'date') && kinds.some((k) => k === 'text')) {
      throw new RnnLabError('EMPTY_FILE', say('{0} has a header (line {1}) but no data rows.', file, firstLine), say('Add data rows below the header in {0}.', file), { file, line: firstLine });
    }
    return false;
  }
  // A name where the column below holds numbers or dates, or names in every column.
  const named = kinds.some((k, c) => k === 'text' && ((accs[c].numeric > 0 && accs[c].numeric >= accs[c].text) || accs[c].allDates));
  return named || kinds.every((k) => k === 'text') || isNumericHeader(rows, format);
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

export function dedupe(names: string[]): string[] {
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
 * Names phase: the header row's names, else those of the last `#` comment when it has one per
 * column, else col1..colN. `headerLine` is where they came from (null for col1..colN).
 */
export function columnNames(rows: Pick<CsvRows, 'first' | 'firstLine' | 'lastComment' | 'dialect'>, hasHeader: boolean): { names: string[]; headerLine: number | null } {
  const n = rows.first.length;
  if (hasHeader) return { names: dedupe(rows.first), headerLine: rows.firstLine };
  const lc = rows.lastComment;
  const fromComment = lc ? namesFromComment(lc.text, n, rows.dialect.delimiter) : null;
  if (fromComment && lc) return { names: dedupe(fromComment), headerLine: lc.line };
  return { names: Array.from({ length: n }, (_, i) => `col${i + 1}`), headerLine: null };
}

/** Exact name, else a unique case-insensitive match; -1 when none. */
export function findColumn(names: readonly string[], name: string): number {
  const i = names.indexOf(name);
  if (i >= 0) return i;
  const lower = name.trim().toLowerCase();
  const hits = names.flatMap((n, k) => (n.toLowerCase() === lower ? [k] : []));
  return hits.length === 1 ? hits[0] : -1;
}

export interface DateColumnOptions {
  file: string;
  dateColumn?: string;
  dateFormat: DateFormat;
  headerLine: number | null;
}

/** The date column's index and its timestamps per slot; index -1 (and no timestamps) without one. */
export interface DateColumn {
  index: number;
  timestamps: Float64Array | null;
}

/** Mostly dates, with some cells that are not: a date column with mistakes, not a text column. */
function mostlyDates(a: ColumnAcc): boolean {
  return a.firstNonDate !== null && a.dates >= 2 && a.dates > a.nonDates;
}

/**
 * Date-column phase: the named column, else the first whose cells are all dates. A column of
 * dates with a few bad cells (2020-02-30) is an error naming the first, not silently text; a/b/yyyy
 * dates are read the one way the whole column allows (see `resolveDateOrder`).
 */
export function findDateColumn(accs: readonly ColumnAcc[], names: readonly string[], o: DateColumnOptions): DateColumn {
  const { file } = o;
  let index: number;
  if (o.dateColumn !== undefined) {
    index = findColumn(names, o.dateColumn);
    if (index < 0) {
      throw new RnnLabError(
        'UNKNOWN_COLUMN',
        say('{0} has no column named {1}. Columns: {2}.', file, quoteValue(o.dateColumn), columnList(names)),
        say('Pass one of those names as the date column, or leave it out to detect dates automatically.'),
        { file, line: o.headerLine ?? undefined },
      );
    }
    const a = accs[index];
    if (!a.allDates) {
      const bad = a.firstNonDate;
      throw badCsv(
        file,
        bad?.line,
        bad ? say('Cell {0} in date column {1} is not a date.', quoteValue(bad.value), quoteValue(names[index])) : say('Date column {0} has no dates.', quoteValue(names[index])),
        say('Write dates as 2017-01-03 (or 2017-01-03 10:00, or 1/3/2017), or choose another date column.'),
        index + 1,
      );
    }
  } else {
    index = accs.findIndex((a) => a.allDates || mostlyDates(a));
    if (index < 0) return { index: -1, timestamps: null };
    const a = accs[index];
    if (!a.allDates && a.firstNonDate) {
      const bad = a.firstNonDate;
      throw badCsv(
        file,
        bad.line,
        looksLikeDate(bad.value)
          ? say('Cell {0} on line {1}, column {2} ({3}) of {4} is not a valid date (there is no such day), though {5} other cells of the column are dates.', quoteValue(bad.value), bad.line, index + 1, quoteValue(names[index]), file, a.dates)
          : say('Cell {0} on line {1}, column {2} ({3}) of {4} is not a date, though {5} other cells of the column are dates.', quoteValue(bad.value), bad.line, index + 1, quoteValue(names[index]), file, a.dates),
        say('Fix the date on line {0} or delete the row. Write dates as 2017-01-03 (or 2017-01-03 10:00, or 1/3/2017).', bad.line),
        index + 1,
      );
    }
  }
  return { index, timestamps: resolveDateOrder(accs[index], names[index], o) };
}

/**
 * Reads a/b/yyyy dates day-first or month-first for the whole column: as `dateFormat` says, else
 * as the cells show it (a first number above 12 means day-first, a second one month-first), else
 * it is ambiguous and the user must say. One cell read one way and the next the other way is how
 * day-first monthly data used to come out as consecutive days.
 */
export function resolveDateOrder(a: ColumnAcc, name: string, o: Pick<DateColumnOptions, 'file' | 'dateFormat'>): Float64Array {
  const { file } = o;
  const col = quoteValue(name);
  const contradiction = (ref: CellRef, reading: Said, other: Said) =>
    badCsv(
      file,
      ref.line,
      say('Date {0} on line {1} in column {2} of {3} can only be read {4}, but {5}.', quoteValue(ref.value), ref.line, col, file, reading, other),
      say('Write every date of the column the same way (2017-01-03 is never ambiguous).'),
    );
  const dayFirstMsg = (ref: CellRef) => say('line {0} ({1}) is day-first', ref.line, quoteValue(ref.value));
  const monthFirstMsg = (ref: CellRef) => say('line {0} ({1}) is month-first', ref.line, quoteValue(ref.value));
  let order: 'day-first' | 'month-first';
  if (o.dateFormat === 'day-first') {
    if (a.forcedMonthFirst) throw contradiction(a.forcedMonthFirst, say('month-first (its second number is above 12)'), say('the date format is day-first'));
    order = 'day-first';
  } else if (o.dateFormat === 'month-first') {
    if (a.forcedDayFirst) throw contradiction(a.forcedDayFirst, say('day-first (its first number is above 12)'), say('the date format is month-first'));
    order = 'month-first';
  } else if (a.forcedDayFirst && a.forcedMonthFirst) {
    const [later, earlier, msg] = a.forcedDayFirst.line > a.forcedMonthFirst.line ? [a.forcedDayFirst, a.forcedMonthFirst, monthFirstMsg] : [a.forcedMonthFirst, a.forcedDayFirst, dayFirstMsg];
    throw contradiction(later, later === a.forcedDayFirst ? say('day-first') : say('month-first'), msg(earlier));
  } else if (a.forcedDayFirst) order = 'day-first';
  else if (a.forcedMonthFirst || !a.eitherWay) order = 'month-first';
  else {
    const ref = a.eitherWay;
    throw badCsv(
      file,
      ref.line,
      say('The dates in column {0} of {1} are ambiguous: {2} on line {3} reads as day/month or month/day, and no date in the column has a number above 12 to tell.', col, file, quoteValue(ref.value), ref.line),
      say('Say which: {0} (31/12/2020) or {1} (12/31/2020).', opt('dateFormat', 'day-first'), opt('dateFormat', 'month-first')),
      undefined,
      { option: 'dateFormat' },
    );
  }
  if (order === 'month-first' || !a.dayFirst) return a.values;
  const t = a.values.slice();
  for (let r = 0; r < t.length; r++) if (!Number.isNaN(a.dayFirst[r])) t[r] = a.dayFirst[r];
  return t;
}

/**
 * Columns phase: numeric columns (numbers and missing cells only) and ignored ones with their
 * reason. A column of numbers with some text is a mistake named by its first text cell
 * (NON_NUMERIC_CELL), and numbers with a decimal comma say which option reads them.
 */
export function classifyColumns(accs: readonly ColumnAcc[], names: readonly string[], dateCol: number, file: string, delimiter: string): { numeric: number[]; ignored: IgnoredColumn[] } {
  const numeric: number[] = [];
  const ignored: IgnoredColumn[] = [];
  let nonNumeric: { c: number; ref: CellRef } | null = null;
  const earlier = (ref: CellRef) => !nonNumeric || ref.line < nonNumeric.ref.line;
  for (let c = 0; c < accs.length; c++) {
    if (c === dateCol) continue;
    const a = accs[c];
    if (a.numeric > 0 && a.text === 0) numeric.push(c);
    else if (a.decimalComma > 0 && a.numeric + a.decimalComma >= a.text - a.decimalComma) {
      const ref = a.firstDecimalComma as CellRef;
      throw new RnnLabError(
        'NON_NUMERIC_CELL',
        a.decimalComma === 1
          ? say('Cell {0} on line {1}, column {2} ({3}) of {4} is a number with a decimal comma ({5} cell of the column are).', quoteValue(ref.value), ref.line, c + 1, quoteValue(names[c]), file, a.decimalComma)
          : say('Cell {0} on line {1}, column {2} ({3}) of {4} is a number with a decimal comma ({5} cells of the column are).', quoteValue(ref.value), ref.line, c + 1, quoteValue(names[c]), file, a.decimalComma),
        say('Pass {0} to read {1} as {2}, or save the file with decimal points.', opt('decimalComma', true), ref.value.trim(), ref.value.trim().replaceAll('.', '').replace(',', '.')),
        { file, line: ref.line, column: c + 1 },
        { suggest: { option: 'decimalComma', value: true } },
      );
    } else if (a.firstText && a.numeric + a.formatted > 0 && a.numeric + a.formatted >= a.text - a.formatted) {
      // Mostly numbers (possibly formatted ones) with some text: a mistake in a numeric column.
      if (earlier(a.firstText)) nonNumeric = { c, ref: a.firstText };
    } else {
      const reason = a.numeric === 0 && a.text === 0 ? 'empty' : a.allDates ? 'dates' : a.numeric === 0 ? 'text' : 'mostly-text';
      ignored.push({ column: names[c], position: c + 1, reason, numbers: a.numeric, textCells: a.text, firstText: a.firstText });
    }
  }
  if (nonNumeric) {
    const { c, ref } = nonNumeric;
    const a = accs[c];
    throw new RnnLabError(
      'NON_NUMERIC_CELL',
      say(
        'Cell {0} on line {1}, column {2} ({3}) of {4} is not a number (the column has {5} and {6}).',
        quoteValue(ref.value),
        ref.line,
        c + 1,
        quoteValue(names[c]),
        file,
        numbersWords(a.numeric),
        a.text === 1 ? say('{0} text cell', a.text) : say('{0} text cells', a.text),
      ),
      a.formatted > 0
        ? say('Write the numbers in column {0} plainly, like 1234.5 (no thousands separators, currency or percent signs: in a spreadsheet, use the General number format), or remove the column.', quoteValue(names[c]))
        : say('Fix or remove the cell on line {0}, or exclude column {1} from the file. Numbers must be plain, like 1234.5 or 1.2e3 (no thousands separators or currency signs).', ref.line, quoteValue(names[c])),
      { file, line: ref.line, column: c + 1 },
    );
  }
  if (numeric.length === 0) {
    throw new RnnLabError(
      'NO_NUMERIC_COLUMN',
      say('{0} has no numeric column: {1}.', file, names.map((n, c) => `${columnLabel(n)} (${c === dateCol ? 'dates' : accs[c].text > 0 ? 'text' : 'empty'})`).join(', ')),
      say('The forecaster needs at least one column of plain numbers (like 1234.5). Check the delimiter (detected: {0}) and that numbers have no thousands separators or currency signs.', delimiterName(delimiter)),
      { file, line: ignored.find((ig) => ig.firstText)?.firstText?.line },
    );
  }
  return { numeric, ignored };
}
