/**
 * Every error the engine raises on purpose is an RnnLabError: it says what went wrong, where
 * (file, line, column when they are known) and how to fix it. The CLI prints `toString()` on one
 * line; the extension shows it in a notification. Anything else that escapes is a bug.
 *
 * Its words keep the options they mention as references (src/shared/errors.ts), and `option` /
 * `suggest` say which option it is about and which value would fix it: `message`, `hint` and
 * `toString()` name options as the CLI does (`--seq-length 7`); `parts` lets another surface name
 * them its own way (the extension's form by its labels).
 */
import { errorLine, renderText, type ErrorCode, type ErrorLocation, type ErrorParts, type Suggestion, type Text } from '../shared/errors';
import { cliName } from '../shared/options/words';

export type { ErrorCode, ErrorLocation, OptionRef, Suggestion, Text } from '../shared/errors';
export { opt, text } from '../shared/errors';

export interface ErrorAbout {
  /** The option key (`seqLength`) the error is about: the form highlights its field. */
  option?: string;
  /** The value that would fix it. */
  suggest?: Suggestion;
}

export class RnnLabError extends Error {
  override readonly name = 'RnnLabError';
  /** What the user can do about it, phrased as an instruction (options named as CLI flags). */
  readonly hint?: string;
  readonly option?: string;
  readonly suggest?: Suggestion;
  /** The words with their option references, for surfaces other than the CLI. */
  readonly parts: ErrorParts;
  constructor(
    readonly code: ErrorCode,
    message: Text,
    hint?: Text,
    readonly location: ErrorLocation = {},
    about: ErrorAbout = {},
  ) {
    super(renderText(message, cliName));
    if (hint !== undefined) this.hint = renderText(hint, cliName);
    this.parts = { message, hint, location };
    this.option = about.option ?? about.suggest?.option;
    this.suggest = about.suggest;
  }

  /** `file:line:col: message. hint` — one line, no stack. */
  override toString(): string {
    return errorLine(this.parts, cliName);
  }
}

export function isRnnLabError(e: unknown): e is RnnLabError {
  return e instanceof RnnLabError;
}
