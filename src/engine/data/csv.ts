/**
 * CSV loading for the forecaster: turns a user's file into a numeric table (row-major
 * Float64Array) plus everything the UI and error messages need (source line of every row, dates,
 * ignored columns and why, per-column stats).
 *
 * `parseCsv` is a pipeline of small phases, each in the module that says what it knows: the cell
 * grammar (csvCells), dialect and rows (csvRows, streaming through papaparse into per-column
 * buffers), header, names, date column and columns (csvColumns), then the missing policy, row
 * order, table and stats (csvTable). Each phase takes the previous one's value and either returns
 * its own or throws an RnnLabError naming file:line:column and the fix.
 *
 * Pure TypeScript: no vscode, no DOM, no tfjs.
 */
import { RnnLabError } from '../errors';
import type { DateFormat, MissingPolicy, RowOrder } from './policy';
import { formatDates } from './csvCells';
import { detectDialect, readRows } from './csvRows';
import { classifyColumns, columnNames, detectHeader, findColumn, findDateColumn, type IgnoredColumn } from './csvColumns';
import { applyMissingPolicy, assembleTable, columnStats, resolveRowOrder } from './csvTable';
import { columnList, decodeText, quoteValue, readInputFile } from './text';
import { say } from '../../shared/said';

export { parseNumber, isMissing, parseDate } from './csvCells';
export { describeIgnored, type IgnoredColumn } from './csvColumns';

export interface CsvOptions {
  /** Path or name of the file, as the user gave it: used in every message. */
  file: string;
  /** What to do with an empty/NA cell in a numeric column. Default 'error'. */
  missing?: MissingPolicy;
  /** Row order. Default 'auto' (oldest-first when the dates say the file is newest-first). */
  order?: RowOrder;
  /** Name of the date/time column. Default: detected (the first column whose cells are all dates). */
  dateColumn?: string;
  /** How a/b/yyyy dates are read. Default 'auto': as the dates show it, an error when they cannot tell. */
  dateFormat?: DateFormat;
  /** Numbers are written with a decimal comma (1,5). Default false. */
  decimalComma?: boolean;
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
  /** 1-based position in the file of each numeric column. */
  positions: number[];
  /** Names of the text (or empty) columns that are not used. */
  ignoredColumns: string[];
  /** The same columns, each with the reason. */
  ignored: IgnoredColumn[];
  order: { detected: 'oldest-first' | 'newest-first' | 'unknown'; reversed: boolean };
  stats: ColumnStats[];
  droppedRows: number;
  filledCells: number;
  delimiter: string;
  /** Line of the header row, or of the `#` comment the names came from; null when named col1..colN. */
  headerLine: number | null;
}

/**
 * Parses CSV text (or bytes) into a numeric table. See `CsvTable` for what comes back; every
 * problem with the file is an RnnLabError naming file:line:column and the fix.
 */
export function parseCsv(input: Buffer | Uint8Array | string, opts: CsvOptions): CsvTable {
  const file = opts.file;
  const policy: MissingPolicy = opts.missing ?? 'error';
  const format = { decimalComma: opts.decimalComma ?? false };
  const text = decodeText(input, file);
  const dialect = detectDialect(text);
  const rows = readRows(text, dialect, file, format);
  const hasHeader = detectHeader(rows, format, file);
  if (!hasHeader) rows.first.forEach((cell, c) => rows.accs[c].addFirst(cell, rows.firstLine));
  const { names, headerLine } = columnNames(rows, hasHeader);
  const start = hasHeader ? 1 : 0;
  const { accs } = rows;
  const date = findDateColumn(accs, names, { file, dateColumn: opts.dateColumn, dateFormat: opts.dateFormat ?? 'auto', headerLine });
  const { numeric, ignored } = classifyColumns(accs, names, date.index, file, dialect.delimiter);
  const dateValues = date.timestamps ? { index: date.index, values: date.timestamps } : null;
  const keptIndex = dateValues ? [...numeric, dateValues.index] : numeric;
  const kept = { index: keptIndex, values: keptIndex.map((c) => (c === date.index && dateValues ? dateValues.values : accs[c].values)), accs: keptIndex.map((c) => accs[c]) };
  const order = applyMissingPolicy(kept, names, start, rows.count, policy, file);
  const rowOrder = resolveRowOrder(order, dateValues?.values ?? null, rows.lines, opts.order ?? 'auto', { file, column: date.index + 1, name: names[date.index] });
  if (rowOrder.reversed) order.reverse();
  const table = assembleTable(order, { index: numeric, values: numeric.map((c) => accs[c].values) }, dateValues, rows.lines, policy, names, file);
  const columns = numeric.map((c) => names[c]);
  return {
    file,
    columns,
    rows: order.length,
    data: table.data,
    lines: table.lines,
    dates: table.timestamps ? formatDates(table.timestamps) : null,
    dateColumn: date.index >= 0 ? names[date.index] : null,
    positions: numeric.map((c) => c + 1),
    ignoredColumns: ignored.map((ig) => ig.column),
    ignored,
    order: rowOrder,
    stats: columnStats(table.data, columns, numeric.map((c) => accs[c].missing)),
    droppedRows: rows.count - start - order.length,
    filledCells: table.filledCells,
    delimiter: dialect.delimiter,
    headerLine,
  };
}

/** Reads a file and parses it with `parseCsv`. */
export async function readCsvFile(path: string, opts: Omit<CsvOptions, 'file'> & { file?: string }): Promise<CsvTable> {
  const file = opts.file ?? path;
  return parseCsv(await readInputFile(path, file, say('CSV file')), { ...opts, file });
}

/**
 * Index of a numeric column by name (exact, else a unique case-insensitive match). Throws
 * UNKNOWN_COLUMN listing the numeric columns, and saying so when the name is a text or date column.
 */
export function columnIndex(table: CsvTable, name: string): number {
  const i = findColumn(table.columns, name);
  if (i >= 0) return i;
  const [file, quoted, list] = [table.file, quoteValue(name), columnList(table.columns)];
  throw new RnnLabError(
    'UNKNOWN_COLUMN',
    table.ignoredColumns.includes(name)
      ? say('{0} has no numeric column named {1}. {1} is a text column, which is not used. Numeric columns: {2}.', file, quoted, list)
      : table.dateColumn === name
        ? say('{0} has no numeric column named {1}. {1} is the date column. Numeric columns: {2}.', file, quoted, list)
        : say('{0} has no numeric column named {1}. Numeric columns: {2}.', file, quoted, list),
    say('Use one of: {0}.', list),
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
