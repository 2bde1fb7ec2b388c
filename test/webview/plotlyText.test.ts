// plotlyText (src/webview/plotlyText.ts) against plotly's own text pipeline, reasoned from its
// source: the regular expressions below are svg_text_utils' and lib's in plotly.js-dist 4.1.1
// (node_modules/plotly.js-dist/plotly.js, `convertToTspans`, `buildSVGText`, `convertEntities`,
// `matchTex`, `templateString`). Plotly itself draws the escaped text in headless Chromium in
// test/e2e/plotlyText.e2e.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { plotlyText, plotlyValues } from '../../src/webview/plotlyText';

const PLOTLY_SOURCE = readFileSync(createRequire(__filename).resolve('plotly.js-dist/plotly.js'), 'utf8');

// Plotly's patterns, each checked to be in the bundle verbatim so an upgrade that changes them fails here.
const SPLIT_TAGS = /(<[^<>]*>)/;
const ONE_TAG = /<(\/?)([^ >]*)(\s+(.*))?>/i;
const ENTITY_MATCH = /&(#\d+|#x[\da-fA-F]+|[a-z]+);/g;
const FIND_TEX = /([^$]*)([$]+[^$]*[$]+)([^$]*)/;
const TEMPLATE_STRING_REGEX = /%{([^\s%{}:]*)([:|\|][^}]*)?}/g;
const ENTITY_TO_UNICODE: Record<string, string> = { mu: '\u03BC', amp: '&', lt: '<', gt: '>', nbsp: '\xA0', times: '\xD7', plusmn: '\xB1', deg: '\xB0' };

test("plotly's text patterns are the ones this test models", () => {
  for (const [name, re] of Object.entries({ SPLIT_TAGS, ONE_TAG, ENTITY_MATCH, FIND_TEX, TEMPLATE_STRING_REGEX })) {
    assert.ok(PLOTLY_SOURCE.includes(`${name} = ${String(re)}`), `${name} = ${re} in plotly.js`);
  }
});

/** What plotly shows for `s` in an SVG label: tags split off, entities decoded in one pass. */
function plotlyShows(s: string): { text: string; tags: string[]; tex: boolean; template: boolean } {
  const parts = s.replace(/(\r\n?|\n)/g, ' ').split(SPLIT_TAGS);
  const tags = parts.filter((p) => ONE_TAG.test(p) && p.startsWith('<'));
  const text = parts
    .filter((p) => !tags.includes(p))
    .map((p) =>
      p.replace(ENTITY_MATCH, (all, inner: string) =>
        inner.startsWith('#') ? String.fromCodePoint(inner[1] === 'x' ? parseInt(inner.slice(2), 16) : parseInt(inner.slice(1), 10)) : (ENTITY_TO_UNICODE[inner] ?? all),
      ),
    )
    .join('');
  return { text, tags, tex: FIND_TEX.test(s), template: new RegExp(TEMPLATE_STRING_REGEX.source).test(s) };
}

const NASTY = [
  'price <a href="https://example.test/">Session expired: sign in</a>',
  '<b>bold</b> <span style="color:red">red</span> <i>x</i><sup>2</sup>',
  'line<br>break <BR/> again',
  'AT&amp;T &lt;b&gt; &#60;b&#62; &#x3c;i&#x3e; &nbsp;&deg;',
  'cost in $ and $x^2$',
  'rate %{x} %{y:.2f} 100%',
  '<<a>>',
  'a < b > c & d',
];

test('dataset text with tags, entities, TeX and templates shows as itself', () => {
  for (const s of NASTY) {
    const escaped = plotlyText(s);
    const shown = plotlyShows(escaped);
    assert.deepEqual(shown.tags, [], `no tags in ${escaped}`);
    assert.equal(shown.tex, false, `no TeX in ${escaped}`);
    assert.equal(shown.template, false, `no template in ${escaped}`);
    assert.equal(shown.text, s, escaped);
  }
  // Unescaped, the same strings are markup: the model above does see it.
  assert.deepEqual(plotlyShows(NASTY[0]).tags, ['<a href="https://example.test/">', '</a>']);
  assert.equal(plotlyShows(NASTY[3]).text, 'AT&T <b> <b> <i> \xA0\xB0');
  assert.equal(plotlyShows(NASTY[4]).tex, true);
  assert.equal(plotlyShows(NASTY[5]).template, true);
});

test('exact escapes: & < > $ % only; plain names, dates and numbers are untouched', () => {
  assert.equal(plotlyText('<a href="x">&</a> $5 10%'), '&lt;a href="x"&gt;&amp;&lt;/a&gt; &#36;5 10&#37;');
  for (const s of ['Close', 'Volume (shares)', '2017-01-03', '2017-01-03T10:00:00.250', 'température “moyenne”', '']) assert.equal(plotlyText(s), s);
  assert.deepEqual(plotlyValues(['2017-01-03', '<b>', 7, 8]), ['2017-01-03', '&lt;b&gt;', 7, 8]);
});

test('any string: no tag, no TeX, no template, and plotly decodes it back (newlines show as spaces)', () => {
  const alphabet = fc.constantFrom('<', '>', '&', ';', '#', '$', '%', '{', '}', '/', '"', "'", ' ', '\n', 'a', 'b', 'r', 'l', 't', 'x', '3', 'c', '=', 'é', '😀');
  fc.assert(
    fc.property(fc.array(alphabet, { maxLength: 40 }).map((cs) => cs.join('')), fc.string({ unit: 'grapheme', maxLength: 20 }), (a, b) => {
      for (const s of [a, b, a + b]) {
        const shown = plotlyShows(plotlyText(s));
        assert.deepEqual(shown.tags, []);
        assert.equal(shown.tex, false);
        assert.equal(shown.template, false);
        assert.equal(shown.text, s.replace(/(\r\n?|\n)/g, ' '));
      }
    }),
    { numRuns: 2000 },
  );
});
