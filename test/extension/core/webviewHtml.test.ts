import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCsp, buildWebviewHtml, createNonce, escapeHtml } from '../../../src/extension/core/webviewHtml';

const CSP_SOURCE = 'https://*.vscode-cdn.net';

function page(nonce = createNonce()) {
  return buildWebviewHtml({
    cspSource: CSP_SOURCE,
    nonce,
    title: 'T <x>',
    styles: [{ href: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/media/plotly.css', id: 'plotly.js-style-global', className: 'no-inline-styles' }],
    scripts: [{ src: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/runPage.js', module: true }],
    body: '<main></main>',
  });
}

function csp(html: string): string {
  const m = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html);
  assert.ok(m, 'CSP meta tag present');
  return m[1].replace(/&#39;/g, "'");
}

test('nonces are 128-bit base64 and differ every time', () => {
  const a = createNonce();
  const b = createNonce();
  assert.notEqual(a, b);
  assert.equal(Buffer.from(a, 'base64').length, 16);
});

test('CSP: default-src, base-uri and form-action none, nonce-only scripts, no unsafe-eval or unsafe-inline, no remote hosts', () => {
  const nonce = createNonce();
  const policy = csp(page(nonce));
  const directives = Object.fromEntries(policy.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
  assert.deepEqual(directives['default-src'], ["'none'"]);
  assert.deepEqual(directives['script-src'], [`'nonce-${nonce}'`]);
  assert.deepEqual(directives['style-src'], [CSP_SOURCE]);
  // default-src does not cover these two: without them injected markup could re-point every
  // relative URL with a <base>, or post a form anywhere.
  assert.deepEqual(directives['base-uri'], ["'none'"]);
  assert.deepEqual(directives['form-action'], ["'none'"]);
  assert.ok(!policy.includes('unsafe-eval'));
  assert.ok(!policy.includes('unsafe-inline'));
  assert.ok(!/https?:\/\/(?!\*\.vscode-cdn\.net)/.test(policy), 'no remote origins');
  assert.equal(policy, buildCsp(CSP_SOURCE, nonce));
});

test('every script tag carries the nonce; plotly styles are linked with its opt-out hook', () => {
  const nonce = createNonce();
  const html = page(nonce);
  const scripts = html.match(/<script[^>]*>/g) ?? [];
  assert.ok(scripts.length >= 2);
  for (const s of scripts) assert.ok(s.includes(`nonce="${nonce}"`), s);
  assert.match(html, /<link rel="stylesheet" id="plotly.js-style-global" class="no-inline-styles" href="[^"]+plotly.css">/);
  assert.ok(html.includes('securitypolicyviolation'), 'violation recorder present');
  assert.ok(!/ style="/.test(html), 'no inline style attributes');
});

test('text is escaped; bad nonces are refused', () => {
  assert.ok(page().includes('<title>T &lt;x&gt;</title>'));
  assert.equal(escapeHtml(`<img src=x onerror="a">'`), '&lt;img src=x onerror=&quot;a&quot;&gt;&#39;');
  assert.throws(() => page('abc'), /nonce/);
  assert.throws(() => page('"><script>alert(1)</script>'), /nonce/);
});

test("the display language's strings ride in <body data-l10n>, escaped; English pages carry none", () => {
  const spec = { cspSource: CSP_SOURCE, nonce: createNonce(), title: 't', styles: [], scripts: [], body: '' };
  const l10n = { 'Start training': '학습 시작', 'a "quote"': '</body><script>alert(1)</script> & \'x\'' };
  const html = buildWebviewHtml({ ...spec, lang: 'ko', l10n });
  assert.match(html, /<html lang="ko">/);
  const m = /<body data-l10n="([^"]*)">/.exec(html);
  assert.ok(m, 'the bundle is one attribute of <body>');
  assert.ok(!m[1].includes('<') && !m[1].includes("'"), 'no markup can leave the attribute');
  const decoded = m[1].replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  assert.deepEqual(JSON.parse(decoded), l10n);
  const english = buildWebviewHtml({ ...spec, lang: 'en' });
  assert.match(english, /<html lang="en">/);
  assert.match(english, /<body>/);
  assert.match(buildWebviewHtml({ ...spec, lang: '"><x' }), /<html lang="en">/, 'a strange language tag falls back to en');
});
