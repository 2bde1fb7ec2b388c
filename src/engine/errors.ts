/**
 * Every error the engine raises on purpose is an RnnLabError: it says what went wrong, where
 * (file, line, column when they are known) and how to fix it. The CLI prints `toString()` on one
 * line; the extension shows it in a notification. Anything else that escapes is a bug.
 */
export interface ErrorLocation {
  /** Path of the offending file, as the user gave it. */
  file?: string;
  /** 1-based line number in that file. */
  line?: number;
  /** 1-based column (field index for CSV cells). */
  column?: number;
}

export type ErrorCode =
  | 'EMPTY_FILE'
  | 'FILE_TOO_LARGE'
  | 'NOT_UTF8'
  | 'BAD_CSV'
  | 'NO_NUMERIC_COLUMN'
  | 'NON_NUMERIC_CELL'
  | 'MISSING_VALUE'
  | 'TOO_FEW_ROWS'
  | 'CONSTANT_COLUMN'
  | 'UNKNOWN_COLUMN'
  | 'BAD_PAIRS'
  | 'NO_PAIRS'
  | 'UNKNOWN_WORD'
  | 'BAD_OPTION'
  | 'NON_FINITE_LOSS'
  | 'CANCELLED'
  | 'BAD_MODEL'
  | 'BAD_SAVE_PATH'
  | 'BACKEND';

export class RnnLabError extends Error {
  override readonly name = 'RnnLabError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** What the user can do about it, phrased as an instruction. */
    readonly hint?: string,
    readonly location: ErrorLocation = {},
  ) {
    super(message);
  }

  /** `file:line:col: message. hint` — one line, no stack. */
  override toString(): string {
    const { file, line, column } = this.location;
    let where = '';
    if (file !== undefined) {
      where = file;
      if (line !== undefined) where += `:${line}`;
      if (line !== undefined && column !== undefined) where += `:${column}`;
      where += ': ';
    }
    return `${where}${this.message}${this.hint ? ` ${this.hint}` : ''}`;
  }
}

export function isRnnLabError(e: unknown): e is RnnLabError {
  return e instanceof RnnLabError;
}
