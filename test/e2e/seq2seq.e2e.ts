/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// (page.evaluate callbacks run in the browser.)
/**
 * The seq2seq flow in a real VS Code (code-server + Chromium): the palette's Train Seq2Seq on the
 * course's four pairs with the course's preset, all four translations exact by the end, Try a
 * sentence and Translate… answering 파이토치는 매우 쉽다.; the finished panel's step slider, log
 * scale, unknown words named, Save model and Export CSV/JSON through the save dialog; a pair file
 * of HTML payloads shown as text in the form and the samples with nothing run; the training panel
 * following the light and high-contrast themes with its plots and heatmap readable; and a
 * cancelled run kept by the run store and opened from the Runs tree with its curve so far. Run
 * with `npm run test:e2e`.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { acceptProposal, openFromRunsTree, clearNotifications, closeAllEditors, cspViolations, examples, explorerCommand, extensionLog, findFrame, inColorTheme, launch, luminance, paletteCommand, paletteOnceRegistered, quickPick, reloadWindow, runRows, saveModelThroughDialog, screenshot, typeInto, waitFor, type Env } from './harness';

const vsix = process.env.RNN_LAB_VSIX;
const entry = process.env.CODE_SERVER_ENTRY;

const COURSE = [
  ['i feel hungry.', '나는 배가 고프다.'],
  ['pytorch is very easy.', '파이토치는 매우 쉽다.'],
  ['pytorch is a framework for deep learning.', '파이토치는 딥러닝을 위한 프레임워크이다.'],
  ['pytorch is very clear to use.', '파이토치는 사용하기 매우 직관적이다.'],
];
/** Pairs whose words are markup: a probe variable would be set if any of it ran. */
const MARKUP_PAIRS = 'markup_pairs.tsv';
const PAYLOADS = [
  ['<img src=x onerror=alert(1)>', '<img src=x onerror="window.__rnnLabProbe=1">'],
  ['<a href="https://example.test/">sign in</a>', '<b>bold</b> <script>window.__rnnLabProbe=2</script>'],
];

/** The training panel's state as the page shows it. */
async function panelView(run: Frame) {
  return run.evaluate(() => ({
    phase: document.body.dataset.phase ?? '',
    status: document.getElementById('status')?.textContent ?? '',
    samples: [...document.querySelectorAll('#samples .sample')].map((s) => ({
      source: s.querySelector('.source')?.textContent ?? '',
      reference: s.querySelector('.reference')?.textContent ?? '',
      prediction: s.querySelector('.prediction')?.textContent ?? '',
      correct: (s as HTMLElement).dataset.correct ?? '',
    })),
  }));
}

interface Seq2SeqLook {
  kind: string;
  background: string;
  text: string;
  lossTick: string;
  metricsTick: string;
  heatTick: string;
  colorbar: string;
}

/** The training panel's theme class, its colours, and those plotly drew its axis labels with. */
async function seq2seqLook(run: Frame): Promise<Seq2SeqLook> {
  return run.evaluate(() => {
    const cls = document.body.classList;
    const [lossTick, metricsTick, heatTick] = ['#loss-plot .xtick text', '#metrics-plot .xtick text', '#attention-plot .ytick text'].map((sel) => {
      const e = document.querySelector(sel);
      return e ? getComputedStyle(e).fill : '';
    });
    return {
      kind: ['vscode-high-contrast-light', 'vscode-high-contrast', 'vscode-light', 'vscode-dark'].find((c) => cls.contains(c)) ?? '',
      background: getComputedStyle(document.body).backgroundColor,
      text: getComputedStyle(document.body).color,
      lossTick,
      metricsTick,
      heatTick,
      colorbar: getComputedStyle(document.getElementById('attention-colorbar') as HTMLElement).backgroundImage,
    };
  });
}

async function waitDone(run: Frame, timeoutMs: number) {
  return waitFor(
    async () => {
      const v = await panelView(run);
      return v.phase !== '' && v.phase !== 'training' ? v : null;
    },
    timeoutMs,
    async () => `training did not finish: ${JSON.stringify(await panelView(run).catch(() => null))}`,
    200,
  );
}

/** Elements made from data (markup that should have stayed text), in every frame, shadow roots included. */
async function markupElements(page: Page): Promise<{ elements: string[]; probe: unknown[] }> {
  const elements: string[] = [];
  const probe: unknown[] = [];
  for (const f of page.frames()) {
    if (f.isDetached()) continue;
    const r = await f
      .evaluate(() => {
        const all: Element[] = [];
        const roots: (Document | ShadowRoot)[] = [document];
        for (let root = roots.pop(); root; root = roots.pop()) {
          for (const e of root.querySelectorAll('*')) {
            all.push(e);
            if (e.shadowRoot) roots.push(e.shadowRoot);
          }
        }
        return {
          // Plotly's mode bar is made of <a> buttons of its own.
          found: all
            .filter((e) => !e.closest('.modebar'))
            .filter((e) => ['IMG', 'A', 'B'].includes(e.tagName) || (e.tagName === 'SCRIPT' && (e.textContent ?? '').includes('rnnlabprobe')))
            .map((e) => e.outerHTML),
          // The pair files are lower-cased as the course reads them, so the probe's name is too.
          probe: (window as unknown as { __rnnlabprobe?: unknown }).__rnnlabprobe,
        };
      })
      .catch(() => null);
    if (!r) continue;
    // Only the RNN Lab pages: VS Code's own workbench has links of its own.
    const isOurs = await f.$('body[data-phase], body[data-ready]').catch(() => null);
    if (isOurs) elements.push(...r.found);
    if (r.probe !== undefined) probe.push(r.probe);
  }
  return { elements, probe };
}

/** RNN Lab: Translate… with course-pairs.tsv's run and `pytorch is very easy.`; the notification's text. */
async function translateCommand(page: Page): Promise<string> {
  await clearNotifications(page);
  await paletteOnceRegistered(page, 'RNN Lab: Translate…');
  await quickPick(page, 'course-pairs.tsv');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible' });
  await input.fill('pytorch is very easy.');
  await page.keyboard.press('Enter');
  const answer = await waitFor(
    async () => {
      const texts = await page.locator('.notifications-toasts .notification-list-item-message').allInnerTexts();
      return texts.find((x) => x.includes('파이토치')) ?? null;
    },
    60_000,
    'Translate… showed no translation',
  );
  return answer.trim();
}

describe('seq2seq flow in code-server', { skip: !vsix || !entry ? 'set RNN_LAB_VSIX and CODE_SERVER_ENTRY (npm run test:e2e does)' : false }, () => {
  let env: Env;

  before(async () => {
    env = await launch({ vsix: vsix!, entry: entry! });
    copyFileSync(join(examples, 'course-pairs.tsv'), join(env.workspace, 'course-pairs.tsv'));
    writeFileSync(join(env.workspace, MARKUP_PAIRS), PAYLOADS.map((p) => p.join('\t')).join('\n') + '\n');
  });

  after(async () => {
    await env?.close();
  });

  test("course-pairs.tsv with the course's preset: the numbers before training, four exact translations, Try a sentence, Translate…", { timeout: 300_000 }, async () => {
    const { page } = env;
    await paletteOnceRegistered(page, 'RNN Lab: Train Seq2Seq');
    await quickPick(page, 'course-pairs.tsv');

    const setup = await findFrame(page, 'body[data-ready="true"] #f-iterations', 60_000);
    // (No named helpers inside evaluate callbacks: tsx would wrap them in __name(), which the page lacks.)
    const form = await setup.evaluate(() => {
      return {
        pairs: document.getElementById('pairs')?.textContent ?? '',
        source: document.getElementById('source-vocab')?.textContent ?? '',
        target: document.getElementById('target-vocab')?.textContent ?? '',
        split: document.getElementById('split')?.textContent ?? '',
        example: document.getElementById('example')?.textContent ?? '',
        values: ['f-hidden', 'f-optimizer', 'f-lr', 'f-iterations', 'f-batchSize', 'f-teacherForcing', 'f-attention', 'f-sourceMaxLength', 'f-targetMaxLength', 'f-epochs'].map(
          (id) => (document.getElementById(id) as (HTMLElement & { value: string }) | null)?.value,
        ),
        vocabularyButton: !(document.getElementById('vocabulary') as HTMLElement).hidden,
      };
    });
    assert.equal(form.pairs, 'Read 4 sentence pairs; kept 4.');
    assert.equal(form.source, 'Source vocabulary: 19 tokens = 15 words + <SOS>, <EOS> (the course counts 17) + <PAD>, <UNK>.');
    assert.equal(form.target, 'Target vocabulary: 15 tokens = 11 words + <SOS>, <EOS> (the course counts 13) + <PAD>, <UNK>.');
    assert.match(form.split, /measured on the training pairs/);
    assert.ok(COURSE.some(([s, t]) => form.example === `> ${s}\n= ${t}`), `a course pair: ${form.example}`);
    assert.deepEqual(form.values, ['16', 'sgd', '0.01', '5000', '1', '1', 'none', '10', '12', ''], "the course's preset");
    assert.equal(form.vocabularyButton, true, 'the form offers Vocabulary…');
    await screenshot(page, 'seq2seq-setup');

    await setup.locator('#start').click();
    const run = await findFrame(page, 'body[data-phase] #loss-plot', 60_000);
    const end = await waitDone(run, 180_000);
    assert.equal(end.phase, 'done', end.status);
    assert.match(end.status, /^Done: token accuracy 100\.0%, exact match 100\.0%, BLEU-4 100\.0 on the training pairs/);
    // The samples at the last step: the four course pairs, each translated exactly, <EOS> shown.
    assert.deepEqual(
      end.samples.map((s) => [s.source, s.reference, s.prediction, s.correct]).sort(),
      COURSE.map(([s, t]) => [`> ${s}`, `= ${t}`, `< ${t} <EOS>`, `${t.split(' ').length + 1}/${t.split(' ').length + 1}`]).sort(),
    );
    const curves = await run.evaluate(() => ({ loss: Number(document.getElementById('loss-plot')?.dataset.points), metrics: Number(document.getElementById('metrics-plot')?.dataset.points), steps: Number((document.getElementById('step') as HTMLInputElement).max) + 1 }));
    assert.ok(curves.loss >= 5, `loss points ${curves.loss}`);
    assert.equal(curves.metrics, 5, 'metrics every 1,000 steps');
    assert.equal(curves.steps, 5, 'the slider reaches the five sample sets');
    await screenshot(page, 'seq2seq-training');
    // The course's progress lines, as it prints them, in the output channel.
    const log = await waitFor(async () => extensionLog(env.userDataDir)?.match(/\[5000 - 100\.0%\] loss = \d\.\d{4}/) && extensionLog(env.userDataDir), 30_000, 'no course progress line in the log');
    assert.match(log, /\[1000 - 20\.0%\] loss = \d\.\d{4}/);

    // Try a sentence, with the model of the finished run.
    await run.locator('#try-input').click();
    await page.keyboard.type('pytorch is very easy.');
    await run.locator('#try-go').click();
    const tried = await waitFor(async () => run.evaluate(() => document.getElementById('try-output')?.dataset.prediction ?? null), 60_000, 'Try a sentence gave no translation');
    assert.equal(tried, '파이토치는 매우 쉽다.');
    await run.evaluate(() => document.getElementById('samples-title')?.scrollIntoView());
    await screenshot(page, 'seq2seq-samples');

    // RNN Lab: Translate… with the run just stored (the latest model).
    assert.equal(await translateCommand(page), '파이토치는 매우 쉽다.');

    const violations = await cspViolations(page);
    assert.deepEqual(violations, [], `CSP violations: ${JSON.stringify(violations)}`);
  });

  test('after a window reload: the panel comes back with its samples, Try a sentence and Translate… still answer', { timeout: 240_000 }, async () => {
    const { page } = env;
    const before = await panelView(await findFrame(page, 'body[data-phase="done"] #samples .sample'));
    await reloadWindow(page);
    const revived = await findFrame(page, 'body[data-phase="done"] #samples .sample', 90_000);
    const after = await panelView(revived);
    assert.deepEqual(after.samples, before.samples, 'the samples are restored');
    assert.equal(after.status, before.status);
    await revived.locator('#try-input').click();
    await page.keyboard.type('pytorch is very easy.');
    await revived.locator('#try-go').click();
    const tried = await waitFor(async () => revived.evaluate(() => document.getElementById('try-output')?.dataset.prediction ?? null), 60_000, 'Try a sentence gave no translation after the reload');
    assert.equal(tried, '파이토치는 매우 쉽다.', 'translated with the stored run’s model');
    assert.equal(await translateCommand(page), '파이토치는 매우 쉽다.');
  });

  test('the finished panel: the step slider reads earlier samples, log scale, words not in the vocabulary, Save model, Export CSV and JSON', { timeout: 240_000 }, async () => {
    const { page, workspace } = env;
    const run = await findFrame(page, 'body[data-phase="done"] #samples .sample');
    const atSlider = (value: 'first' | 'last') =>
      run.evaluate((v) => {
        const slider = document.getElementById('step') as HTMLInputElement;
        slider.value = v === 'first' ? slider.min : slider.max;
        slider.dispatchEvent(new Event('input'));
        return { label: document.getElementById('step-value')?.textContent ?? '', rows: document.querySelectorAll('#samples .sample').length };
      }, value);
    const first = await atSlider('first');
    assert.match(first.label, /^samples at step 1000 \(1 of 5\)$/);
    assert.equal(first.rows, 4, "step 1,000's four samples");
    assert.match((await atSlider('last')).label, /^samples at step 5000 \(5 of 5\)$/);

    const yType = () => run.evaluate(() => (document.getElementById('loss-plot') as HTMLElement & { layout?: { yaxis?: { type?: string } } }).layout?.yaxis?.type ?? '');
    await run.locator('#log-scale').click();
    await waitFor(async () => (await yType()) === 'log', 10_000, 'the loss axis did not turn logarithmic');
    await run.locator('#log-scale').click();
    await waitFor(async () => (await yType()) === 'linear', 10_000, 'the loss axis did not turn linear again');

    // A word the course never saw is read as <UNK> and named; never an error.
    await typeInto(page, run, 'try-input', 'pytorch is very hard.');
    await run.locator('#try-go').click();
    const unknown = await waitFor(async () => run.evaluate(() => document.getElementById('try-unknown')?.textContent?.match(/<UNK>.*/)?.[0] ?? null), 60_000, 'Try a sentence named no unknown word');
    assert.match(unknown, /^<UNK>: hard/, 'Not in the vocabulary, read as <UNK>: hard');

    // Save model: a translator folder under models/, through the save dialog.
    await run.locator('#save-model:not([disabled])').click();
    const saved = await saveModelThroughDialog(page, workspace, /\/models\/course-pairs-seq2seq-[\d-]+$/, ['config.json', 'model.safetensors', 'run.json']);
    assert.equal((JSON.parse(readFileSync(join(saved, 'run.json'), 'utf8')) as { kind: string }).kind, 'seq2seq', 'the run it came from goes along');
    await waitFor(async () => /models\//.test((await run.locator('#status').textContent()) ?? ''), 30_000, 'the panel does not say where the model went');

    // Export: CSV and JSON through the host's save dialog, with the last step's four exact translations.
    for (const format of ['csv', 'json'] as const) {
      const file = join(workspace, `course-pairs-samples.${format}`);
      await run.locator(`#export-${format}`).click();
      await acceptProposal(page, new RegExp(`/course-pairs-samples\\.${format}$`));
      const text = await waitFor(async () => (existsSync(file) ? readFileSync(file, 'utf8') : null), 30_000, `no ${file}`);
      if (format === 'csv') {
        const lines = text.trimEnd().split('\r\n');
        assert.equal(lines[0], 'step,token_accuracy,exact_match,bleu,kind,source,reference,prediction,correct_tokens,reference_tokens');
        for (const [source, target] of COURSE) assert.ok(lines.some((l) => l.startsWith('5000,1,1,1,') && l.includes(`,${source},${target},${target} <EOS>,`)), `the CSV has ${source} translated exactly at step 5000`);
      } else {
        const json = JSON.parse(text) as { metrics: { step: number; tokenAccuracy: number }[]; samples: { step: number; samples: unknown[] }[] };
        assert.deepEqual(json.metrics.map((m) => m.step), [1000, 2000, 3000, 4000, 5000]);
        assert.equal(json.metrics.at(-1)?.tokenAccuracy, 1);
        assert.equal(json.samples.length, 5);
      }
    }
  });

  test('a pair file of HTML payloads shows them as text in the form and the samples; nothing runs', { timeout: 240_000 }, async () => {
    const { page } = env;
    await clearNotifications(page);
    await closeAllEditors(page);
    // From the Explorer's context menu this time (the first test came from the palette).
    await explorerCommand(page, MARKUP_PAIRS, 'Train Seq2Seq');
    const setup = await findFrame(page, 'body[data-ready="true"] #f-iterations', 60_000);
    const example = await setup.evaluate(() => document.getElementById('example')?.textContent ?? '');
    assert.ok(PAYLOADS.some(([s, t]) => example === `> ${s.toLowerCase()}\n= ${t.toLowerCase()}`), `the pair shows as text: ${example}`);
    const inForm = await markupElements(page);
    assert.deepEqual(inForm.elements, [], 'no element made from the file in the form');

    // The attention preset (20 epochs of one batch here: quick), so the samples have heatmaps.
    await setup.evaluate(() => {
      const preset = document.getElementById('preset') as HTMLElement & { value: string };
      preset.value = 'attention';
      preset.dispatchEvent(new Event('change'));
    });
    assert.equal(await setup.evaluate(() => (document.getElementById('f-attention') as HTMLElement & { value: string }).value), 'general');
    await setup.locator('#start').click();
    const run = await findFrame(page, 'body[data-phase] #loss-plot', 60_000);
    const end = await waitDone(run, 120_000);
    assert.equal(end.phase, 'done', end.status);
    assert.deepEqual(end.samples.map((s) => s.source).sort(), PAYLOADS.map(([s]) => `> ${s.toLowerCase()}`).sort(), 'the sources show as the text they are');
    assert.deepEqual(end.samples.map((s) => s.reference).sort(), PAYLOADS.map(([, t]) => `= ${t.toLowerCase()}`).sort());
    // Clicking a sample draws its attention: rows the output tokens, columns the input tokens and <EOS>, labelled as text.
    await run.locator('#samples .sample').first().click();
    const heat = await waitFor(
      async () =>
        run.evaluate(() => {
          const plot = document.getElementById('attention-plot') as HTMLElement;
          if (!plot.querySelector('.xtick')) return null;
          return {
            source: document.querySelector('#samples .sample .source')?.textContent ?? '',
            columns: [...plot.querySelectorAll('.xtick text')].map((e) => e.textContent ?? ''),
            links: plot.querySelectorAll('svg a').length,
            styled: plot.querySelectorAll('tspan[style]').length,
            colorbar: getComputedStyle(document.getElementById('attention-colorbar') as HTMLElement).backgroundImage.startsWith('linear-gradient') ? 1 : 0,
          };
        }),
      30_000,
      'no attention heatmap after clicking a sample',
    );
    assert.deepEqual(heat.columns, [...heat.source.replace(/^> /, '').split(' '), '<EOS>'], 'each input word and <EOS> labels its column, as text');
    assert.deepEqual([heat.links, heat.styled, heat.colorbar], [0, 0, 1]);
    await run.evaluate(() => document.getElementById('attention')?.scrollIntoView());
    await screenshot(page, 'seq2seq-attention');
    const inPanel = await markupElements(page);
    assert.deepEqual(inPanel.elements, [], 'no element made from the file in the panel');
    assert.deepEqual(inPanel.probe, [], 'the probe variable stays unset in every frame');
    const violations = await cspViolations(page);
    assert.deepEqual(violations, [], `CSP violations: ${JSON.stringify(violations)}`);
  });
  test('the training panel follows the light and high-contrast themes; its plots and heatmap stay readable', { timeout: 240_000 }, async () => {
    const { page } = env;
    // The attention run of the test before, its heatmap shown.
    const run = await findFrame(page, 'body[data-phase="done"] #attention-plot .xtick', 30_000);
    const dark = await seq2seqLook(run);
    assert.equal(dark.kind, 'vscode-dark');
    /** Every label against the page's background: far apart in luminance, whatever the theme. */
    const readable = (l: Seq2SeqLook) => {
      for (const [what, fill] of Object.entries({ loss: l.lossTick, metrics: l.metricsTick, heatmap: l.heatTick, text: l.text })) {
        const gap = Math.abs(luminance(fill) - luminance(l.background));
        assert.ok(gap > 100, `${l.kind}: the ${what} labels (${fill}) stand out from the background (${l.background}): luminance gap ${gap.toFixed(0)}`);
      }
      // The heatmap's scale runs from the background (weight 0 reads as nothing) to a colour that stands out from it.
      const [low, high] = l.colorbar.match(/rgba?\([^)]*\)/g) ?? [];
      assert.ok(low && high, `the colour bar is a gradient: ${l.colorbar}`);
      assert.ok(Math.abs(luminance(low) - luminance(l.background)) < 16, `${l.kind}: weight 0 (${low}) is the background (${l.background})`);
      assert.ok(Math.abs(luminance(high) - luminance(low)) > 50, `${l.kind}: weight 1 (${high}) stands out from weight 0 (${low})`);
    };
    readable(dark);
    for (const [theme, kind, name] of [
      ['Light Modern', 'vscode-light', 'seq2seq-light'],
      ['Dark High Contrast', 'vscode-high-contrast', 'seq2seq-high-contrast'],
    ] as const) {
      await inColorTheme(
        page,
        theme,
        () => seq2seqLook(run),
        // Followed once the plots have been drawn again in the theme's colours too.
        (l) => l.kind === kind && l.lossTick !== dark.lossTick && l.colorbar !== dark.colorbar,
        async (l) => {
          if (kind === 'vscode-light') assert.ok(luminance(l.background) > luminance(dark.background), `light background ${l.background} vs dark ${dark.background}`);
          else assert.ok(luminance(l.background) <= luminance(dark.background), `high-contrast background ${l.background} vs dark ${dark.background}`);
          assert.notEqual(l.heatTick, dark.heatTick, 'the heatmap’s labels are drawn again in the theme’s colour');
          readable(l);
          await run.evaluate(() => document.getElementById('loss-title')?.scrollIntoView());
          await screenshot(page, name);
        },
      );
    }
  });

  test('a run whose panel was closed opens live from the Runs tree; cancelled, it is kept: opened from the Runs tree, its panel shows its curve, metrics and samples so far and says it was cancelled; no model to save or try', { timeout: 300_000 }, async () => {
    const { page } = env;
    await closeAllEditors(page);
    const runsDir = join(env.workspace, '.rnnlab', 'runs');
    const folders = () => (existsSync(runsDir) ? readdirSync(runsDir).filter((n) => !n.startsWith('.')) : []);
    const known = folders();
    await paletteCommand(page, 'RNN Lab: Train Seq2Seq');
    await quickPick(page, 'course-pairs.tsv');
    const setup = await findFrame(page, 'body[data-ready="true"] #f-iterations', 60_000);
    // Far more steps than it will take: it is cancelled after its second report. A hidden size of 256
    // slows the steps, so the reports (one per 1,000 steps) stay few while the panel is closed and reopened.
    await typeInto(page, setup, 'f-iterations', '10000000');
    await typeInto(page, setup, 'f-hidden', '256');
    await setup.locator('#start').click();
    const live = await findFrame(page, 'body[data-phase="training"] #loss-plot', 60_000);
    await waitFor(async () => Number(await live.evaluate(() => document.getElementById('metrics-plot')?.dataset.points ?? 0)) >= 2, 120_000, 'no second report');
    // Closed while it trains, the run's panel opens again from the Runs tree and goes on from where it was.
    await closeAllEditors(page);
    const runningRow = (await runRows(page)).filter({ hasText: 'running' }).first();
    await waitFor(async () => (await runningRow.count()) === 1, 60_000, 'no running run in the Runs tree');
    const reopened = await openFromRunsTree(page, runningRow, 'body[data-phase="training"] #loss-plot');
    const reportsOf = async () => Number(await reopened.evaluate(() => document.getElementById('metrics-plot')?.dataset.points ?? 0));
    const at = await waitFor(async () => ((await reportsOf()) >= 2 ? reportsOf() : null), 30_000, 'the reopened panel lacks the reports so far');
    await waitFor(async () => (await reportsOf()) > at, 120_000, 'the reopened panel does not follow the run');
    await reopened.locator('#cancel').click();
    const ended = await waitDone(reopened, 60_000);
    assert.equal(ended.phase, 'cancelled', ended.status);
    assert.equal(ended.status, 'Cancelled. The run is kept in the Runs view as cancelled, with its curve so far.');
    const id = folders().find((f) => !known.includes(f));
    assert.ok(id, 'the cancelled run has its folder');
    assert.equal(JSON.parse(readFileSync(join(runsDir, id, 'run.json'), 'utf8')).status, 'cancelled');
    assert.equal(existsSync(join(runsDir, id, 'result.json')), false, 'a cancelled run has no result.json');
    const lines = readFileSync(join(runsDir, id, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { epoch: number; tokenAccuracy?: number });
    const reports = lines.length;
    assert.ok(reports >= 2, `${reports} reports stored`);
    // (A cancel between a report and its measurement leaves that last line without figures.)
    const measured = lines.filter((l) => l.tokenAccuracy !== undefined).length;
    const sets = readFileSync(join(runsDir, id, 'samples.jsonl'), 'utf8').trim().split('\n').filter((l) => lines.some((m) => m.epoch === (JSON.parse(l) as { epoch: number }).epoch)).length;
    await closeAllEditors(page);

    // The Runs tree lists it as cancelled; a click opens its panel, restored from its folder.
    const rows = await runRows(page);
    const row = rows.filter({ hasText: 'cancelled' }).first();
    await waitFor(async () => (await row.count()) === 1, 60_000, async () => `no cancelled run in ${JSON.stringify(await rows.allInnerTexts())}`);
    await row.click();
    const opened = await findFrame(page, 'body[data-phase="cancelled"] #loss-plot', 60_000);
    const shown = await waitFor(
      async () => {
        const v = await opened.evaluate(() => ({
          status: document.getElementById('status')?.textContent ?? '',
          loss: Number(document.getElementById('loss-plot')?.dataset.points ?? 0),
          metrics: Number(document.getElementById('metrics-plot')?.dataset.points ?? 0),
          sampleSets: Number((document.getElementById('step') as HTMLInputElement).max) + 1,
          samples: document.querySelectorAll('#samples .sample').length,
          cancel: !(document.getElementById('cancel') as HTMLElement).hidden,
          save: (document.getElementById('save-model') as HTMLElement).hasAttribute('disabled'),
          tryGo: (document.getElementById('try-go') as HTMLElement).hasAttribute('disabled'),
          why: (document.getElementById('try-unavailable') as HTMLElement).hidden ? '' : (document.getElementById('try-unavailable')?.textContent ?? ''),
        }));
        return v.loss > 0 ? v : null;
      },
      30_000,
      'the reopened panel drew no curve',
    );
    assert.equal(shown.status, 'Cancelled. The run is kept in the Runs view as cancelled, with its curve so far.');
    assert.equal(shown.loss, reports, 'a point per stored report');
    assert.equal(shown.metrics, measured, 'the held-out figures of every report');
    assert.equal(shown.sampleSets, sets, 'a sample set per report on the slider');
    assert.ok(shown.samples > 0, 'the last set’s samples are shown');
    assert.equal(shown.cancel, false, 'nothing to cancel');
    assert.equal(shown.save, true, 'Save model is unavailable');
    assert.equal(shown.tryGo, true, 'Try a sentence is unavailable');
    assert.match(shown.why, /stopped before it finished, so no model was stored/);
    await closeAllEditors(page);
  });
});
