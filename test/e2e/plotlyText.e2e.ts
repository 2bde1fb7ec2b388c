/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// (page.evaluate callbacks run in the browser.)
/**
 * Dataset text in real plotly, under the webviews' real CSP, in headless Chromium: a standalone
 * page built by buildWebviewHtml that loads dist/media/plotly.min.js and plotly.css, no VS Code.
 * Names escaped with plotlyText show as themselves in the legend, axis titles, tick and hover
 * labels, with no <a> and no CSP violation; the same names unescaped do become links and styles,
 * so the checks can tell. Also that the CSP's base-uri and form-action are enforced. The run page
 * and the setup form with such names in VS Code itself: forecast.e2e.ts. Needs `npm run build`
 * (npm run test:e2e packages, which builds) and Debian's chromium.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildWebviewHtml, createNonce } from '../../src/extension/core/webviewHtml';
import { plotlyText } from '../../src/webview/plotlyText';
import { repoRoot } from './harness';

const ORIGIN = 'http://rnnlab.test';
const DIST_MEDIA = join(repoRoot, 'dist', 'media');

const NAMES = [
  'price <a href="https://example.test/">Session expired: sign in</a>',
  '<b>volume</b> <span style="color:red">shares</span> <i>x</i><sup>2</sup>',
  'AT&amp;T &lt;b&gt; &#60;i&#62; $x^2$ %{y} 100%',
];

interface Shown {
  links: number;
  styled: number;
  legend: string[];
  ytitle: string;
  ticks: string[];
  hover: string[];
  violations: { directive: string; blockedURI: string }[];
}

describe('dataset text in plotly under the webview CSP', () => {
  let browser: Browser;

  before(async () => {
    assert.ok(existsSync(join(DIST_MEDIA, 'plotly.min.js')), 'dist/media/plotly.min.js is missing: run npm run build');
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });

  after(async () => {
    await browser?.close();
  });

  /** A page as the extension builds it: our CSP, nonce, plotly's script and stylesheet, served from ORIGIN. */
  async function open(body: string): Promise<Page> {
    const page = await browser.newPage();
    const html = buildWebviewHtml({
      cspSource: ORIGIN,
      nonce: createNonce(),
      title: 'plotly text',
      styles: [{ href: `${ORIGIN}/dist/media/plotly.css`, id: 'plotly.js-style-global', className: 'no-inline-styles' }],
      scripts: [{ src: `${ORIGIN}/dist/media/plotly.min.js` }],
      body,
    });
    await page.route(`${ORIGIN}/**`, (route) => {
      const path = new URL(route.request().url()).pathname;
      if (path === '/') return route.fulfill({ contentType: 'text/html', body: html });
      const file = join(DIST_MEDIA, path.replace(/^\/dist\/media\//, ''));
      if (!path.startsWith('/dist/media/') || !existsSync(file)) return route.fulfill({ status: 404 });
      return route.fulfill({ contentType: path.endsWith('.css') ? 'text/css' : 'text/javascript', body: readFileSync(file) });
    });
    // Anything else (example.test) must never be fetched.
    await page.route(/^(?!http:\/\/rnnlab\.test\/)/, (route) => route.abort());
    await page.goto(`${ORIGIN}/`);
    await page.waitForFunction(() => 'Plotly' in window);
    return page;
  }

  /** Draws a chart whose legend, y title, category ticks and hover labels carry `names`; returns what plotly shows. */
  async function draw(page: Page, names: string[]): Promise<Shown> {
    return page.evaluate(async (names) => {
      const P = (window as unknown as { Plotly: { newPlot(d: HTMLElement, t: object[], l: object, c: object): Promise<unknown>; Fx: { hover(d: HTMLElement, p: object[]): void } } }).Plotly;
      const div = document.getElementById('plot') as HTMLElement;
      // Hover text comes in as data (`text`), shown through a fixed template: never spliced into it.
      const traces = names.map((name, i) => ({ type: 'scatter', mode: 'lines+markers', name, x: names, y: [i, i + 1, i + 2], text: names, hovertemplate: '%{text}<extra></extra>' }));
      await P.newPlot(div, traces, { width: 900, height: 500, yaxis: { title: { text: `${names[0]} (original units)` } }, xaxis: { type: 'category' }, hovermode: 'closest' }, { displaylogo: false });
      // (No named helper functions in here: tsx would wrap them in __name(), which the page lacks.)
      // One hover call for every label (plotly drops hover calls that follow within 50 ms).
      P.Fx.hover(div, names.map((_, k) => ({ curveNumber: k, pointNumber: k })));
      const [legend, ytitle, ticks, hover] = ['.legendtext', '.ytitle', '.xtick text', '.hoverlayer .hovertext text.nums'].map((sel) => [...div.querySelectorAll(sel)].map((e) => e.textContent ?? ''));
      // Violations are reported in a task of their own: let it run.
      await new Promise((r) => setTimeout(r, 50));
      const raw = document.documentElement.getAttribute('data-csp-violations');
      return {
        links: div.querySelectorAll('svg a').length,
        styled: div.querySelectorAll('tspan[style]').length,
        legend,
        ytitle: ytitle[0] ?? '',
        ticks,
        hover,
        violations: raw ? (JSON.parse(raw) as Shown['violations']) : [],
      };
    }, names);
  }

  test('escaped names show as themselves: no link, no styled span, no CSP violation', { timeout: 60_000 }, async () => {
    const page = await open('<div id="plot"></div>');
    const shown = await draw(page, NAMES.map(plotlyText));
    assert.equal(shown.links, 0, 'no <a> in the chart');
    assert.equal(shown.styled, 0, 'no styled tspan in the chart');
    assert.deepEqual(shown.legend, NAMES);
    assert.equal(shown.ytitle, `${NAMES[0]} (original units)`);
    assert.deepEqual(shown.ticks, NAMES);
    assert.deepEqual(shown.hover.sort(), [...NAMES].sort());
    assert.deepEqual(shown.violations, []);
    await page.close();
  });

  test('the same names unescaped are markup: the checks above can fail', { timeout: 60_000 }, async () => {
    const page = await open('<div id="plot"></div>');
    const shown = await draw(page, NAMES);
    assert.ok(shown.links > 0, 'plotly made links');
    assert.ok(!shown.legend.includes(NAMES[0]), `legend ${JSON.stringify(shown.legend)}`);
    assert.ok(shown.violations.some((v) => v.directive === 'style-src-attr'), `violations ${JSON.stringify(shown.violations)}`);
    await page.close();
  });

  test("the CSP refuses a <base> and a form's submission", { timeout: 60_000 }, async () => {
    const page = await open('<form id="f" action="https://example.test/collect" method="post"><input name="q" value="1"></form>');
    const result = await page.evaluate(async () => {
      const base = document.createElement('base');
      base.href = 'https://example.test/';
      document.head.append(base);
      const baseURI = document.baseURI;
      (document.getElementById('f') as HTMLFormElement).submit();
      // Violations are reported asynchronously; the page's recorder keeps them in an attribute.
      let violations: { directive: string }[] = [];
      for (let k = 0; k < 50 && violations.length < 2; k++) {
        await new Promise((r) => setTimeout(r, 20));
        violations = JSON.parse(document.documentElement.getAttribute('data-csp-violations') ?? '[]') as { directive: string }[];
      }
      return { baseURI, violations: violations.map((v) => v.directive).sort() };
    });
    assert.equal(result.baseURI, `${ORIGIN}/`, 'the <base> was ignored');
    assert.deepEqual(result.violations, ['base-uri', 'form-action']);
    assert.equal(page.url(), `${ORIGIN}/`, 'the form did not navigate');
    await page.close();
  });
});
