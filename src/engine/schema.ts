/**
 * Checking the JSON of a model folder field by field. A folder comes from disk and may have been
 * damaged, hand-edited or written by another version, so nothing in it is trusted: each value is
 * read through a Field that knows its file and its path ("model.hidden", "words[4]"), and the first
 * value that does not fit gives one BAD_MODEL line naming both, instead of a TypeError or a
 * typed-array failure deep in the model.
 */
import { RnnLabError } from './errors';
import { allowedWords, isAllowed, type OptionSpec, type OptionTable } from '../shared/options/spec';

const DAMAGED_HINT = 'Save the model again (`rnn-lab … --save DIR` or Save model).';

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  if (s === undefined) return String(v);
  return s.length > 40 ? `${s.slice(0, 37)}…` : s;
}

/** One JSON value of `file`, at `path` ('' for the whole file). */
export class Field {
  constructor(
    readonly file: string,
    readonly value: unknown,
    readonly path = '',
  ) {}

  /** BAD_MODEL naming the file and this field: "`file` is damaged: `path` must be …, got …". */
  fail(must: string): never {
    const what = this.path === '' ? 'it' : `"${this.path}"`;
    const got = this.value === undefined && this.path !== '' ? `${what} is missing (it must be ${must})` : `${what} must be ${must}, got ${show(this.value)}`;
    throw new RnnLabError('BAD_MODEL', `${this.file} is damaged: ${got}.`, DAMAGED_HINT, { file: this.file });
  }

  /** The field `key` of this object. */
  get(key: string): Field {
    if (typeof this.value !== 'object' || this.value === null || Array.isArray(this.value)) this.fail('a JSON object');
    return new Field(this.file, (this.value as Record<string, unknown>)[key], this.path === '' ? key : `${this.path}.${key}`);
  }

  /** This field's items, each a Field. */
  items(opts: { min?: number; max?: number } = {}): Field[] {
    const { min = 0, max = Infinity } = opts;
    const a = this.value;
    if (!Array.isArray(a) || a.length < min || a.length > max) this.fail(`a list of ${min}${max === min ? '' : max === Infinity ? ' or more' : ` to ${max}`} entries`);
    return a.map((v, i) => new Field(this.file, v, `${this.path}[${i}]`));
  }

  /** A whole number in [min, max]. */
  int(min: number, max: number): number {
    const v = this.value;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) this.fail(`a whole number from ${min.toLocaleString('en')} to ${max.toLocaleString('en')}`);
    return v;
  }

  /** A finite number. */
  number(): number {
    if (typeof this.value !== 'number' || !Number.isFinite(this.value)) this.fail('a finite number');
    return this.value;
  }

  string(): string {
    if (typeof this.value !== 'string') this.fail('a string');
    return this.value;
  }

  /** undefined when the field is absent; otherwise `read(this)`. */
  optional<T>(read: (f: Field) => T): T | undefined {
    return this.value === undefined ? undefined : read(this);
  }

  /** A value the option `spec` allows (its type and bounds, from the option tables). */
  option<T>(spec: OptionSpec): T {
    if (!isAllowed(spec, this.value)) this.fail(allowedWords(spec));
    return this.value as T;
  }

  /**
   * A saved options object, checked against the flow's option table: every key of `table` that is
   * present must hold a value the table allows (`required` keys must be present). Keys the table
   * lacks are left alone.
   */
  options(table: OptionTable, required: readonly string[] = []): void {
    for (const [key, spec] of Object.entries(table)) {
      const f = this.get(key);
      if (f.value !== undefined || required.includes(key)) f.option(spec);
    }
  }
}
