/**
 * Dataset text for plotly. Plotly draws trace names, axis titles, tick and hover labels through
 * its own pseudo-HTML (svg_text_utils `convertToTspans`): `<a href>` becomes a clickable link,
 * `<b>`, `<span style>` and friends become styled tspans (inline styles, which our CSP blocks),
 * `<br>` breaks the line, `&…;` entities are decoded, a string with `$…$` in it is typeset as TeX
 * when MathJax is present, and names and titles go through `%{…}` templates when a `meta` is set.
 * A column called `price <a href="…">sign in</a>` must show as exactly that, so every string from
 * a file (column names, dates, file names, words, sentences) goes through `plotlyText` on its way
 * into a trace or layout, and into hover labels only as `text`/`customdata`, never spliced into a
 * hovertemplate. Browser-safe and pure, so every webview page can import it.
 */

// Plotly decodes `&amp;` `&lt;` `&gt;` and numeric entities (`&#36;`) in one pass after splitting
// off its tags, so these come back out as the literal characters: `<`/`>` can no longer open a
// tag, an `&` in the data is not read as the start of an entity, `$` cannot start TeX (plotly
// looks for it before decoding), and `%{` cannot start a template.
const PLOTLY_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', $: '&#36;', '%': '&#37;' };

/** `s` as plotly text that renders as `s` itself (newlines, which plotly draws as spaces, aside). */
export function plotlyText(s: string): string {
  return s.replace(/[&<>$%]/g, (c) => PLOTLY_ESCAPES[c]);
}

/** Axis values: strings (dates, categories, words) escaped, numbers as they are. */
export function plotlyValues(values: readonly (string | number)[]): (string | number)[] {
  return values.map((v) => (typeof v === 'string' ? plotlyText(v) : v));
}
