/**
 * What an error is, as every surface sees it: its code, where it happened, and its words with the
 * options it mentions kept as references. The engine raises the errors (RnnLabError, which
 * re-exports these types); the CLI, the extension's form and notifications each name an option in
 * their own words (`--seq-length 7`, “seq_length 7”, `rnnLab.backend`), so no surface rewrites
 * another's text. Imports nothing outside src/shared, so the worker, the host and the webviews
 * can all take it.
 */
import { fill, isSaid, type Said } from './said';

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
  | 'DIVERGED'
  | 'CANCELLED'
  | 'BAD_MODEL'
  /** Try a sentence reached the worker after its run's model was gone. */
  | 'NO_MODEL'
  | 'BAD_SAVE_PATH'
  | 'BACKEND';

/** An option named inside an error's words, optionally with a value (`seqLength` 7). */
export interface OptionRef {
  /** The engine's key of the option (`seqLength`), as in the option tables. */
  option: string;
  value?: string | number | boolean;
}

/** The fix an error proposes, as data: a surface may offer it as a button or fill in the field. */
export type Suggestion = Required<OptionRef>;

/** Words with option references in them, as `text`…`` makes them. */
export type Parts = readonly (string | OptionRef)[];
/**
 * Words, with or without option references: English (a string or `text`…`` parts), or words to be
 * said in the reader's language (`say('Line {0} of {1} has no tab.', line, file)`, src/shared/said.ts),
 * which the host says in the display language and the CLI in English. JSON-safe, so it crosses
 * the worker boundary.
 */
export type Text = string | Parts | Said;

/** How a surface says words made by `say`: the template (its key) and its arguments in words. The CLI's is English. */
export type SayIn = (key: string, args: readonly (string | number)[]) => string;

/** How one surface names an option: the CLI as a flag, the form as its field's label. */
export type OptionNamer = (ref: OptionRef) => string;

/** An option reference to put into `text`…`` words. */
export function opt(option: string, value?: string | number | boolean): OptionRef {
  return value === undefined ? { option } : { option, value };
}

function isRef(x: unknown): x is OptionRef {
  return typeof x === 'object' && x !== null && typeof (x as OptionRef).option === 'string';
}

/**
 * Tagged template for error words: `text`with ${opt('seqLength', 7)} at least 9 are needed``. The
 * option references stay references; every other value becomes text. File names and cell values
 * from the user's data stay plain strings, so nothing in a file can pose as an option.
 */
export function text(strings: TemplateStringsArray, ...values: unknown[]): Parts {
  const parts: (string | OptionRef)[] = [];
  strings.forEach((s, i) => {
    if (s) parts.push(s);
    if (i < values.length) parts.push(isRef(values[i]) ? (values[i] as OptionRef) : String(values[i]));
  });
  return parts;
}

/** The words with every option named by `name`. */
export function renderText(t: Text, name: OptionNamer, sayIn: SayIn = fill): string {
  if (typeof t === 'string') return t;
  if (isSaid(t)) return sayIn(t.key, t.args.map((a) => (typeof a !== 'object' ? a : isSaid(a) ? renderText(a, name, sayIn) : name(a))));
  return t.map((p) => (typeof p === 'string' ? p : name(p))).join('');
}

/** An error's parts as they cross a boundary (the worker → host message carries these). */
export interface ErrorParts {
  message: Text;
  hint?: Text;
  location: ErrorLocation;
}

/** `file:line:col: message hint` on one line, the options named by `name`. */
export function errorLine(e: ErrorParts, name: OptionNamer, sayIn: SayIn = fill): string {
  const { file, line, column } = e.location;
  let where = '';
  if (file !== undefined) {
    where = file;
    if (line !== undefined) where += `:${line}`;
    if (line !== undefined && column !== undefined) where += `:${column}`;
    where += ': ';
  }
  const hint = e.hint === undefined ? '' : renderText(e.hint, name, sayIn);
  return `${where}${renderText(e.message, name, sayIn)}${hint ? ` ${hint}` : ''}`;
}
