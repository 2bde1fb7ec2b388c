/**
 * The one place that builds webview HTML. Pure (no `vscode` import): the caller passes the
 * webview's `cspSource` and the resource URIs already converted with `asWebviewUri`.
 *
 * The Content Security Policy:
 *  - `default-src 'none'`: nothing loads unless a directive below allows it; no remote content.
 *  - `script-src 'nonce-…'`: only our own script tags run, each carrying a fresh random nonce.
 *    No 'unsafe-eval' (so plotly's WebGL traces, which need it, are not used) and no 'unsafe-inline'.
 *  - `style-src ${cspSource}`: stylesheets only from the extension's files. Plotly normally injects
 *    a <style> element, which this blocks; instead build.mjs extracts plotly's rules into
 *    dist/media/plotly.css, which the page links with id `plotly.js-style-global` and class
 *    `no-inline-styles`, the hook plotly checks before injecting. So the mode bar is styled without
 *    'unsafe-inline'. @vscode-elements uses constructable stylesheets, which style-src does not block.
 *  - images: our files, plus data:/blob: URLs, which plotly's PNG/SVG export draws through.
 *  - `base-uri 'none'` and `form-action 'none'`: default-src does not cover them. Without them
 *    markup that slipped into a page could add a <base> that re-points every relative URL, or a
 *    form that posts to anywhere; our pages use neither (the setup form's submit is handled in
 *    script and never navigates).
 */
import { randomBytes } from 'node:crypto';

/** 128 bits from the OS's CSPRNG, base64: unguessable, unlike Math.random. */
export function createNonce(): string {
  return randomBytes(16).toString('base64');
}

export interface PageSpec {
  /** `webview.cspSource`. */
  cspSource: string;
  nonce: string;
  title: string;
  /** Stylesheet URLs (webview URIs), in order. Each entry may carry an id and class for the <link>. */
  styles: { href: string; id?: string; className?: string }[];
  /** Script URLs (webview URIs), in order. `module` loads it as an ES module. */
  scripts: { src: string; module?: boolean }[];
  /** Static markup of the page body. Must not contain data from files: pages fill that in via textContent. */
  body: string;
  /** The display language (`vscode.env.language`), for `<html lang>`: screen readers and fonts follow it. */
  lang?: string;
  /**
   * The page's strings in the display language (vscode.l10n.bundle), or none for English. Written
   * as JSON into an attribute of <body> (src/webview/l10n.ts reads it), escaped like any attribute,
   * so the strings are there before the page script runs, without a script of their own.
   */
  l10n?: Readonly<Record<string, string>>;
}

export function buildCsp(cspSource: string, nonce: string): string {
  return [
    `default-src 'none'`,
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `img-src ${cspSource} data: blob:`,
    `font-src ${cspSource}`,
    `base-uri 'none'`,
    `form-action 'none'`,
  ].join('; ');
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/**
 * A small inline script (allowed by its nonce) that runs before anything else and records every
 * CSP violation, so pages can report them to the output channel and the e2e test can fail on them.
 */
function violationRecorder(): string {
  return [
    'window.__cspViolations = [];',
    "document.addEventListener('securitypolicyviolation', function (e) {",
    '  window.__cspViolations.push({ directive: e.effectiveDirective || e.violatedDirective, blockedURI: String(e.blockedURI || "") });',
    "  document.documentElement.setAttribute('data-csp-violations', JSON.stringify(window.__cspViolations));",
    '});',
  ].join('\n');
}

export function buildWebviewHtml(spec: PageSpec): string {
  if (!/^[A-Za-z0-9+/=]{16,}$/.test(spec.nonce)) throw new Error('nonce must be base64 from createNonce()');
  const n = escapeHtml(spec.nonce);
  const links = spec.styles
    .map((s) => {
      const id = s.id ? ` id="${escapeHtml(s.id)}"` : '';
      const cls = s.className ? ` class="${escapeHtml(s.className)}"` : '';
      return `<link rel="stylesheet"${id}${cls} href="${escapeHtml(s.href)}">`;
    })
    .join('\n    ');
  const scripts = spec.scripts
    .map((s) => `<script nonce="${n}"${s.module ? ' type="module"' : ''} src="${escapeHtml(s.src)}"></script>`)
    .join('\n    ');
  const lang = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(spec.lang ?? '') ? spec.lang : 'en';
  const l10n = spec.l10n ? ` data-l10n="${escapeHtml(JSON.stringify(spec.l10n))}"` : '';
  return `<!DOCTYPE html>
<html lang="${lang}">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${escapeHtml(buildCsp(spec.cspSource, spec.nonce))}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    <title>${escapeHtml(spec.title)}</title>
    <script nonce="${n}">${violationRecorder()}</script>
    ${links}
  </head>
  <body${l10n}>
    ${spec.body}
    ${scripts}
  </body>
</html>`;
}
