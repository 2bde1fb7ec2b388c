/**
 * Every user-facing string of the extension host goes through `t`, in one place: it is
 * `vscode.l10n.t`, so the English text is the key and l10n/bundle.l10n.<language>.json holds its
 * translation (`{0}` placeholders as in the English). test/extension/l10n.test.ts scans every
 * call for a literal first argument and fails on a key without its Korean entry.
 *
 * The option tables (src/shared/options) import nothing, so they hold English only; their labels
 * and help are keys of the same bundle and reach the user through `tableText`, whose inputs the
 * test takes from the tables themselves.
 */
import * as vscode from 'vscode';
import type { Words } from '../../shared/options';

export function t(message: string, ...args: (string | number)[]): string {
  return vscode.l10n.t(message, ...args);
}

/** A template of said words (src/shared/said.ts, its key), its arguments already in words, in the display language; the keys are checked as `t`'s are. */
export function sayIn(key: string, args: readonly (string | number)[]): string {
  return vscode.l10n.t(key, ...args);
}

/** An option table's label, help or choice label, in the display language. */
export function tableText(english: string): string {
  return vscode.l10n.t(english);
}

/** The host's words, for what src/shared words (option problems, option names in errors). */
export const WORDS: Words = { t, table: tableText };
