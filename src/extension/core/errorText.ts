/**
 * An error's text for the user, its options named as the form names them (by its translated
 * label, setting, or plainly; not as CLI flags); anything else by its message. One wording for
 * every flow.
 */
import { errorLine, renderText } from '../../shared/errors';
import { formOptionNamer } from '../formLabels';
import { RunFileError } from '../../shared/runs';
import type { Said } from '../../shared/said';
import { sayIn, WORDS } from './strings';
import { WorkerError } from './workerSession';

/** How the notices and the form name an option inside an error: by its translated label, setting, or plainly. */
const FORM_NAMER = formOptionNamer(WORDS);

export function errorText(e: unknown): string {
  if (e instanceof WorkerError && e.wire.parts) return errorLine(e.wire.parts, FORM_NAMER, sayIn);
  if (e instanceof RunFileError) return saidText(e.said);
  return e instanceof Error ? e.message : String(e);
}

/** Words from code without a translator (src/shared/said.ts), in the display language, options named as in errorText. */
export function saidText(s: Said): string {
  return renderText(s, FORM_NAMER, sayIn);
}
