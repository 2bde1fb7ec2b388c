/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// (page.evaluate callbacks run in the browser.)
/**
 * The packing inspector in a real VS Code (code-server 4.100.3 + Chromium): the course's strings
 * with the numbers of lecture 11-6 (batch_sizes, 47 packed against 65 padded steps, the RNN's
 * shapes), hover and keyboard linking across the views, PyTorch's enforce_sorted error, a text
 * file whose lines are markup shown as text, the light and high-contrast themes (each sequence's
 * cells and the pad cells still told apart), and no CSP violation. Run with `npm run test:e2e`.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame } from 'playwright-core';
import { closeAllEditors, colorTheme, cspViolations, explorerCommand, launch, paletteCommand, reloadWindow, repoRoot, screenshot, waitFor, type Env } from './harness';

const vsix = process.env.RNN_LAB_VSIX;
const entry = process.env.CODE_SERVER_ENTRY;

const PYTORCH_ERROR: string = JSON.parse(readFileSync(join(repoRoot, 'test', 'fixtures', 'packing.json'), 'utf8')).enforceSortedError;
const MARKUP_FILE = 'markup_lines.txt';
const MARKUP_LINES = ['<img src=x onerror="window.__pwned=1">', '<b>bold</b> &amp; <script>window.__pwned=2</script>', 'plain'];

/** The inspector frame whose title names `source`, once it has drawn. */
async function inspector(env: Env, source: RegExp): Promise<Frame> {
  return waitFor(
    async () => {
      for (const f of env.page.frames()) {
        if (f.isDetached()) continue;
        const title = await f.evaluate(() => (document.body.dataset.ready === 'true' && document.getElementById('packed') ? document.getElementById('title')?.textContent ?? '' : null)).catch(() => null);
        if (title && source.test(title)) return f;
      }
      return null;
    },
    60_000,
    `no packing inspector showing ${source}`,
  );
}

const textOf = (f: Frame, id: string) => f.evaluate((i) => document.getElementById(i)?.textContent ?? null, id);

describe('packing inspector in code-server', { skip: !vsix || !entry ? 'set RNN_LAB_VSIX and CODE_SERVER_ENTRY (npm run test:e2e does)' : false }, () => {
  let env: Env;

  before(async () => {
    env = await launch({ vsix: vsix!, entry: entry! });
    writeFileSync(join(env.workspace, MARKUP_FILE), `${MARKUP_LINES.join('\n')}\n`);
  });

  after(async () => {
    await env?.close();
  });

  // First: the Explorer's menu is retried until the extension's entries join it, so the palette has them too by the next test.
  test('a text file whose lines are markup: shown as text, nothing runs, no CSP violation', { timeout: 120_000 }, async () => {
    const { page } = env;
    await explorerCommand(page, MARKUP_FILE, 'Inspect Sequence Packing');
    const f = await inspector(env, /markup_lines\.txt/);
    assert.equal(await textOf(f, 'lengths'), `[${MARKUP_LINES.map((l) => [...l].length).join(', ')}]`);
    const texts = await f.evaluate(() => [...document.querySelectorAll('#sequences .seq-text')].map((c) => c.textContent));
    assert.deepEqual(texts, MARKUP_LINES);
    const injected = await f.evaluate(() => ({
      elements: document.querySelectorAll('#content img, #content b, #content script').length,
      pwned: (window as unknown as { __pwned?: number }).__pwned ?? null,
    }));
    assert.deepEqual(injected, { elements: 0, pwned: null });

    // Words instead of characters: `<img` is one token, drawn as text in its cell.
    await f.evaluate(() => {
      const split = document.getElementById('split') as HTMLElement & { value: string };
      split.value = 'words';
      split.dispatchEvent(new Event('change'));
    });
    await waitFor(async () => (await textOf(f, 'lengths')) === '[3, 3, 1]', 30_000, 'not split into words');
    assert.equal(await f.locator('#padded .cell[data-cell="0:0"] .tok').textContent(), '<img');
    assert.equal(await f.evaluate(() => document.querySelectorAll('#content img, #content b, #content script').length), 0);

    // A window reload brings the panel back from the state its page kept: the same file, split into words.
    await reloadWindow(page);
    const revived = await inspector(env, /markup_lines\.txt/);
    assert.equal(await textOf(revived, 'lengths'), '[3, 3, 1]');
    assert.equal(await revived.evaluate(() => (document.getElementById('split') as HTMLElement & { value: string }).value), 'words');

    const violations = await cspViolations(page);
    assert.deepEqual(violations, [], `CSP violations: ${JSON.stringify(violations)}`);
  });

  test("the course's strings: lengths, batch_sizes, 47 / 65 steps, the RNN's shapes, linked cells", { timeout: 180_000 }, async () => {
    const { page } = env;
    await closeAllEditors(page);
    await paletteCommand(page, 'RNN Lab: Inspect Sequence Packing');
    const f = await inspector(env, /course/);

    assert.equal(await textOf(f, 'lengths'), '[11, 8, 11, 4, 13]');
    assert.equal(await textOf(f, 'batch-sizes'), '[5, 5, 5, 5, 4, 4, 4, 4, 3, 3, 3, 1, 1]');
    assert.equal(await textOf(f, 'cost-packed'), '47');
    assert.equal(await textOf(f, 'cost-padded'), '65');
    assert.equal(await textOf(f, 'sorted-indices'), '[4, 0, 2, 1, 3]');
    assert.equal(await textOf(f, 'unsorted-indices'), '[1, 3, 2, 4, 0]');
    assert.equal(await textOf(f, 'shape-padded-output'), '[5, 13, 30]');
    assert.equal(await textOf(f, 'shape-packed-output'), '[47, 30]');
    assert.equal(await textOf(f, 'shape-hidden'), '[1, 5, 30]');
    assert.equal(await f.locator('#packed .cell').count(), 47, 'one strip cell per packed row');
    assert.equal(await f.locator('#padded .cell.pad').count(), 65 - 47, 'pad cells shaded in the padded matrix');

    // Hovering the last packed row (short circuit's final "t", step 12) lights it in every view.
    await f.locator('#packed .cell[data-cell="4:12"]').hover();
    const lit = () =>
      f.evaluate(() =>
        ['padded', 'packed', 'unpacked'].map((id) => [...document.querySelectorAll(`#${id} .cell.linked`)].map((c) => `${(c as HTMLElement).dataset.cell}=${c.querySelector('.tok')?.textContent}`).join(' ')),
      );
    assert.deepEqual(await lit(), ['4:12=t', '4:12=t', '4:12=t']);
    await screenshot(page, 'packing-inspector');

    // The keyboard reaches the cells: each grid is one tab stop, the arrows move within it. (The
    // pointer leaves the page first: a cell under it would take the highlight back when the focus scrolls.)
    await page.mouse.move(0, 0);
    assert.equal(await f.locator('#packed .cell[tabindex="0"]').count(), 1);
    await f.locator('#packed .cell[tabindex="0"]').focus();
    assert.equal(await f.evaluate(() => document.body.dataset.linked), '4:0', 'first packed row: s4 (short circuit) at t=0');
    await page.keyboard.press('ArrowRight');
    assert.equal(await f.evaluate(() => document.body.dataset.linked), '0:0', 'next row of step 0: s0 (hello world)');
    assert.deepEqual(await lit(), ['0:0=h', '0:0=h', '0:0=h']);
    await page.keyboard.press('ArrowDown');
    assert.equal(await f.evaluate(() => document.body.dataset.linked), '0:1', 'same sorted position, next step');

    // enforce_sorted=True with these unsorted lengths: PyTorch's error, in its words.
    await f.locator('#enforceSorted').click();
    const shown = await waitFor(async () => ((await f.evaluate(() => !document.getElementById('sort-error')?.hidden)) ? textOf(f, 'pytorch-error') : null), 30_000, 'no enforce_sorted error shown');
    assert.equal(shown, PYTORCH_ERROR);
    assert.equal(await f.evaluate(() => document.getElementById('packed-section')?.hidden), true, 'nothing packed');
    assert.match((await textOf(f, 'engine-error')) ?? '', /lengths\[1\] = 8 < lengths\[2\] = 11/);
    // Sorting the batch by length lets enforce_sorted pass, with no indices (PyTorch: None).
    await f.locator('#sortByLength').click();
    await waitFor(async () => (await textOf(f, 'sorted-indices')) === 'None' && (await f.evaluate(() => document.getElementById('sort-error')?.hidden)), 30_000, 'sorted batch not packed');
    assert.equal(await textOf(f, 'lengths'), '[13, 11, 11, 8, 4]');

    const violations = await cspViolations(page);
    assert.deepEqual(violations, [], `CSP violations: ${JSON.stringify(violations)}`);
  });

  test('the light and high-contrast themes: the inspector follows them, each sequence and the padding still told apart', { timeout: 180_000 }, async () => {
    const { page } = env;
    await closeAllEditors(page);
    await paletteCommand(page, 'RNN Lab: Inspect Sequence Packing');
    const f = await inspector(env, /course/);
    // How a cell is told apart: its fill, its left edge (the sequence's colour on high contrast), its
    // border style; per sequence of the packed strip, then the padded matrix's pad and real cells.
    // (No named helpers inside evaluate callbacks: tsx would wrap them in __name(), which the page lacks.)
    const looks = () =>
      f.evaluate(() => {
        const groups = ['0', '1', '2', '3', '4'].map((b) => `#packed .cell[data-cell^="${b}:"]`).concat(['#padded .cell.pad', '#padded .cell:not(.pad)']).map((sel) => [
          ...new Set(
            [...document.querySelectorAll(sel)].map((c) => {
              const st = getComputedStyle(c);
              return `${st.backgroundColor} ${st.borderLeftColor} ${st.borderLeftWidth} ${st.borderTopStyle}`;
            }),
          ),
        ]);
        return {
          kind: ['vscode-high-contrast-light', 'vscode-high-contrast', 'vscode-light', 'vscode-dark'].find((k) => document.body.classList.contains(k)) ?? '',
          bySeq: groups.slice(0, 5),
          pad: groups[5],
          real: groups[6],
        };
      });
    let seen: unknown = null;
    try {
      for (const [theme, kind, shot] of [
        ['Light Modern', 'vscode-light', 'packing-light'],
        ['Dark High Contrast', 'vscode-high-contrast', 'packing-high-contrast'],
      ]) {
        await colorTheme(page, theme);
        // The pointer off the page: a hovered cell is highlighted, which is not how it looks.
        await page.mouse.move(0, 0);
        const l = await waitFor(async () => {
          const x = (seen = await looks());
          return x.kind === kind ? x : null;
        }, 30_000, () => `the inspector did not follow ${theme}: ${JSON.stringify(seen)}`);
        // Every cell of a sequence looks alike, and no two sequences alike.
        assert.ok(l.bySeq.every((s) => s.length === 1), `${theme}: ${JSON.stringify(l.bySeq)}`);
        assert.equal(new Set(l.bySeq.map((s) => s[0])).size, 5, `${theme}: five sequences, five looks: ${JSON.stringify(l.bySeq)}`);
        assert.equal(l.pad.length, 1, `${theme}: ${JSON.stringify(l.pad)}`);
        assert.ok(!l.real.includes(l.pad[0]), `${theme}: a pad cell looks like no real cell: ${JSON.stringify(l)}`);
        await f.evaluate(() => document.getElementById('padded')?.scrollIntoView());
        await screenshot(page, shot);
      }
      const violations = await cspViolations(page);
      assert.deepEqual(violations, [], `CSP violations: ${JSON.stringify(violations)}`);
    } finally {
      await page.keyboard.press('Escape');
      await colorTheme(page, 'Dark Modern');
    }
  });
});
