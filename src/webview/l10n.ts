/**
 * The pages' strings, in the display language: the one translator every page imports. The host
 * puts its l10n bundle (vscode.l10n.bundle, absent for English) into the page's shell
 * (core/webviewPage.ts), so the strings are there before the page draws anything, a restored
 * panel included; `t` then reads them through @vscode/l10n, the English text being the key.
 * test/extension/l10n.test.ts scans every `t('…')` of the pages for its Korean entry.
 */
import * as l10n from '@vscode/l10n';
import type { Words } from '../shared/options/spec';

/** The attribute of <body> that carries the bundle, as JSON (webviewHtml.ts writes it). */
const L10N_ATTRIBUTE = 'data-l10n';

function readBundle(): Record<string, string> | null {
  try {
    const parsed: unknown = JSON.parse(document.body.getAttribute(L10N_ATTRIBUTE) ?? 'null');
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
    // Only strings: the bundle is data, and a value of another type would reach the page's text.
    return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    return null;
  }
}

// Absent in Node, where format.ts is tested: the words are then English.
const bundle = typeof document === 'undefined' ? null : readBundle();
if (bundle) l10n.config({ contents: bundle });

export function t(message: string, ...args: (string | number)[]): string {
  return l10n.t(message, ...args);
}

/** An option table's label, help or choice label (src/shared/options holds them in English). */
export function tableText(english: string): string {
  return l10n.t(english);
}

/** The page's words, for what src/shared words (option problems). */
export const WORDS: Words = { t, table: tableText };
