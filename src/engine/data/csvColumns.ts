/**
 * The header, names, date-column and columns phases of parseCsv: decide whether the first row
 * names the columns, name them, pick the date column and read its dates the one way the column
 * allows, and sort the rest into numeric and ignored columns, each ignored one with its reason.
 * Every phase takes the rows phase's accumulators and returns a plain value or throws an
 * RnnLabError naming the cell; none of them reads the text again.
 */
import { opt, RnnLabError, text as words } from '../errors';
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
  switch (ig.reason) {
    case 'empty':
      return `${columnLabel(ig.column)}: every cell is empty`;
    case 'dates':
      return `${columnLabel(ig.column)}: dates (another column orders the rows)`;
    case 'text':
      return `${columnLabel(ig.column)}: text`;
    case 'mostly-text':
      return `${columnLabel(ig.column)}: mostly text (${ig.numbers} number${ig.numbers === 1 ? '' : 's'}, ${ig.textCells} text cells${ig.firstText ? `, the first ${quoteValue(ig.firstText.value)} on line ${ig.firstText.line}` : ''})`;
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
      throw new RnnLabError('EMPTY_FILE', `${file} has a header (line ${firstLine}) but no data rows.`, `Add data rows below the header in ${file}.`, { file, line: firstLine });
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

const DATE_HINT = 'Write dates as 2017-01-03 (or 2017-01-03 10:00, or 1/3/2017)';

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
        `${file} has no column named ${quoteValue(o.dateColumn)}. Columns: ${columnList(names)}.`,
        `Pass one of those names as the date column, or leave it out to detect dates automatically.`,
        { file, line: o.headerLine ?? undefined },
      );
    }
    const a = accs[index];
    if (!a.allDates) {
      const bad = a.firstNonDate;
      throw badCsv(
        file,
        bad?.line,
        bad ? `Cell ${quoteValue(bad.value)} in date column ${quoteValue(names[index])} is not a date.` : `Date column ${quoteValue(names[index])} has no dates.`,
        `${DATE_HINT}, or choose another date column.`,
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
        `Cell ${quoteValue(bad.value)} on line ${bad.line}, column ${index + 1} (${quoteValue(names[index])}) of ${file} is not ${looksLikeDate(bad.value) ? 'a valid date (there is no such day)' : 'a date'}, though ${a.dates} other cells of the column are dates.`,
        `Fix the date on line ${bad.line} or delete the row. ${DATE_HINT}.`,
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
  const contradiction = (ref: CellRef, reading: string, other: string) =>
    badCsv(
      file,
      ref.line,
      `Date ${quoteValue(ref.value)} on line ${ref.line} in column ${col} of ${file} can only be read ${reading}, but ${other}.`,
      `Write every date of the column the same way (2017-01-03 is never ambiguous).`,
    );
  const dayFirstMsg = (ref: CellRef) => `line ${ref.line} (${quoteValue(ref.value)}) is day-first`;
  const monthFirstMsg = (ref: CellRef) => `line ${ref.line} (${quoteValue(ref.value)}) is month-first`;
  let order: 'day-first' | 'month-first';
  if (o.dateFormat === 'day-first') {
    if (a.forcedMonthFirst) throw contradiction(a.forcedMonthFirst, 'month-first (its second number is above 12)', 'the date format is day-first');
    order = 'day-first';
  } else if (o.dateFormat === 'month-first') {
    if (a.forcedDayFirst) throw contradiction(a.forcedDayFirst, 'day-first (its first number is above 12)', 'the date format is month-first');
    order = 'month-first';
  } else if (a.forcedDayFirst && a.forcedMonthFirst) {
    const [later, earlier, msg] = a.forcedDayFirst.line > a.forcedMonthFirst.line ? [a.forcedDayFirst, a.forcedMonthFirst, monthFirstMsg] : [a.forcedMonthFirst, a.forcedDayFirst, dayFirstMsg];
    throw contradiction(later, later === a.forcedDayFirst ? 'day-first' : 'month-first', msg(earlier));
  } else if (a.forcedDayFirst) order = 'day-first';
  else if (a.forcedMonthFirst || !a.eitherWay) order = 'month-first';
  else {
    const ref = a.eitherWay;
    throw badCsv(
      file,
      ref.line,
      `The dates in column ${col} of ${file} are ambiguous: ${quoteValue(ref.value)} on line ${ref.line} reads as day/month or month/day, and no date in the column has a number above 12 to tell.`,
      words`Say which: ${opt('dateFormat', 'day-first')} (31/12/2020) or ${opt('dateFormat', 'month-first')} (12/31/2020).`,
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
        `Cell ${quoteValue(ref.value)} on line ${ref.line}, column ${c + 1} (${quoteValue(names[c])}) of ${file} is a number with a decimal comma (${a.decimalComma} cell${a.decimalComma === 1 ? '' : 's'} of the column are).`,
        words`Pass ${opt('decimalComma', true)} to read ${ref.value.trim()} as ${ref.value.trim().replaceAll('.', '').replace(',', '.')}, or save the file with decimal points.`,
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
      `Cell ${quoteValue(ref.value)} on line ${ref.line}, column ${c + 1} (${quoteValue(names[c])}) of ${file} is not a number (the column has ${a.numeric} number${a.numeric === 1 ? '' : 's'} and ${a.text} text cell${a.text === 1 ? '' : 's'}).`,
      a.formatted > 0
        ? `Write the numbers in column ${quoteValue(names[c])} plainly, like 1234.5 (no thousands separators, currency or percent signs: in a spreadsheet, use the General number format), or remove the column.`
        : `Fix or remove the cell on line ${ref.line}, or exclude column ${quoteValue(names[c])} from the file. Numbers must be plain, like 1234.5 or 1.2e3 (no thousands separators or currency signs).`,
      { file, line: ref.line, column: c + 1 },
    );
  }
  if (numeric.length === 0) {
    throw new RnnLabError(
      'NO_NUMERIC_COLUMN',
      `${file} has no numeric column: ${names.map((n, c) => `${columnLabel(n)} (${c === dateCol ? 'dates' : accs[c].text > 0 ? 'text' : 'empty'})`).join(', ')}.`,
      `The forecaster needs at least one column of plain numbers (like 1234.5). Check the delimiter (detected: ${delimiterName(delimiter)}) and that numbers have no thousands separators or currency signs.`,
      { file, line: ignored.find((ig) => ig.firstText)?.firstText?.line },
    );
  }
  return { numeric, ignored };
}
