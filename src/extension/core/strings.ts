/**
 * Every user-facing string of the extension host goes through `t`, in one place, so that
 * translating them is one change here: `t` becomes `vscode.l10n.t` (same `{0}` placeholders),
 * and the strings become the keys of l10n/bundle.l10n.*.json.
 */
export function t(message: string, ...args: (string | number)[]): string {
  return message.replace(/\{(\d+)\}/g, (whole, k: string) => (Number(k) < args.length ? String(args[Number(k)]) : whole));
}
