/// <reference lib="dom" />
// (page.evaluate callbacks run in the browser.)
/**
 * Open Examples and the vocabulary panel in a real VS Code (code-server 4.100.3 + Chromium): the
 * examples are copied without overwriting the user's file, the course's pairs show 15 source and
 * 11 target words besides the reserved tokens, sorting and filtering work from the keyboard, a
 * word that is markup shows as text, and the page reports no CSP violation.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { clearNotifications, closeAllEditors, cspViolations, examples, findFrame, launch, paletteCommand, paletteOnceRegistered, quickPick, reloadWindow, screenshot, waitFor, type Env } from './harness';

const vsix = process.env.RNN_LAB_VSIX;
const entry = process.env.CODE_SERVER_ENTRY;

/** One token (no spaces) that HTML would read as an image with an onerror handler. */
const MARKUP_WORD = '<img/src=x/onerror=window.__vocabxss=1>';
const USERS_STOCK = 'Date,Close\n2020-01-01,1\n';

async function body(frame: Frame): Promise<Record<string, string>> {
  return frame.evaluate(() => ({ ...document.body.dataset }) as Record<string, string>);
}

async function firstWords(frame: Frame, n: number): Promise<string[]> {
  return frame.evaluate((k) => {
    const rows = [...document.querySelectorAll<HTMLElement>('#spacer .vrow')];
    // Rows are placed by translateY; order them by their place on screen.
    rows.sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top);
    return rows.slice(0, k).map((r) => r.dataset.word ?? '');
  }, n);
}

async function openVocabulary(page: Page, pick?: string): Promise<Frame> {
  await paletteCommand(page, 'RNN Lab: Show Vocabulary');
  if (pick) await quickPick(page, pick);
  return findFrame(page, 'body[data-ready="true"][data-total] #viewport', 60_000);
}

describe('vocabulary panel and Open Examples in code-server', { skip: !vsix || !entry ? 'set RNN_LAB_VSIX and CODE_SERVER_ENTRY (npm run test:e2e does)' : false }, () => {
  let env: Env;

  before(async () => {
    env = await launch({ vsix: vsix!, entry: entry! });
    // The user already has a different stock_daily.csv where the examples go: it must survive.
    mkdirSync(join(env.workspace, 'rnn-lab-examples'), { recursive: true });
    writeFileSync(join(env.workspace, 'rnn-lab-examples', 'stock_daily.csv'), USERS_STOCK);
    writeFileSync(join(env.workspace, 'markup-pairs.tsv'), `hello ${MARKUP_WORD}\tbonjour <b>gras</b>\n`);
  });

  after(async () => {
    await env?.close();
  });

  test('Open Examples copies the examples beside the user\'s own file; the course pairs give 15 and 11 words; sort, filter and minimum count by keyboard', { timeout: 300_000 }, async () => {
    const { page, workspace } = env;
    await paletteOnceRegistered(page, 'RNN Lab: Open Examples');
    // A file of the user's has the name of an example: the modal asks, and the copy takes a free name.
    const copyBeside = page.locator('.monaco-dialog-box .monaco-button:has-text("Copy Beside Them")');
    await copyBeside.waitFor({ timeout: 30_000 });
    assert.match((await page.locator('.monaco-dialog-box').innerText()) ?? '', /stock_daily-2\.csv/);
    await copyBeside.click();
    const dir = join(workspace, 'rnn-lab-examples');
    await waitFor(async () => {
      try {
        return readFileSync(join(dir, 'README.md')).length > 0;
      } catch {
        return false;
      }
    }, 30_000, 'examples were not copied');
    for (const [name, shipped] of [['course-pairs.tsv', 'course-pairs.tsv'], ['kor-eng.txt', 'kor-eng.txt'], ['stock_daily-2.csv', 'stock_daily.csv'], ['README.md', 'README.md']]) {
      assert.ok(readFileSync(join(dir, name)).equals(readFileSync(join(examples, shipped))), `${name} is the shipped ${shipped}`);
    }
    assert.equal(readFileSync(join(dir, 'stock_daily.csv'), 'utf8'), USERS_STOCK, "the user's stock_daily.csv is untouched");
    // The command ends with its notice (after opening the pair file and revealing it in the Explorer).
    await page.locator('.notification-list-item-message:has-text("Copied 4 example files into rnn-lab-examples")').waitFor({ timeout: 30_000 });
    // Open Examples opens the pair file; the palette's Show Vocabulary takes the active editor's file.
    await waitFor(async () => (await page.locator('.part.editor .tab.active').innerText().catch(() => '')).includes('course-pairs.tsv'), 30_000, 'course-pairs.tsv is not the active editor');

    const v = await openVocabulary(page);
    assert.equal((await body(v)).total, '19', '15 source words and the 4 reserved tokens');
    assert.match((await v.locator('#summary').textContent()) ?? '', /4 pairs read, 4 kept.*15 source and 11 target words/);
    assert.deepEqual(await firstWords(v, 6), ['<SOS>', '<EOS>', '<PAD>', '<UNK>', 'i', 'feel']);
    assert.equal(await v.locator('#spacer .vrow.reserved').count(), 4);

    // The target tab by keyboard: focus the selected tab, then the arrow key.
    await v.locator('#tab-source').focus();
    await page.keyboard.press('ArrowRight');
    await waitFor(async () => (await body(v)).side === 'target' && (await body(v)).total === '15', 10_000, 'the target tab did not show 11 words + 4 reserved');
    assert.deepEqual((await firstWords(v, 15)).slice(4), ['나는', '배가', '고프다.', '파이토치는', '매우', '쉽다.', '딥러닝을', '위한', '프레임워크이다.', '사용하기', '직관적이다.']);

    // Sort by count from the keyboard: Tab onto the header button, Enter (most frequent first).
    await v.locator('.vhead .sort[data-sort="word"]').focus();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await waitFor(async () => (await body(v)).sort === 'count-desc', 10_000, 'not sorted by count');
    await waitFor(async () => (await firstWords(v, 2)).join(' ') === '파이토치는 매우', 10_000, async () => `first rows by count: ${(await firstWords(v, 4)).join(' ')}`);
    await page.keyboard.press('Enter');
    await waitFor(async () => (await body(v)).sort === 'count-asc', 10_000, 'Enter again did not reverse the sort');

    // Filter by typing.
    await v.locator('#filter input').focus();
    await page.keyboard.type('다.');
    await waitFor(async () => (await body(v)).shown === '4', 10_000, async () => `filter "다." shows ${(await body(v)).shown}`);
    assert.deepEqual((await firstWords(v, 4)).sort(), ['고프다.', '쉽다.', '직관적이다.', '프레임워크이다.'].sort());
    assert.match((await v.locator('#counts').textContent()) ?? '', /4 of 15 shown/);

    // Minimum count 2: counted by hand, 8 of the 20 source tokens and 5 of the 14 target tokens stay.
    await v.locator('#min-count input').focus();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('2');
    await waitFor(async () => (await v.locator('#coverage').getAttribute('data-min-count')) === '2', 10_000, 'coverage not shown for minimum count 2');
    const coverage = await v.locator('#coverage tbody').innerText();
    assert.match(coverage, /40\.0% \(8 of 20\)\s+12\s+7/);
    assert.match(coverage, /35\.7% \(5 of 14\)\s+9\s+6/);
    await v.locator('#filter input').focus();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Backspace');
    await waitFor(async () => (await body(v)).shown === '15', 10_000, 'clearing the filter did not show every row');
    // The README's picture: the source side in index order at minimum count 2, without the toast.
    await v.locator('#tab-source').click();
    await v.locator('.vhead .sort[data-sort="index"]').click();
    await waitFor(async () => (await body(v)).side === 'source' && (await body(v)).sort === 'index-asc' && (await firstWords(v, 5))[4] === 'i', 10_000, 'source tab in index order');
    await clearNotifications(page);
    await screenshot(page, 'seq2seq-vocabulary');
    assert.deepEqual(await cspViolations(page), []);
  });

  test('a word that is markup shows as the characters it is, and nothing runs', { timeout: 120_000 }, async () => {
    const { page } = env;
    await closeAllEditors(page);
    // No pair file in the active editor: the palette lists the workspace's .tsv and .txt files.
    const v = await openVocabulary(page, 'markup-pairs.tsv');
    assert.equal((await body(v)).total, '6');
    const words = await firstWords(v, 6);
    assert.deepEqual(words.slice(4), ['hello', MARKUP_WORD]);
    const shownText = await v.locator(`#spacer .vrow[data-word="${MARKUP_WORD.replace(/"/g, '\\"')}"] .word`).textContent();
    assert.equal(shownText, MARKUP_WORD);
    assert.equal(await v.evaluate(() => document.querySelectorAll('#spacer img, #spacer b').length), 0, 'no element was made from a word');
    assert.equal(await v.evaluate(() => (window as unknown as { __vocabxss?: number }).__vocabxss), undefined, 'the onerror handler never ran');
    await v.locator('#tab-target').click();
    await waitFor(async () => (await firstWords(v, 6)).slice(4).join(' ') === 'bonjour <b>gras</b>', 10_000, 'the target words are not shown as text');
    assert.deepEqual(await cspViolations(page), []);
  });

  test('the panel survives a window reload: the same file, tab, sort and filter', { timeout: 180_000 }, async () => {
    const { page } = env;
    await closeAllEditors(page);
    const v = await openVocabulary(page, 'rnn-lab-examples/course-pairs.tsv');
    await v.locator('#tab-target').click();
    await v.locator('.vhead .sort[data-sort="count"]').click();
    await v.locator('#filter input').focus();
    await page.keyboard.type('파');
    await waitFor(async () => (await body(v)).shown === '1', 10_000, 'filter "파" did not leave one row');
    await reloadWindow(page);
    const revived = await findFrame(page, 'body[data-ready="true"][data-total] #viewport', 90_000);
    await waitFor(async () => {
      const b = await body(revived);
      return b.side === 'target' && b.sort === 'count-desc' && b.shown === '1' && (await firstWords(revived, 1))[0] === '파이토치는';
    }, 30_000, async () => `revived panel: ${JSON.stringify(await body(revived))}`);
    assert.equal(await revived.evaluate(() => (document.getElementById('filter') as HTMLElement & { value: string }).value), '파');
    assert.match((await revived.locator('#title').textContent()) ?? '', /course-pairs\.tsv/);
    assert.deepEqual(await cspViolations(page), []);
  });
});

describe('the vocabulary panel in Korean', { skip: !vsix || !entry ? 'set RNN_LAB_VSIX and CODE_SERVER_ENTRY (npm run test:e2e does)' : false }, () => {
  let env: Env;

  before(async () => {
    env = await launch({ vsix: vsix!, entry: entry!, locale: 'ko' });
    writeFileSync(join(env.workspace, 'course-pairs.tsv'), readFileSync(join(examples, 'course-pairs.tsv')));
  });

  after(async () => {
    await env?.close();
  });

  test('the command, the tabs, the columns and the counts read in Korean', { timeout: 120_000 }, async () => {
    const { page } = env;
    await paletteOnceRegistered(page, 'RNN Lab: 어휘 보기');
    await quickPick(page, 'course-pairs.tsv');
    const v = await findFrame(page, 'body[data-ready="true"][data-total] #viewport', 60_000);
    assert.equal(await v.locator('#tab-source').textContent(), '원문');
    assert.equal(await v.locator('#tab-target').textContent(), '번역문');
    assert.match((await v.locator('.vhead').innerText()) ?? '', /인덱스[\s\S]*단어[\s\S]*빈도/);
    assert.equal(await v.locator('#counts').textContent(), '전체 19개: 단어 15개와 예약 토큰 4개');
    assert.match((await v.locator('#summary').textContent()) ?? '', /원문 단어 15개, 번역문 단어 11개/);
    assert.deepEqual(await cspViolations(page), []);
  });
});
