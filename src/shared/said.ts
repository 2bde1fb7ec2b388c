/**
 * Words that cross from code without a translator (the run store, which runs in the worker and in
 * plain Node too) to a surface that has one: an English template with `{0}`, `{1}`… placeholders,
 * which is also the key of its translation in l10n/bundle.l10n.<language>.json, and its arguments.
 * The host says them with `said` (extension/core/strings.ts); anything else reads the English.
 * test/helpers/l10nKeys.ts reads every `say('…')` like a `t('…')`, so each key needs its Korean.
 * Imports nothing.
 */
export interface Said {
  key: string;
  args: SaidArg[];
}

/**
 * An argument: a value as it is (a file name, a line number), more words to be said, or an option
 * (src/shared/errors.ts's OptionRef: each surface names it its own way, the CLI as a flag, the form
 * by its field's label).
 */
export type SaidArg = string | number | Said | { option: string; value?: string | number | boolean };

/** True for words made by `say`. */
export function isSaid(x: unknown): x is Said {
  return typeof x === 'object' && x !== null && typeof (x as Said).key === 'string' && Array.isArray((x as Said).args);
}

/** The words of `key` (a string literal, so the bundle check can read it) with its arguments. */
export function say(key: string, ...args: SaidArg[]): Said {
  return { key, args };
}

/** The words in English: the template's placeholders filled, nested words said in English too, options by their key. */
export function saidInEnglish(s: Said): string {
  return fill(s.key, s.args.map((a) => (isSaid(a) ? saidInEnglish(a) : typeof a === 'object' ? a.option : a)));
}

/** `{n}` → the nth argument, as vscode.l10n.t fills them (an absent argument leaves `{n}`). */
export function fill(template: string, args: readonly (string | number)[]): string {
  return template.replace(/\{(\d+)\}/g, (m, i: string) => (Number(i) < args.length ? String(args[Number(i)]) : m));
}
