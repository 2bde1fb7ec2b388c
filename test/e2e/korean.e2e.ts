/// <reference lib="dom" />
// (page.evaluate callbacks run in the browser.)
/**
 * The forecast flow with the display language set to Korean (code-server `--locale ko`, with the
 * test language pack the harness makes): the command titles, the setup form, its errors and the
 * run panel read in Korean, and so do the packing inspector and the seq2seq setup form and
 * training panel, from package.nls.ko.json and l10n/bundle.l10n.ko.json. The workbench's
 * own menus stay English (the test pack translates nothing of VS Code itself).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clearNotifications, closeAllEditors, errorNotifications, examples, explorerCommand, fillSetupForm, findFrame, launch, paletteCommand, paletteOnceRegistered, quickPick, screenshot, waitFor, waitForPhase, type Env } from './harness';

const vsix = process.env.RNN_LAB_VSIX;
const entry = process.env.CODE_SERVER_ENTRY;

describe('forecast flow in Korean', { skip: !vsix || !entry ? 'set RNN_LAB_VSIX and CODE_SERVER_ENTRY (npm run test:e2e does)' : false }, () => {
  let env: Env;

  before(async () => {
    env = await launch({ vsix: vsix!, entry: entry!, locale: 'ko' });
  });

  after(async () => {
    await env?.close();
  });

  test('command titles, the setup form and its errors, the run panel and the Runs view read in Korean', { timeout: 300_000 }, async () => {
    const { page } = env;

    // The command palette lists the commands by their Korean titles.
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: 30_000 });
    let labels: string[] = [];
    await waitFor(
      async () => {
        // Typed again each time: the list does not refresh when the extension's commands join it.
        await input.fill('');
        await input.fill('>RNN Lab');
        await page.waitForTimeout(300);
        labels = await page.locator('.quick-input-widget .quick-input-list .monaco-list-row').evaluateAll((rs) => rs.map((r) => r.getAttribute('aria-label') ?? ''));
        return labels.some((l) => l.startsWith('RNN Lab: LSTM으로 예측'));
      },
      60_000,
      () => `no Korean command titles in the palette (shown: ${labels.join(' / ')})`,
    );
    assert.ok(labels.some((l) => l.startsWith('RNN Lab: 저장된 모델로 예측…')), labels.join(' / '));
    assert.ok(labels.some((l) => l.startsWith('RNN Lab: 로그 표시')), labels.join(' / '));
    await page.keyboard.press('Escape');

    // The setup form, opened from the Explorer's context menu by its Korean title.
    await explorerCommand(page, 'stock_daily.csv', 'LSTM으로 예측');
    const setup = await findFrame(page, 'body[data-ready="true"] #f-epochs', 60_000);
    assert.equal(await setup.evaluate(() => document.documentElement.lang), 'ko');
    const text = (id: string) => setup.evaluate((i) => document.getElementById(i)?.textContent ?? '', id);
    assert.equal(await text('title'), 'LSTM으로 stock_daily.csv 예측');
    assert.match(await text('summary'), /^732행 · 숫자 열 5개 · 날짜 열 없음/);
    assert.equal(await text('start'), '학습 시작');
    assert.equal(await text('label-target'), '대상 열');
    assert.match(await text('order-help'), /날짜 열이 없어 순서를 알아낼 수 없습니다/);
    const hyper = await text('hyper');
    for (const s of ['은닉 상태 크기', '층당 LSTM 유닛 수입니다.', '에포크', '배치 크기', '학습률', 'seq_length']) assert.ok(hyper.includes(s), `the form shows ${s}: ${hyper}`);
    const choices = await setup.evaluate(() => [...document.querySelectorAll('#missing vscode-option')].map((o) => o.textContent));
    assert.deepEqual(choices, ['오류로 중지', '그 행 제외', '이전 행 값으로 채우기']);

    // A value out of bounds: the host's check answers in Korean, naming the field by its Korean label.
    await setup.evaluate(() => {
      (document.getElementById('f-hidden') as HTMLElement & { value: string }).value = '0';
      document.getElementById('start')?.click();
    });
    const error = await waitFor(async () => (await text('error')) || null, 30_000, 'no error for hidden size 0');
    assert.equal(error, '은닉 상태 크기 값으로는 1부터 4096까지의 정수만 쓸 수 있습니다(입력값: 0).');
    await setup.evaluate(() => {
      (document.getElementById('f-hidden') as HTMLElement & { value: string }).value = '10';
    });

    await fillSetupForm(page, setup, { epochs: 20, batchSize: 16 });
    await page.keyboard.press('Enter');
    const run = await findFrame(page, 'body[data-phase] #loss-plot', 60_000);
    const done = await waitForPhase(run, ['done', 'failed', 'cancelled'], 240_000);
    assert.equal(done.phase, 'done', done.status);
    assert.equal(done.status, '완료되었습니다. 실행은 작업 영역(.rnnlab/runs)에 저장되었습니다.');
    const shown = await run.evaluate(() => ({
      title: document.getElementById('title')?.textContent,
      save: document.getElementById('save-model')?.textContent,
      heads: [...document.querySelectorAll('h2')].map((h) => h.textContent),
      metricsHead: [...document.querySelectorAll('#metrics thead th')].map((h) => h.textContent),
      verdict: document.getElementById('verdict')?.textContent ?? '',
      legend: [...document.querySelectorAll('#forecast-plot .legendtext')].map((l) => l.textContent),
    }));
    assert.equal(shown.title, 'stock_daily.csv의 LSTM 예측');
    assert.equal(shown.save, '모델 저장…');
    assert.deepEqual(shown.heads, ['학습 손실', '테스트 윈도우: 예측과 실제값', '테스트 윈도우의 지표']);
    assert.deepEqual(shown.metricsHead, ['', 'LSTM', '지속성 기준선']);
    assert.match(shown.verdict, /^LSTM이 지속성 기준선보다 (낫습니다|못합니다)\./);
    assert.ok(shown.legend.includes('LSTM 예측') && shown.legend.includes('실제값 Close'), `legend: ${shown.legend.join(' / ')}`);

    // The Runs view: its Korean name, and the run's one-line summary.
    await paletteCommand(page, 'View: Show RNN Lab');
    const row = page.locator('.pane-body .monaco-list-row[aria-label*="stock_daily.csv"]').first();
    await row.waitFor({ timeout: 30_000 });
    assert.match((await row.innerText()) ?? '', /지속성 기준선/);
    // The container holds two views (Runs, Loss Curves), so the side bar's title is the container's
    // and each view names itself in its section header.
    const headers = await page.locator('.part.sidebar .pane-header .title').allInnerTexts();
    assert.ok(headers.some((h) => /^실행$/i.test(h.trim())), `the view is named 실행 (headers: ${headers.join(' / ')})`);
    assert.ok(headers.some((h) => /손실 곡선/.test(h)), `the charts view is named 손실 곡선 (headers: ${headers.join(' / ')})`);
    // A damaged run folder is listed with its reason in Korean too (the run store's words, said by the host).
    const broken = '2026-01-01T00-00-00-000Z';
    mkdirSync(join(env.workspace, '.rnnlab', 'runs', broken), { recursive: true });
    writeFileSync(join(env.workspace, '.rnnlab', 'runs', broken, 'run.json'), '{}');
    const damagedRow = page.locator(`.pane-body .monaco-list-row[aria-label*="${broken}"]`).first();
    await waitFor(
      async () => {
        if ((await damagedRow.count()) > 0) return true;
        // The file watcher lags here: the view's own refresh action (shown while the view is hovered).
        await row.hover();
        await page.locator('.pane-header .action-label[aria-label^="실행 목록 새로 고침"]').first().click({ timeout: 2000 }).catch(() => undefined);
        await page.waitForTimeout(500);
        return (await damagedRow.count()) > 0;
      },
      30_000,
      'the damaged run folder is not listed',
    ).catch(async (e) => {
      await screenshot(page, 'failure-damaged-run');
      throw e;
    });
    assert.match(await damagedRow.innerText(), /손상됨: run\.json에 formatVersion이 없습니다/);
    rmSync(join(env.workspace, '.rnnlab', 'runs', broken), { recursive: true });
    await waitFor(
      async () => {
        await row.hover();
        await page.locator('.pane-header .action-label[aria-label^="실행 목록 새로 고침"]').first().click({ timeout: 2000 }).catch(() => undefined);
        await page.waitForTimeout(500);
        return (await damagedRow.count()) === 0;
      },
      30_000,
      'the removed folder is still listed',
    );
    // For the README: the run panel and the Runs view, in Korean.
    await screenshot(page, 'forecast-korean');
  });
  test("a CSV too short for its windows: the engine's error reads in Korean, the options named by their Korean labels", { timeout: 120_000 }, async () => {
    const { page } = env;
    await closeAllEditors(page);
    writeFileSync(join(env.workspace, 'few.csv'), readFileSync(join(examples, 'stock_daily.csv'), 'utf8').split('\n').slice(0, 6).join('\n') + '\n');
    await explorerCommand(page, 'few.csv', 'LSTM으로 예측');
    const setup = await findFrame(page, 'body[data-ready="true"] #f-epochs', 60_000);
    await setup.evaluate(() => document.getElementById('start')?.click());
    const error = await waitFor(async () => (await setup.evaluate(() => document.getElementById('error')?.textContent ?? '')) || null, 30_000, 'no error for a CSV of five rows');
    assert.match(error, /학습에 쓸 행이 few\.csv의 4행밖에 남지 않았습니다\. .*seq_length.*최소 9행이 필요합니다/);
    assert.match(error, /다음 중 하나를 해 보세요: .*더 많은 행\(최소 12행\)/);
    await closeAllEditors(page);
  });

  test('the packing inspector reads in Korean', { timeout: 120_000 }, async () => {
    const { page } = env;
    await paletteCommand(page, 'RNN Lab: 시퀀스 패킹 살펴보기');
    const f = await findFrame(page, 'body[data-ready="true"] #packed .cell', 60_000);
    const shown = await f.evaluate(() => ({
      title: document.getElementById('title')?.textContent,
      summary: document.getElementById('summary')?.textContent,
      enforceSorted: document.getElementById('enforceSorted')?.textContent,
      heads: [...document.querySelectorAll('h2')].slice(0, 3).map((h) => h.textContent),
      batchSizes: document.getElementById('batch-sizes')?.textContent,
    }));
    assert.deepEqual(shown, {
      title: '시퀀스 패킹: 강의의 다섯 문자열',
      summary: '시퀀스 5개 · 배치 1/1 · 어휘 19개',
      enforceSorted: 'enforce_sorted(정렬 강제)',
      heads: ['어휘', '길이', '패딩된 배치(pad_sequence)'],
      batchSizes: '[5, 5, 5, 5, 4, 4, 4, 4, 3, 3, 3, 1, 1]',
    });
  });
  test('the seq2seq setup form and training panel read in Korean', { timeout: 300_000 }, async () => {
    const { page } = env;
    copyFileSync(join(examples, 'course-pairs.tsv'), join(env.workspace, 'course-pairs.tsv'));
    await closeAllEditors(page);

    // A pair file with no tab: the engine's error, said in Korean in its notice, with its fix.
    writeFileSync(join(env.workspace, 'no-tab.tsv'), 'i am hungry.\n');
    await clearNotifications(page);
    await paletteOnceRegistered(page, 'RNN Lab: Seq2Seq 학습');
    await quickPick(page, 'no-tab.tsv');
    const badError = await waitFor(async () => (await errorNotifications(page)).find((x) => x.includes('no-tab.tsv')) ?? null, 60_000, 'no error for a file without a tab');
    assert.match(badError, /no-tab\.tsv의 1번째 줄에 탭이 없습니다: "i am hungry\."\. 각 줄은 소스 문장과 그 번역을 탭으로 구분해야 합니다\./);
    assert.match(badError, /1번째 줄의 두 문장 사이에 공백이 아닌 탭을 넣거나, 그 줄을 지우세요\./);
    await clearNotifications(page);

    await paletteOnceRegistered(page, 'RNN Lab: Seq2Seq 학습');
    await quickPick(page, 'course-pairs.tsv');
    const setup = await findFrame(page, 'body[data-ready="true"] #f-iterations', 60_000);
    const formText = (id: string) => setup.evaluate((i) => document.getElementById(i)?.textContent ?? '', id);
    assert.equal(await formText('title'), 'course-pairs.tsv(으)로 Seq2Seq 학습');
    assert.equal(await formText('start'), '학습 시작');
    await setup.locator('#start').click();

    const run = await findFrame(page, 'body[data-phase] #loss-plot', 60_000);
    await waitFor(async () => run.evaluate(() => (document.body.dataset.phase === 'done' ? true : null)), 180_000, 'the Korean run did not finish');
    // The metrics plot's legend is drawn after the state arrives: wait for it.
    await waitFor(async () => run.evaluate(() => (document.querySelectorAll('#metrics-plot .legendtext').length === 3 ? true : null)), 30_000, 'no metrics legend');
    const shown = await run.evaluate(() => ({
      lang: document.documentElement.lang,
      title: document.getElementById('title')?.textContent,
      status: document.getElementById('status')?.textContent ?? '',
      buttons: ['save-model', 'export-csv', 'export-json'].map((id) => document.getElementById(id)?.textContent),
      heads: [...document.querySelectorAll('h2')].map((h) => h.textContent),
      logScale: document.getElementById('log-scale')?.textContent,
      measuredOn: document.getElementById('measured-on')?.textContent,
      step: document.getElementById('step-value')?.textContent ?? '',
      meta: document.querySelector('#samples .sample .meta')?.textContent ?? '',
      lossLegend: [...document.querySelectorAll('#loss-plot .legendtext')].map((l) => l.textContent),
      metricsLegend: [...document.querySelectorAll('#metrics-plot .legendtext')].map((l) => l.textContent),
      tryGo: document.getElementById('try-go')?.textContent,
    }));
    assert.equal(shown.lang, 'ko');
    assert.equal(shown.title, 'course-pairs.tsv의 seq2seq 번역 모델');
    assert.match(shown.status, /^완료: 학습 쌍에서 토큰 정확도 \d+\.\d%, 완전 일치 \d+\.\d%, BLEU-4 \d+\.\d; 학습 시간 [\d.]+(초|분)\.$/);
    assert.deepEqual(shown.buttons, ['모델 저장', 'CSV 내보내기', 'JSON으로 내보내기']);
    assert.deepEqual(shown.heads, ['손실', '지표', '번역 샘플', '문장 번역해 보기', '어텐션']);
    assert.equal(shown.logScale, '로그 척도');
    assert.equal(shown.measuredOn, '따로 떼어 둔 쌍이 없습니다 (테스트 비율 0): 강의의 evaluate처럼 지표를 학습 쌍에서 측정합니다.');
    assert.equal(shown.step, '스텝 5000의 샘플 (5개 중 5번째)');
    assert.match(shown.meta, /^고정 관찰 쌍 · 토큰 \d+개 중 \d+개 정답$/);
    assert.ok(shown.lossLegend.includes('학습 손실'), `loss legend: ${shown.lossLegend.join(' / ')}`);
    assert.deepEqual(shown.metricsLegend, ['토큰 정확도', '완전 일치', 'BLEU-4 점수']);
    assert.equal(shown.tryGo, '번역');
    await screenshot(page, 'seq2seq-korean');
  });
});
