/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// (page.evaluate callbacks run in the browser.)
/**
 * The run store in a real VS Code (code-server + Chromium): with no runs, the Runs view's welcome
 * buttons; two forecast runs with different seq_length and a short seq2seq run are listed after a
 * window reload with their figures, drawn by the charts view, and the forecast runs compared (the
 * table marks seq_length as their difference); Re-run with the Same Config makes a new run of the
 * same options; Reveal Run Folder shows it in the Explorer; a training run is drawn live in the
 * charts view; a run whose extension host is killed mid-training is listed as interrupted with its
 * curve so far, the other runs untouched; a run deleted after the modal confirmation loses its
 * folder and only it. Screenshots for the README.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame, Locator, Page } from 'playwright-core';
import {
  acceptProposal,
  closeAllEditors,
  contextMenuCommand,
  errorNotifications,
  examples,
  findFrame,
  launch,
  paletteCommand,
  quickPick,
  reloadWindow,
  runRows,
  runView,
  screenshot,
  startForecast,
  treeSnapshot,
  typeInto,
  waitFor,
  waitForPhase,
  type Env,
} from './harness';

const vsix = process.env.RNN_LAB_VSIX;
const entry = process.env.CODE_SERVER_ENTRY;

/** A run panel that was not on screen before `open` ran: its frame. */
async function newRunPanel(page: Page, open: () => Promise<void>): Promise<Frame> {
  const before = new Set<Frame>();
  for (const f of page.frames()) if (await f.$('body[data-phase] #loss-plot').catch(() => null)) before.add(f);
  await open();
  return waitFor(
    async () => {
      for (const f of page.frames()) if (!before.has(f) && (await f.$('body[data-phase] #loss-plot').catch(() => null))) return f;
      return null;
    },
    60_000,
    'no run panel opened',
  );
}

/** Train Seq2Seq on course-pairs.tsv for `iterations` steps (the course's preset otherwise), to the end. */
async function trainSeq2Seq(page: Page, iterations: number): Promise<void> {
  const run = await newRunPanel(page, async () => {
    await paletteCommand(page, 'RNN Lab: Train Seq2Seq');
    await quickPick(page, 'course-pairs.tsv');
    const setup = await findFrame(page, 'body[data-ready="true"] #f-iterations', 60_000);
    await typeInto(page, setup, 'f-iterations', String(iterations));
    await setup.locator('#start').click();
  });
  const end = await waitForPhase(run, ['done', 'failed', 'cancelled', 'interrupted'], 180_000);
  assert.equal(end.phase, 'done', end.status);
}

async function rowTexts(rows: Locator): Promise<string[]> {
  return rows.evaluateAll((rs) => rs.map((r) => (r as HTMLElement).innerText.replace(/\s+/g, ' ')));
}

/** Right-clicks a run's `row` and picks `title` from its context menu. */
function rowCommand(page: Page, row: Locator, title: string): Promise<void> {
  return contextMenuCommand(page, row, title, 30_000, `no "${title}" in the run's context menu`);
}

describe('runs: tree, charts, compare, interrupted, delete', { skip: !vsix || !entry ? 'set RNN_LAB_VSIX and CODE_SERVER_ENTRY (npm run test:e2e does)' : false }, () => {
  let env: Env;
  let runsDir: string;
  const runFolders = () => (existsSync(runsDir) ? readdirSync(runsDir).filter((n) => !n.startsWith('.')) : []);

  before(async () => {
    env = await launch({ vsix: vsix!, entry: entry! });
    runsDir = join(env.workspace, '.rnnlab', 'runs');
    copyFileSync(join(examples, 'course-pairs.tsv'), join(env.workspace, 'course-pairs.tsv'));
  });

  after(async () => {
    await env?.close();
  });

  test("no runs yet: the Runs view's welcome offers the four ways in, and its buttons run them", { timeout: 120_000 }, async () => {
    const { page } = env;
    assert.deepEqual(runFolders(), []);
    await runRows(page);
    const buttons = page.locator('.pane:has(.pane-header[aria-label^="Runs"]) .welcome-view-content .monaco-button');
    const labels = await waitFor(async () => {
      const b = await buttons.allInnerTexts();
      return b.length === 4 ? b : null;
    }, 30_000, async () => `the welcome shows ${JSON.stringify(await buttons.allInnerTexts())}`);
    assert.deepEqual(labels, ['Forecast a CSV…', 'Train Seq2Seq…', 'Inspect Sequence Packing', 'Open the Examples']);
    // The welcome renders links only: its text shows no markdown of its own.
    const text = await page.locator('.pane:has(.pane-header[aria-label^="Runs"]) .welcome-view-content').innerText();
    assert.match(text, /choose “Forecast with LSTM”, or start here/);
    assert.ok(!/[*_`]/.test(text), text);
    await screenshot(page, 'runs-welcome');
    // Inspect Sequence Packing: the inspector opens on the course's strings.
    await buttons.filter({ hasText: 'Inspect Sequence Packing' }).click();
    const inspector = await findFrame(page, 'body[data-ready="true"] #packed .cell', 60_000);
    assert.equal(await inspector.evaluate(() => document.getElementById('batch-sizes')?.textContent), '[5, 5, 5, 5, 4, 4, 4, 4, 3, 3, 3, 1, 1]');
    await closeAllEditors(page);
    // Train Seq2Seq…: asks for the pair file (course-pairs.tsv is offered).
    await buttons.filter({ hasText: 'Train Seq2Seq…' }).click();
    const picks = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    await waitFor(async () => (await picks.allInnerTexts()).some((t) => t.includes('course-pairs.tsv')), 30_000, async () => `the pick offers ${JSON.stringify(await picks.allInnerTexts())}`);
    await page.keyboard.press('Escape');
    assert.deepEqual(await errorNotifications(page), []);
    // The next test starts from the Explorer.
    await paletteCommand(page, 'View: Show Explorer');
  });

  test('two forecast runs with different seq_length and a seq2seq run: listed after a reload with their figures, drawn, compared', { timeout: 500_000 }, async () => {
    const { page } = env;
    for (const seqLength of [7, 5]) {
      const run = await startForecast(page, 'stock_daily.csv', { epochs: 40, seqLength });
      const end = await waitForPhase(run, ['done', 'failed', 'cancelled', 'interrupted'], 120_000);
      assert.equal(end.phase, 'done', end.status);
      await closeAllEditors(page);
    }
    // Two reports of 1,000 steps: a curve of two points.
    await trainSeq2Seq(page, 2000);
    await closeAllEditors(page);
    assert.equal(runFolders().length, 3);

    await reloadWindow(page);
    const rows = await runRows(page);
    const texts = await waitFor(async () => {
      const t = await rowTexts(rows);
      return t.length === 3 && /token accuracy \d+\.\d% · BLEU \d+\.\d/.test(t[0]) && t.slice(1).every((s) => /RMSE \d/.test(s) && /persistence \d/.test(s)) ? t : null;
    }, 60_000, async () => `the Runs tree shows ${JSON.stringify(await rowTexts(rows))}`);
    assert.ok(texts[0].includes('course-pairs.tsv'), texts[0]);
    assert.ok(texts.slice(1).every((s) => s.includes('stock_daily.csv')), texts.join(' | '));
    await screenshot(page, 'runs-tree');

    // All three selected: the charts view draws a curve for each, the seq2seq run's too.
    await rows.nth(0).click();
    await rows.nth(1).click({ modifiers: ['Control'] });
    await rows.nth(2).click({ modifiers: ['Control'] });
    const charts = await findFrame(page, 'body[data-charts="3"]', 60_000);
    const drawn = await charts.evaluate(() =>
      [...document.querySelectorAll('.chart-card')].map((c) => ({ label: c.querySelector('.chart-label')?.textContent ?? '', curves: c.querySelectorAll('svg.mini-chart polyline').length })),
    );
    assert.equal(drawn.length, 3);
    assert.ok(drawn.every((d) => d.curves >= 1), JSON.stringify(drawn));
    assert.equal(drawn.filter((d) => d.label.startsWith('course-pairs.tsv')).length, 1, JSON.stringify(drawn));
    await screenshot(page, 'runs-charts');

    // The two forecast runs (the seq2seq run is the newest, first).
    await rows.nth(1).click();
    await rows.nth(2).click({ modifiers: ['Control'] });
    await rowCommand(page, rows.nth(2), 'Compare Runs');
    const compare = await findFrame(page, '#configs tr[data-key="seqLength"]', 60_000);
    // Two runs, each a smoothed curve over its faint raw curve.
    await waitFor(async () => (await compare.evaluate(() => document.getElementById('plot')?.dataset.traces)) === '4', 30_000, 'the overlay has 4 traces');
    const differing = await compare.locator('#configs tr.differs:not([data-figure])').evaluateAll((rs) => rs.map((r) => (r as HTMLElement).dataset.key));
    assert.deepEqual(differing, ['seqLength'], 'the table marks seq_length as the difference');
    // Rows are named as the form and the panels name them, each with its run.json key beneath.
    const header = (key: string) => compare.locator(`#configs tr[data-key="${key}"] th`).evaluate((th) => [th.firstChild?.textContent, th.querySelector('.row-key')?.textContent]);
    assert.deepEqual(await header('seqLength'), ['seq_length', 'seqLength']);
    assert.deepEqual(await header('hidden'), ['Hidden size', 'hidden']);
    assert.deepEqual(await header('rmse'), ['Test RMSE', 'rmse']);
    assert.deepEqual(await header('naiveRmse'), ['Persistence RMSE', 'naiveRmse']);
    // The overlay's controls: smoothing 0 draws the raw curves alone; log y; x by wall time. Each
    // is set again until the plot shows it: the panel may still be taking its first message, which
    // sets the controls to the view the host keeps.
    const plot = () =>
      compare.evaluate(() => {
        const d = document.getElementById('plot') as HTMLElement & { layout?: { xaxis?: { title?: { text?: string } }; yaxis?: { type?: string } }; data?: { x: number[] }[] };
        const logY = (document.getElementById('log-y') as HTMLElement & { checked: boolean }).checked;
        return { traces: d.dataset.traces, logY, yType: d.layout?.yaxis?.type, xTitle: d.layout?.xaxis?.title?.text, lastX: Math.max(...(d.data ?? []).map((tr) => tr.x.at(-1) ?? NaN)) };
      });
    const slide = (value: string) =>
      compare.evaluate((v) => {
        const slider = document.getElementById('smoothing') as HTMLInputElement;
        slider.value = v;
        slider.dispatchEvent(new Event('input'));
      }, value);
    const until = async (what: string, shown: (p: Awaited<ReturnType<typeof plot>>) => boolean, set: () => Promise<void>) => {
      await waitFor(
        async () => {
          const p = await plot();
          if (shown(p)) return p;
          await set();
          return null;
        },
        15_000,
        async () => `${what}: ${JSON.stringify(await plot())}`,
        500,
      );
      return plot();
    };
    await until('smoothing 0: the two raw curves, no faint copies', (p) => p.traces === '2', () => slide('0'));
    await until('smoothing 0.6: each smoothed curve over its faint raw one', (p) => p.traces === '4', () => slide('0.6'));
    // Log y from the keyboard: the checkbox takes focus and Space.
    const byStep = await until('log y', (p) => p.yType === 'log', async () => {
      if ((await plot()).logY) return;
      await compare.locator('#log-y').focus();
      await page.keyboard.press('Space');
    });
    assert.equal(byStep.xTitle, 'step');
    const byTime = await until('x by wall time', (p) => p.xTitle === 'seconds since start' && p.yType === 'log', () =>
      compare.evaluate(() => {
        const select = document.getElementById('x-axis') as HTMLElement & { value: string };
        select.value = 'time';
        select.dispatchEvent(new Event('change'));
      }),
    );
    // 40 epochs in seconds, against their steps (each run's last is step 40 or more).
    assert.ok(byStep.lastX >= 40 && byTime.lastX > 0 && byTime.lastX < byStep.lastX, JSON.stringify({ byStep, byTime }));
    // Differences only: the options the runs share go.
    await compare.locator('#diff-only').click();
    await waitFor(async () => (await compare.locator('#configs tr[data-key="hidden"]').count()) === 0, 10_000, 'shared options hidden');
    assert.equal(await compare.locator('#configs tr[data-key="seqLength"]').count(), 1);
    await screenshot(page, 'compare-runs');

    // Export CSV: every line of both runs' metrics.jsonl, through the save dialog.
    await compare.locator('#export-csv').click();
    await acceptProposal(page, /\/rnnlab-metrics\.csv$/);
    const csvFile = join(env.workspace, 'rnnlab-metrics.csv');
    const csv = await waitFor(async () => (existsSync(csvFile) ? readFileSync(csvFile, 'utf8') : null), 30_000, 'no CSV written');
    const csvLines = csv.trim().split('\r\n');
    assert.equal(csvLines[0], 'run,step,epoch,t,loss,valLoss');
    const forecasts = runFolders().filter((f) => JSON.parse(readFileSync(join(runsDir, f, 'run.json'), 'utf8')).kind === 'forecast');
    const stored = forecasts.map((f) => readFileSync(join(runsDir, f, 'metrics.jsonl'), 'utf8').trim().split('\n').length);
    assert.equal(csvLines.length - 1, stored[0] + stored[1], 'every stored line, none thinned');
    await closeAllEditors(page);
  });

  test('Re-run with the Same Config: the setup form comes back filled in, and a new run of the same options is listed; Reveal Run Folder shows it', { timeout: 300_000 }, async () => {
    const { page } = env;
    const rows = await runRows(page);
    const texts = await waitFor(async () => {
      const t = await rowTexts(rows);
      return t.length === 3 ? t : null;
    }, 60_000, async () => `the Runs tree shows ${JSON.stringify(await rowTexts(rows))}`);
    const known = runFolders();
    // The seq_length 5 run: the newer forecast, second in the tree.
    assert.ok(texts[1].includes('stock_daily.csv'), texts[1]);
    const source = known.map((f) => JSON.parse(readFileSync(join(runsDir, f, 'run.json'), 'utf8'))).find((r) => r.kind === 'forecast' && r.config.seqLength === 5);
    assert.ok(source, 'the seq_length 5 run');
    // The run alone selected (the menu offers Re-run for one run only); the click opens its panel, closed again.
    await rows.nth(1).click();
    await findFrame(page, 'body[data-phase] #loss-plot', 60_000);
    await closeAllEditors(page);
    const run = await newRunPanel(page, async () => {
      await rowCommand(page, rows.nth(1), 'Re-run with the Same Config');
      const setup = await findFrame(page, 'body[data-ready="true"] #f-epochs', 60_000);
      const shown = await setup.evaluate(() => ['f-seqLength', 'f-epochs', 'order'].map((id) => (document.getElementById(id) as HTMLElement & { value: string }).value));
      assert.deepEqual(shown, ['5', '40', 'reverse'], 'the form holds the run’s options');
      await setup.locator('#start').click();
    });
    const end = await waitForPhase(run, ['done', 'failed', 'cancelled', 'interrupted'], 120_000);
    assert.equal(end.phase, 'done', end.status);
    const added = runFolders().filter((f) => !known.includes(f));
    assert.equal(added.length, 1, `one new run: ${added.join(', ')}`);
    const again = JSON.parse(readFileSync(join(runsDir, added[0], 'run.json'), 'utf8'));
    assert.deepEqual(again.config, source.config, 'the same options');
    assert.equal(again.dataset.sha256, source.dataset.sha256);
    await waitFor(async () => (await rowTexts(rows)).length === 4, 60_000, async () => `the Runs tree shows ${JSON.stringify(await rowTexts(rows))}`);
    await closeAllEditors(page);

    // Reveal Run Folder: the Explorer shows the new run's folder, selected, and nothing fails.
    await rowCommand(page, rows.nth(0), 'Reveal Run Folder');
    const revealed = page.locator(`.explorer-folders-view .monaco-list-row.selected[aria-label^="${added[0]}"]`);
    await waitFor(async () => (await revealed.count()) === 1, 30_000, async () => {
      await screenshot(page, 'failure-reveal-run');
      return `the Explorer does not show ${added[0]} selected`;
    });
    assert.deepEqual(await errorNotifications(page), []);
  });

  test("a run whose extension host is killed mid-training is interrupted, with its curve so far; the other runs are untouched", { timeout: 400_000 }, async () => {
    const { page } = env;
    const before = treeSnapshot(runsDir);
    const known = runFolders();
    await paletteCommand(page, 'View: Show Explorer');
    const run = await startForecast(page, 'stock_daily.csv', { epochs: 100_000, batchSize: 16 });
    await waitFor(async () => (await runView(run)).points > 5, 120_000, 'training did not start');
    const id = await waitFor(async () => runFolders().find((n) => !known.includes(n)) ?? null, 30_000, 'no run folder made at start');
    const dir = join(runsDir, id);
    // Appended while it trains (flushed every 0.5 s).
    await waitFor(async () => readFileSync(join(dir, 'metrics.jsonl'), 'utf8').split('\n').length > 3, 30_000, 'metrics.jsonl did not grow');
    // The tree shows it training, live.
    const live = await runRows(page);
    await waitFor(async () => (await rowTexts(live)).find((t) => /running · epoch \d+\/100000 · loss \d/.test(t)) ?? null, 60_000, async () => `no running run in ${JSON.stringify(await rowTexts(live))}`);
    // The charts view draws it too, and redraws it as it grows (the feed sends that run alone again).
    const charts = await findFrame(page, 'body[data-charts] svg.mini-chart', 30_000);
    const liveCard = () =>
      charts.evaluate(() => {
        const card = [...document.querySelectorAll('.chart-card')].find((c) => / · running · loss /.test(` · ${c.querySelector('.chart-head .muted')?.textContent ?? ''}`));
        return card ? `${card.querySelector('.chart-head .muted')?.textContent} ${card.querySelector('svg.mini-chart')?.getAttribute('aria-label')}` : null;
      });
    const drawnFirst = await waitFor(liveCard, 30_000, 'the charts view does not draw the running run');
    await waitFor(async () => {
      const now = await liveCard();
      return now !== null && now !== drawnFirst;
    }, 30_000, `the running run's chart is not redrawn: still ${drawnFirst}`);
    const record = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as { status: string; owner: { pid: number } };
    assert.equal(record.status, 'running');
    // The training worker is a thread of the extension host: the owner recorded in run.json.
    process.kill(record.owner.pid, 'SIGKILL');

    await reloadWindow(page);
    const lines = readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').length;
    const rows = await runRows(page);
    const text = await waitFor(async () => (await rowTexts(rows)).find((t) => t.includes('interrupted')) ?? null, 90_000, async () => `no interrupted run in ${JSON.stringify(await rowTexts(rows))}`);
    assert.match(text, new RegExp(`${lines} epochs logged`), `its curve so far: ${text}`);
    const now = treeSnapshot(runsDir);
    for (const [k, v] of Object.entries(before)) assert.equal(now[k], v, `${k} untouched`);
    await screenshot(page, 'runs-interrupted');
  });

  test('Delete Run… after the modal confirmation removes that run folder only', { timeout: 120_000 }, async () => {
    const { page } = env;
    const rows = await runRows(page);
    const texts = await waitFor(async () => {
      const t = await rowTexts(rows);
      return t.length === 5 ? t : null;
    }, 60_000, async () => `the Runs tree shows ${JSON.stringify(await rowTexts(rows))}`);
    const index = texts.findIndex((t) => t.includes('interrupted'));
    const folders = runFolders();
    // The menu's click is sometimes swallowed under load: ask again until the confirmation shows.
    const yes = page.locator('.monaco-dialog-box .monaco-button:has-text("Delete")');
    await waitFor(
      async () => {
        await rowCommand(page, rows.nth(index), 'Delete Run…');
        try {
          await yes.waitFor({ timeout: 5000 });
          return true;
        } catch {
          await page.keyboard.press('Escape');
          return false;
        }
      },
      60_000,
      async () => {
        await screenshot(page, 'failure-delete-run');
        return 'no confirmation dialog for Delete Run…';
      },
      500,
    );
    await yes.click();
    await waitFor(async () => runFolders().length === 4, 30_000, 'the run folder is still there');
    const gone = folders.filter((f) => !runFolders().includes(f));
    assert.equal(gone.length, 1);
    assert.ok(!existsSync(join(runsDir, gone[0])));
    await waitFor(async () => (await rowTexts(rows)).length === 4, 30_000, 'the tree still lists it');
  });
});
