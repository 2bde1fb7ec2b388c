/**
 * The last phases of parseCsv, on the numbers alone: the missing-value policy (which rows stay),
 * the row order (from the dates), the table itself (row-major, forward-filled in time order) and
 * the per-column stats the setup form shows. No cell text is read here.
 */
import { opt, RnnLabError, type ErrorAbout, type Text } from '../errors';
import { say, type Said } from '../../shared/said';
import type { CellRef, ColumnAcc } from './csvRows';
import type { ColumnStats, CsvTable } from './csv';
import type { MissingPolicy, RowOrder } from './policy';
import { quoteValue } from './text';

/** MISSING_VALUE for the cell on `line`, column `c` (0-based): one sentence naming it, then `detail`, a sentence of its own. */
export function missingError(file: string, line: number, c: number, name: string, value: string, detail: Said, hint: Text, about: ErrorAbout): RnnLabError {
  const message =
    value.trim() === ''
      ? say('The cell on line {0}, column {1} ({2}) of {3} is empty: a missing value. {4}', line, c + 1, quoteValue(name), file, detail)
      : say('The cell on line {0}, column {1} ({2}) of {3} is {4}: a missing value. {5}', line, c + 1, quoteValue(name), file, quoteValue(value.trim()), detail);
  return new RnnLabError('MISSING_VALUE', message, hint, { file, line, column: c + 1 }, about);
}

const FIRST_ROW_FFILL = say('It is in the first row (in time order), so {0} has no earlier value to copy.', opt('missing', 'ffill'));

/** The columns the table keeps: their values per slot, and where they are in the file. */
export interface KeptColumns {
  /** File column index of each kept column (numeric ones, then the date column if any). */
  index: number[];
  values: Float64Array[];
  accs: ColumnAcc[];
}

/**
 * Missing-policy phase: the slots [start, count) to keep, in file order. 'error' names the first
 * missing cell, 'drop' leaves out rows with one, 'ffill' keeps them all (the table phase fills).
 */
export function applyMissingPolicy(kept: KeptColumns, names: readonly string[], start: number, count: number, policy: MissingPolicy, file: string): Int32Array {
  if (policy === 'error') {
    let worst: { c: number; ref: CellRef } | null = null;
    kept.accs.forEach((a, k) => {
      const ref = a.firstMissing;
      const c = kept.index[k];
      if (ref && (!worst || ref.line < worst.ref.line || (ref.line === worst.ref.line && c < worst.c))) worst = { c, ref };
    });
    if (worst) {
      const { c, ref } = worst as { c: number; ref: CellRef };
      const total = kept.accs.reduce((k, a) => k + a.missing, 0);
      throw missingError(
        file,
        ref.line,
        c,
        names[c],
        ref.value,
        total === 1 ? say('{0} missing value in all.', total) : say('{0} missing values in all.', total),
        say('Fill in the cell, or use {0} (drop rows with missing values) or {1} (copy the previous row\u2019s value).', opt('missing', 'drop'), opt('missing', 'ffill')),
        { suggest: { option: 'missing', value: 'drop' } },
      );
    }
  }
  const order = new Int32Array(count - start);
  let n = 0;
  for (let r = start; r < count; r++) if (policy !== 'drop' || kept.values.every((v) => !Number.isNaN(v[r]))) order[n++] = r;
  if (n === 0) {
    throw new RnnLabError('MISSING_VALUE', say('Every row of {0} has a missing value, so {1} leaves no rows.', file, opt('missing', 'drop')), say('Use {0}, or fill in the missing cells.', opt('missing', 'ffill')), { file }, { suggest: { option: 'missing', value: 'ffill' } });
  }
  return order.subarray(0, n);
}

/**
 * Order phase: which way the dates run over the kept slots, and whether to reverse them. With
 * order 'auto', dates that go back and forth are an error naming the first line out of step.
 */
export function resolveRowOrder(
  rows: Int32Array,
  timestamps: Float64Array | null,
  lines: Int32Array,
  orderOpt: RowOrder,
  where: { file: string; column: number; name: string },
): CsvTable['order'] {
  let detected: CsvTable['order']['detected'] = 'unknown';
  if (timestamps) {
    let inc = true;
    let dec = true;
    let prev = NaN;
    let prevLine = 0;
    let firstBad: { line: number; prevLine: number } | null = null;
    let dir = 0;
    for (let i = 0; i < rows.length; i++) {
      const t = timestamps[rows[i]];
      if (Number.isNaN(t)) continue;
      if (!Number.isNaN(prev)) {
        if (t > prev) {
          dec = false;
          if (dir === 0) dir = 1;
          else if (dir < 0 && !firstBad) firstBad = { line: lines[rows[i]], prevLine };
        } else if (t < prev) {
          inc = false;
          if (dir === 0) dir = -1;
          else if (dir > 0 && !firstBad) firstBad = { line: lines[rows[i]], prevLine };
        }
      }
      prev = t;
      prevLine = lines[rows[i]];
    }
    if (inc) detected = 'oldest-first';
    else if (dec) detected = 'newest-first';
    else if (orderOpt === 'auto' && firstBad) {
      throw new RnnLabError(
        'BAD_CSV',
        dir > 0
          ? say('The dates in column {0} are not in order: line {1} goes back in time after line {2}.', quoteValue(where.name), firstBad.line, firstBad.prevLine)
          : say('The dates in column {0} are not in order: line {1} goes forward in time after line {2}.', quoteValue(where.name), firstBad.line, firstBad.prevLine),
        say('Sort the file by date (oldest or newest first), or pass {0} to use the rows as they are.', opt('order', 'as-is')),
        { file: where.file, line: firstBad.line, column: where.column },
        { suggest: { option: 'order', value: 'as-is' } },
      );
    }
  }
  return { detected, reversed: orderOpt === 'reverse' || (orderOpt === 'auto' && detected === 'newest-first') };
}

/**
 * Table phase: the row-major numbers, lines and timestamps of the kept slots in their final
 * order; with 'ffill', gaps take the previous row's value in that (time) order.
 */
export function assembleTable(
  rows: Int32Array,
  numeric: { index: number[]; values: Float64Array[] },
  timestamps: { index: number; values: Float64Array } | null,
  lines: Int32Array,
  policy: MissingPolicy,
  names: readonly string[],
  file: string,
): { data: Float64Array; lines: Int32Array; timestamps: Float64Array | null; filledCells: number } {
  const n = rows.length;
  const C = numeric.index.length;
  const data = new Float64Array(n * C);
  const outLines = new Int32Array(n);
  const ts = timestamps ? new Float64Array(n) : null;
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    outLines[i] = lines[r];
    for (let j = 0; j < C; j++) data[i * C + j] = numeric.values[j][r];
    if (ts && timestamps) ts[i] = timestamps.values[r];
  }
  let filledCells = 0;
  if (policy === 'ffill') {
    const firstRow = (c: number, what: 'cell' | 'date') =>
      missingError(
        file,
        outLines[0],
        c,
        names[c],
        '',
        FIRST_ROW_FFILL,
        what === 'cell' ? say('Fill in the cell, or use {0}.', opt('missing', 'drop')) : say('Fill in the date, or use {0}.', opt('missing', 'drop')),
        { suggest: { option: 'missing', value: 'drop' } },
      );
    for (let j = 0; j < C; j++) {
      for (let i = 0; i < n; i++) {
        if (!Number.isNaN(data[i * C + j])) continue;
        if (i === 0) throw firstRow(numeric.index[j], 'cell');
        data[i * C + j] = data[(i - 1) * C + j];
        filledCells++;
      }
    }
    if (ts && timestamps) {
      for (let i = 0; i < n; i++) {
        if (!Number.isNaN(ts[i])) continue;
        if (i === 0) throw firstRow(timestamps.index, 'date');
        ts[i] = ts[i - 1];
        filledCells++;
      }
    }
  }
  return { data, lines: outLines, timestamps: ts, filledCells };
}

/** Stats phase: min and max per column of the final table, and the missing cells in the file. */
export function columnStats(data: Float64Array, columns: readonly string[], missing: readonly number[]): ColumnStats[] {
  const C = columns.length;
  const n = C ? data.length / C : 0;
  return columns.map((column, j) => {
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = data[i * C + j];
      if (v < min) min = v;
      if (v > max) max = v;
    }
    return { column, min, max, missing: missing[j] };
  });
}
