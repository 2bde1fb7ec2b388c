/**
 * Min-max scaling to [0, 1], per column, fitted on the TRAINING rows only.
 *
 * Why train only: the course's lab 11-4 calls its MinMaxScaler on the train set and again on the
 * test set, each with its own min and max. That leaks test information into the inputs (the test
 * scale is computed from future prices) and puts the two sets on different scales: a scaled 0.5
 * means one price in train and another in test, so the model is evaluated on numbers that mean
 * something else than what it learned. Here the scaler is fitted once on rows [0, trainRows) and
 * the same min/max transform every row; test values may fall outside [0, 1], which is honest.
 *
 * The course divides by (max - min + 1e-7); we divide by (max - min) and refuse a constant column,
 * which carries no information and would otherwise turn into zeros (or NaN) silently.
 */
import { RnnLabError } from '../errors';
import { opt } from '../../shared/errors';
import { say, type Said } from '../../shared/said';
import { Field } from '../schema';

/** A column's name, quoted, for a message; `column 3` (quoted too) when the scaler has no names. */
function quotedName(columns: readonly string[] | undefined, c: number): string | Said {
  const name = columns?.[c];
  return name === undefined ? say('"column {0}"', c + 1) : JSON.stringify(name);
}

/** Scaled values beyond ±this many training ranges are refused (see transform). */
export const SCALED_LIMIT = 1e12;

export interface MinMaxScalerJSON {
  min: number[];
  max: number[];
  columns?: string[];
}

export class MinMaxScaler {
  private constructor(
    readonly min: Float64Array,
    readonly max: Float64Array,
    readonly columns?: string[],
  ) {}

  get cols(): number {
    return this.min.length;
  }

  /**
   * Per-column min/max over rows [0, rowEnd) of row-major `data` (rows×cols). Throws
   * CONSTANT_COLUMN when a column has max == min over those rows, and TOO_FEW_ROWS for rowEnd < 1.
   */
  static fit(data: Float64Array | Float32Array, cols: number, rowEnd: number, file?: string, columns?: string[]): MinMaxScaler {
    const rows = Math.floor(data.length / cols);
    if (rowEnd > rows) rowEnd = rows;
    if (rowEnd < 1) {
      throw new RnnLabError(
        'TOO_FEW_ROWS',
        file ? say('No training rows to fit the scaler on ({0}).', file) : say('No training rows to fit the scaler on.'),
        say('Use a larger {0} or a file with more rows.', opt('trainFraction')),
        { file },
        { option: 'trainFraction' },
      );
    }
    const min = new Float64Array(cols).fill(Infinity);
    const max = new Float64Array(cols).fill(-Infinity);
    for (let r = 0; r < rowEnd; r++) {
      const base = r * cols;
      for (let c = 0; c < cols; c++) {
        const v = data[base + c];
        if (v < min[c]) min[c] = v;
        if (v > max[c]) max[c] = v;
      }
    }
    for (let c = 0; c < cols; c++) {
      if (!Number.isFinite(max[c] - min[c])) {
        const name = quotedName(columns, c);
        throw new RnnLabError(
          'NON_NUMERIC_CELL',
          file
            ? say('Column {0} of {1} spans {2} to {3} in the training rows, a range wider than float64 holds.', name, file, min[c], max[c])
            : say('Column {0} spans {1} to {2} in the training rows, a range wider than float64 holds.', name, min[c], max[c]),
          say('Rescale {0} (for example divide it by 1e300), or leave it out of the features (--features).', name),
          { file },
        );
      }
      if (!(max[c] > min[c])) {
        const name = quotedName(columns, c);
        throw new RnnLabError(
          'CONSTANT_COLUMN',
          file
            ? say('Column {0} of {1} has the same value ({2}) in all {3} training rows, so it cannot be scaled and tells the model nothing.', name, file, min[c], rowEnd)
            : say('Column {0} has the same value ({1}) in all {2} training rows, so it cannot be scaled and tells the model nothing.', name, min[c], rowEnd),
          say('Exclude {0} from the features (list the other columns with {1}).', name, opt('features')),
          { file },
          { option: 'features' },
        );
      }
    }
    return new MinMaxScaler(min, max, columns?.slice());
  }

  /**
   * (x - min) / (max - min), per column, over all rows of row-major `data`. A value more than
   * SCALED_LIMIT training ranges away from the training rows (a 1e200 among prices) is refused
   * with its line (`where.lines[row]`, else the row number): in float32 it would overflow the
   * model's products and end as NaN predictions.
   */
  transform(data: Float64Array | Float32Array, where: { file?: string; lines?: ArrayLike<number> } = {}): Float32Array {
    const cols = this.cols;
    const out = new Float32Array(data.length);
    const scale = new Float64Array(cols);
    for (let c = 0; c < cols; c++) scale[c] = 1 / (this.max[c] - this.min[c]);
    for (let i = 0; i < data.length; i += cols) {
      for (let c = 0; c < cols; c++) {
        const v = (data[i + c] - this.min[c]) * scale[c];
        if (!(Math.abs(v) <= SCALED_LIMIT)) this.outOfRange(i / cols, c, data[i + c], where);
        out[i + c] = v;
      }
    }
    return out;
  }

  private outOfRange(row: number, c: number, value: number, where: { file?: string; lines?: ArrayLike<number> }): never {
    const name = quotedName(this.columns, c);
    const line = where.lines?.[row];
    throw new RnnLabError(
      'NON_NUMERIC_CELL',
      line === undefined
        ? say("Row {0} value {1} of column {2} lies too far outside the training rows' range ({3} to {4}) to compute with.", row + 1, value, name, this.min[c], this.max[c])
        : say("The value {0} of column {1} lies too far outside the training rows' range ({2} to {3}) to compute with.", value, name, this.min[c], this.max[c]),
      say('Check that value; if it is real, train on rows that include such values or rescale {0}.', name),
      { file: where.file, line },
    );
  }

  /** Scales one value of column `col`. */
  scale(value: number, col: number): number {
    return (value - this.min[col]) / (this.max[col] - this.min[col]);
  }

  /** Back to original units: value * (max - min) + min. */
  inverse(value: number, col: number): number {
    return value * (this.max[col] - this.min[col]) + this.min[col];
  }

  inverseColumn(arr: ArrayLike<number>, col: number): Float64Array {
    const out = new Float64Array(arr.length);
    const span = this.max[col] - this.min[col];
    const lo = this.min[col];
    for (let i = 0; i < arr.length; i++) out[i] = arr[i] * span + lo;
    return out;
  }

  toJSON(): MinMaxScalerJSON {
    const j: MinMaxScalerJSON = { min: Array.from(this.min), max: Array.from(this.max) };
    if (this.columns) j.columns = this.columns.slice();
    return j;
  }

  /**
   * A saved scaler; `file` names it in the error when a field is damaged (the JSON comes from
   * disk: every value is checked, max > min per column, as fit guarantees).
   */
  static fromJSON(j: unknown, file = 'scaler.json'): MinMaxScaler {
    const root = new Field(file, j);
    const min = root.get('min').items({ min: 1 }).map((f) => f.number());
    const maxFields = root.get('max').items({ min: min.length, max: min.length });
    const max = maxFields.map((f, i) => {
      const v = f.number();
      if (!(v > min[i])) f.fail(`a number above min[${i}] (${min[i]})`);
      return v;
    });
    const columns = root.get('columns').optional((f) => f.items({ min: min.length, max: min.length }).map((c) => c.string()));
    return new MinMaxScaler(Float64Array.from(min), Float64Array.from(max), columns);
  }
}
