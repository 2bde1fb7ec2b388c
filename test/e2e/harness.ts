/// <reference lib="dom" />
// (page.evaluate callbacks run in the browser.)
/**
 * End-to-end harness: the packaged .vsix installed into code-server 4.100.3 (VS Code 1.100.3)
 * with a fresh user-data-dir, served on loopback, driven by Debian's Chromium via playwright-core.
 * See ../shared/notes/vscode-e2e.md for why code-server and not @vscode/test-electron.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Frame, type Locator, type Page } from 'playwright-core';

export const repoRoot = resolve(__dirname, '../..');
export const examples = resolve(repoRoot, 'examples');

export interface Env {
  workspace: string;
  /** code-server's --user-data-dir (its logs/ hold the extension's output channel). */
  userDataDir: string;
  page: Page;
  browser: Browser;
  server: ChildProcess;
  close(): Promise<void>;
  /** code-server's own log, for failure messages. */
  serverLog(): string;
}

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
    s.on('error', rej);
  });
}

/** Example files: a copy of the course's stock data plus the broken ones the error tests need. */
export function makeWorkspace(dir: string): void {
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(examples, 'stock_daily.csv'), join(dir, 'stock_daily.csv'));
  writeFileSync(join(dir, 'bad_text.csv'), 'Date,Open,Close\n2020-01-01,1,2\n2020-01-02,1.5,2.5\n2020-01-03,abc,2.7\n2020-01-04,1.7,2.9\n2020-01-05,1.8,3.0\n');
  writeFileSync(join(dir, 'empty.csv'), '');
  writeFileSync(join(dir, 'two_rows.csv'), 'Open,Close\n1,2\n3,4\n');
  writeFileSync(join(dir, MARKUP_CSV), markupCsv());
  writeFileSync(join(dir, DAY_FIRST_CSV), dayFirstCsv());
  writeFileSync(join(dir, DECIMAL_COMMA_CSV), decimalCommaCsv());
  // No trust prompt, no welcome page, no startup editor: the test sees the workbench straight away.
  mkdirSync(join(dir, '.vscode'), { recursive: true });
}

/** Column names that plotly and HTML would read as markup: they must show as the text they are. */
export const MARKUP_CSV = 'markup_names.csv';
export const MARKUP_COLUMNS = {
  date: '<i>day</i>',
  volume: '<b>volume</b> <span style="color:red">shares</span> &amp; $x$ %{y}',
  price: 'price <a href="https://example.test/">Session expired: sign in</a>',
};

/** 40 daily rows, newest first (like stock_daily.csv, so the harness's row order "reverse" fits it), price last: the default target. */
function markupCsv(): string {
  const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
  const rows: string[] = [];
  for (let i = 39; i >= 0; i--) {
    const day = new Date(Date.UTC(2020, 0, 1 + i)).toISOString().slice(0, 10);
    rows.push(`${day},${(100 + 10 * Math.sin(i / 3)).toFixed(3)},${(50 + 5 * Math.cos(i / 4) + 0.3 * i).toFixed(3)}`);
  }
  return `${[MARKUP_COLUMNS.date, MARKUP_COLUMNS.volume, MARKUP_COLUMNS.price].map(quote).join(',')}\n${rows.join('\n')}\n`;
}

/** Dates written dd/mm/yyyy whose days never pass 12: the reader cannot tell day from month and asks. */
export const DAY_FIRST_CSV = 'day_first.csv';
function dayFirstCsv(): string {
  const rows = ['date,price'];
  for (let m = 1; m <= 3; m++) for (let d = 1; d <= 12; d++) rows.push(`${String(d).padStart(2, '0')}/${String(m).padStart(2, '0')}/2020,${(50 + 5 * Math.sin((12 * m + d) / 4)).toFixed(2)}`);
  return rows.join('\n') + '\n';
}

/** European numbers: `;` between cells, a decimal comma and `.` between thousands (1.012,37). */
export const DECIMAL_COMMA_CSV = 'decimal_comma.csv';
function decimalCommaCsv(): string {
  const rows = ['date;volume;price'];
  for (let i = 0; i < 40; i++) {
    const day = new Date(Date.UTC(2020, 0, 1 + i)).toISOString().slice(0, 10);
    const price = (1000 + 20 * Math.sin(i / 3)).toFixed(2).replace('.', ',').replace(/^1/, '1.');
    rows.push(`${day};${(10 + Math.cos(i / 4)).toFixed(2).replace('.', ',')};${price}`);
  }
  return rows.join('\n') + '\n';
}

const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'security.workspace.trust.enabled': false,
  'workbench.tips.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'workbench.colorTheme': 'Default Dark Modern',
  'git.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
};

/**
 * Makes code-server give extensions Korean (vscode.env.language 'ko', their l10n bundles and
 * package.nls.ko.json): `--locale ko` alone is ignored unless a language pack for ko is installed
 * and listed in languagepacks.json, and the marketplace is out of reach. So a minimal pack is made
 * here (it translates nothing of the workbench itself, whose UI stays English), packaged with
 * vsce, installed, and listed.
 */
function installKoreanLanguagePack(entry: string, base: string, userData: string, extensions: string): void {
  const id = { publisher: 'rnn-lab-test', name: 'test-language-pack-ko', version: '0.0.1' };
  const dir = join(base, 'language-pack-ko');
  mkdirSync(join(dir, 'translations'), { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({
      ...id,
      engines: { vscode: '^1.80.0' },
      categories: ['Language Packs'],
      contributes: { localizations: [{ languageId: 'ko', languageName: 'Korean', localizedLanguageName: '한국어', translations: [{ id: 'vscode', path: './translations/main.i18n.json' }] }] },
    }),
  );
  writeFileSync(join(dir, 'translations', 'main.i18n.json'), JSON.stringify({ version: '1.0.0', contents: {} }));
  writeFileSync(join(dir, 'LICENSE'), 'MIT\n');
  const vsix = join(base, 'language-pack-ko.vsix');
  const vsce = join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce');
  execFileSync(process.execPath, [vsce, 'package', '--allow-missing-repository', '--skip-license', '--out', vsix], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  execFileSync(process.execPath, [entry, '--user-data-dir', userData, '--extensions-dir', extensions, '--install-extension', vsix, '--force'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const installed = join(extensions, `${id.publisher}.${id.name}-${id.version}`);
  writeFileSync(
    join(userData, 'languagepacks.json'),
    JSON.stringify({
      ko: {
        hash: 'rnn-lab-test-1',
        extensions: [{ extensionIdentifier: { id: `${id.publisher}.${id.name}` }, version: id.version }],
        translations: { vscode: join(installed, 'translations', 'main.i18n.json') },
        label: '한국어',
      },
    }),
  );
}

export async function launch(opts: { vsix: string; entry: string; scratch?: string; locale?: 'ko' }): Promise<Env> {
  if (!opts.scratch) mkdirSync(join(repoRoot, '.e2e'), { recursive: true });
  const base = opts.scratch ?? mkdtempSync(join(repoRoot, '.e2e', 'run-'));
  mkdirSync(base, { recursive: true });
  const userData = join(base, 'user-data');
  const extensions = join(base, 'extensions');
  const workspace = join(base, 'workspace');
  makeWorkspace(workspace);
  mkdirSync(join(userData, 'User'), { recursive: true });
  writeFileSync(join(userData, 'User', 'settings.json'), JSON.stringify(USER_SETTINGS, null, 2));

  execFileSync(process.execPath, [opts.entry, '--user-data-dir', userData, '--extensions-dir', extensions, '--install-extension', opts.vsix, '--force'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (opts.locale === 'ko') installKoreanLanguagePack(opts.entry, base, userData, extensions);

  const port = await freePort();
  let log = '';
  // detached: its own process group, so close() can end it together with the file watcher and
  // extension host it forks.
  const server = spawn(
    process.execPath,
    [
      opts.entry, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
      '--user-data-dir', userData, '--extensions-dir', extensions, ...(opts.locale ? ['--locale', opts.locale] : []), workspace,
    ],
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  server.stdout!.on('data', (d) => (log += d));
  server.stderr!.on('data', (d) => (log += d));
  await waitFor(async () => {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/healthz`);
      return r.ok;
    } catch {
      return false;
    }
  }, 60_000, () => `code-server did not start:\n${log}`);

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);
  await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });

  return {
    workspace,
    userDataDir: userData,
    page,
    browser,
    server,
    serverLog: () => log,
    async close() {
      await browser.close().catch(() => {});
      if (server.pid && server.exitCode === null) {
        try {
          process.kill(-server.pid, 'SIGTERM');
        } catch {
          // already gone
        }
      }
      if (!process.env.KEEP_E2E && !opts.scratch) rmSync(base, { recursive: true, force: true });
    },
  };
}

export async function waitFor<T>(f: () => Promise<T | false | null | undefined>, timeoutMs: number, what: string | (() => string | Promise<string>), intervalMs = 100): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await f().catch(() => undefined);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out: ${typeof what === 'string' ? what : await what()}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** The webview frame whose document matches `selector` (webviews sit in nested iframes). */
export async function findFrame(page: Page, selector: string, timeoutMs = 30_000): Promise<Frame> {
  return waitFor(
    async () => {
      for (const f of page.frames()) {
        if (await f.$(selector).catch(() => null)) return f;
      }
      return null;
    },
    timeoutMs,
    `no webview frame with ${selector}`,
  );
}

/** CSP violations recorded in every frame by the pages' inline recorder. */
export async function cspViolations(page: Page): Promise<{ directive: string; blockedURI: string }[]> {
  const all: { directive: string; blockedURI: string }[] = [];
  for (const f of page.frames()) {
    // A hidden webview's frame goes away; evaluating in it would wait for the default 30 s timeout.
    if (f.isDetached()) continue;
    const raw = await f.evaluate(() => document.documentElement.getAttribute('data-csp-violations')).catch(() => null);
    if (raw) all.push(...(JSON.parse(raw) as { directive: string; blockedURI: string }[]));
  }
  return all;
}

/**
 * Right-clicks a file in the Explorer and picks a context-menu entry. Extension menus join the
 * workbench a few seconds after it appears, so a menu without the entry is closed and reopened.
 */
export async function explorerCommand(page: Page, fileName: string, title: string): Promise<void> {
  const row = page.locator(`.explorer-folders-view .monaco-list-row[aria-label^="${fileName}"]`).first();
  // The Explorer draws only the rows in view, and lists a new file only once its watcher sees it:
  // refresh it and scroll it (down, then back to the top) until the row is drawn.
  const list = page.locator('.explorer-folders-view .monaco-list').first();
  // Another view may hold the side bar (the Runs view after a test that used it).
  if (!(await list.isVisible())) await paletteCommand(page, 'View: Show Explorer');
  await list.waitFor({ timeout: 30_000 });
  let polls = 0;
  await waitFor(
    async () => {
      if (await row.isVisible().catch(() => false)) return true;
      await list.hover();
      // A file the test wrote a moment ago may not be listed yet (the file watcher lags): refresh now and then.
      if (++polls % 5 === 1) await page.locator('.action-label[aria-label^="Refresh Explorer"]').first().click({ timeout: 2000 }).catch(() => undefined);
      // Down a few rows at a time; every 15th poll back to the top, in case it passed the row.
      await page.mouse.wheel(0, polls % 15 === 0 ? -100_000 : 150);
      return false;
    },
    30_000,
    async () => {
      await screenshot(page, `failure-explorer-${fileName}`);
      return `${fileName} is not in the Explorer`;
    },
    200,
  );
  await contextMenuCommand(page, row, title, 60_000, `no "${title}" in the context menu of ${fileName}`);
}

/** Right-clicks `row` and picks `title` from its context menu (menus join a moment after their view shows, so it retries). */
export async function contextMenuCommand(page: Page, row: Locator, title: string, timeoutMs: number, what: string): Promise<void> {
  const item = page.locator(`.context-view .action-label:has-text("${title}")`).first();
  const menu = page.locator('.context-view .monaco-menu').first();
  // Escape only while the menu is open: with the focus back on a tree, Escape clears its selection.
  const closeMenu = async () => {
    if (await menu.isVisible().catch(() => false)) await page.keyboard.press('Escape');
  };
  await waitFor(
    async () => {
      await row.click({ button: 'right' });
      try {
        await item.waitFor({ timeout: 1500 });
        // The menu can close under the click (its view redrawn): then open it again.
        await item.click({ timeout: 3000 });
      } catch {
        await closeMenu();
        return false;
      }
      // A click right after the menu opens is sometimes swallowed; the hovered entry also takes Enter.
      if (await item.isVisible().catch(() => false)) await page.keyboard.press('Enter');
      return true;
    },
    timeoutMs,
    what,
    500,
  );
}

/** Error notifications currently shown. */
export async function errorNotifications(page: Page): Promise<string[]> {
  return page.locator('.notifications-toasts .notification-list-item').evaluateAll((items) =>
    items.filter((i) => i.querySelector('.codicon-error')).map((i) => (i.querySelector('.notification-list-item-message') as HTMLElement | null)?.innerText ?? ''),
  );
}

export async function clearNotifications(page: Page): Promise<void> {
  await page.keyboard.press('Escape');
  const toasts = page.locator('.notifications-toasts .notification-list-item');
  if ((await toasts.count()) === 0) return;
  // A toast's close button shows only on hover: a plain click would wait 30 s for it to be visible.
  await paletteCommand(page, 'Notifications: Clear All Notifications');
  await waitFor(async () => (await toasts.count()) === 0, 10_000, 'notifications still shown');
}

export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = join(repoRoot, 'media', 'screenshots');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`) });
}

export function exists(p: string): boolean {
  return existsSync(p);
}

/**
 * Types `text` into the open quick input (command palette, theme picker…) and accepts the entry
 * whose label is exactly `text` (without a leading '>'): Enter when it is focused, else a click.
 * The list filters and re-sorts as it is typed (recently used first, fuzzy matches), so Enter on
 * whatever is focused first could run a neighbour such as "Browse Color Themes in Marketplace".
 */
export async function quickPick(page: Page, text: string, timeoutMs = 30_000): Promise<void> {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: timeoutMs });
  await input.fill(text);
  const want = text.replace(/^>/, '').trim().toLowerCase();
  const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
  let seen: string[] = [];
  const index = await waitFor(
    async () => {
      // aria-label: "Preferences: Color Theme, Control+K Control+T" (a keybinding or detail after the comma).
      seen = await rows.evaluateAll((rs) => rs.map((r) => `${r.classList.contains('focused') ? '*' : ''}${r.getAttribute('aria-label') ?? ''}`));
      const i = seen.findIndex((l) => l.replace(/^\*/, '').split(', ')[0].trim().toLowerCase() === want);
      return i >= 0 ? i + 1 : null;
    },
    timeoutMs,
    () => `no quick-pick entry "${text}" (shown: ${seen.join(' / ')})`,
  );
  if (seen[index - 1].startsWith('*')) await page.keyboard.press('Enter');
  else await rows.nth(index - 1).click();
}

/** Runs a command by its palette title: F1, the title, Enter on the matching entry. */
export async function paletteCommand(page: Page, title: string): Promise<void> {
  // The palette can close again before it is typed into (a webview taking focus as it loads):
  // open it and pick again, a few times, before giving up.
  for (let attempt = 1; ; attempt++) {
    await openPalette(page);
    try {
      await quickPick(page, `>${title}`, attempt < 3 ? 10_000 : 30_000);
      return;
    } catch (e) {
      if (attempt >= 3) throw e;
      await page.keyboard.press('Escape');
    }
  }
}

async function openPalette(page: Page): Promise<void> {
  const widget = page.locator('.quick-input-widget .quick-input-box input');
  await waitFor(
    async () => {
      // F1 reaches the workbench from a focused webview too (webviews forward keybindings).
      await page.keyboard.press('F1');
      try {
        await widget.waitFor({ state: 'visible', timeout: 2000 });
        return true;
      } catch {
        await page.keyboard.press('Escape');
        return false;
      }
    },
    30_000,
    'the command palette did not open',
    500,
  );
}

/** The palette entry, once the extension's commands have joined the workbench (a few seconds after it appears). */
export async function paletteOnceRegistered(page: Page, title: string): Promise<void> {
  await waitFor(
    async () => {
      await page.keyboard.press('F1');
      try {
        await quickPick(page, `>${title}`, 3000);
        return true;
      } catch {
        await page.keyboard.press('Escape');
        return false;
      }
    },
    60_000,
    `no "${title}" in the command palette`,
    500,
  );
}

/**
 * Switches the workbench to `theme`, waits until the page shows it (`look` reads the page, `shown`
 * says when it has followed), runs `check` with what it looks like then, and goes back to the
 * harness's Dark Modern whatever happened.
 */
export async function inColorTheme<L extends { kind: string }>(page: Page, theme: string, look: () => Promise<L>, shown: (l: L) => boolean, check: (l: L) => Promise<void>): Promise<void> {
  const before = await look();
  try {
    await colorTheme(page, theme);
    let seen: L | null = null;
    const l = await waitFor(
      async () => {
        const x = (seen = await look());
        return shown(x) ? x : null;
      },
      30_000,
      () => `the page did not follow ${theme}: ${JSON.stringify(seen)} (before: ${JSON.stringify(before)})`,
    );
    await check(l);
  } finally {
    await page.keyboard.press('Escape');
    await colorTheme(page, 'Dark Modern');
    await waitFor(async () => (await look()).kind === 'vscode-dark', 30_000, 'dark theme not restored');
  }
}

/** The relative luminance (0–255) of a CSS `rgb(…)` colour. */
export function luminance(rgb: string): number {
  const m = /rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(rgb);
  if (!m) return NaN;
  return 0.2126 * Number(m[1]) + 0.7152 * Number(m[2]) + 0.0722 * Number(m[3]);
}

/**
 * Accepts the simple save dialog's proposal. The dialog fills its input in steps while it lists
 * the folder: wait until it holds a path matching `re` on two polls in a row, then Enter.
 */
export async function acceptProposal(page: Page, re: RegExp): Promise<string> {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  let proposed = '';
  await waitFor(
    async () => {
      const before = proposed;
      proposed = await input.inputValue({ timeout: 1000 });
      return proposed === before && re.test(proposed);
    },
    30_000,
    () => `the dialog does not propose ${re} (shows "${proposed}")`,
    300,
  );
  await page.keyboard.press('Enter');
  return proposed;
}

/**
 * Save model's dialog: accepts the proposed `<workspace>/models/<name>` (matching `re`), says OK
 * when the dialog offers to create models/, and waits for the one new folder there that holds
 * `files` (the hidden folder the save writes first does not count). Its path.
 */
export async function saveModelThroughDialog(page: Page, workspace: string, re: RegExp, files: string[]): Promise<string> {
  const modelsDir = join(workspace, 'models');
  const listed = () => (existsSync(modelsDir) ? readdirSync(modelsDir) : []);
  const before = listed();
  await acceptProposal(page, re);
  const createPrompt = page.locator('.quick-input-widget:has-text("Would you like to create it?")');
  return waitFor(
    async () => {
      if (await createPrompt.isVisible()) {
        await createPrompt.locator('.quick-input-action .monaco-button:has-text("OK")').click();
        return null;
      }
      const added = listed().filter((n) => !before.includes(n) && !n.startsWith('.'));
      if (added.length !== 1) return null;
      const dir = join(modelsDir, added[0]);
      return files.every((f) => existsSync(join(dir, f))) ? dir : null;
    },
    30_000,
    () => `no model folder under ${modelsDir} (has: ${listed().join(', ') || 'nothing'})`,
  );
}

/** Closes every editor, webview panels included, so the next test starts from an empty editor area. */
export async function closeAllEditors(page: Page): Promise<void> {
  await page.keyboard.press('Escape');
  await paletteCommand(page, 'View: Close All Editors');
  await waitFor(async () => (await page.locator('.part.editor .tabs-container .tab').count()) === 0, 30_000, 'editors still open');
}

/** Developer: Reload Window, then waits for the new workbench (not the old one still on screen). */
export async function reloadWindow(page: Page): Promise<void> {
  await page.evaluate(() => ((window as unknown as { __e2eBeforeReload: boolean }).__e2eBeforeReload = true));
  await paletteCommand(page, 'Developer: Reload Window');
  await waitFor(
    async () => page.evaluate(() => !(window as unknown as { __e2eBeforeReload?: boolean }).__e2eBeforeReload && !!document.querySelector('.monaco-workbench')),
    90_000,
    'the window did not reload',
    250,
  );
}

/**
 * Types `value` into the form field `#id` of `frame` as a user would. Typing right after the click
 * sometimes loses the first keys (the field is still taking focus), so it is typed until the field
 * holds it.
 */
export async function typeInto(page: Page, frame: Frame, id: string, value: string): Promise<void> {
  const field = frame.locator(`#${id}`);
  await waitFor(
    async () => {
      await field.click();
      await page.keyboard.press('Control+A');
      await page.keyboard.type(value);
      return (await field.evaluate((e) => (e as HTMLElement & { value: string }).value)) === value;
    },
    30_000,
    `the form's #${id} did not take ${value}`,
    250,
  );
}

/** Preferences: Color Theme, then `theme` (e.g. 'Light Modern', 'Dark High Contrast', 'Dark Modern', the harness's). */
export async function colorTheme(page: Page, theme: string): Promise<void> {
  await paletteCommand(page, 'Preferences: Color Theme');
  await quickPick(page, theme);
}

export interface TrainOptions {
  epochs: number;
  /** Rows per window; the form's default (7) when not given. */
  seqLength?: number;
  /** 'full' or a number of windows. */
  batchSize?: number | 'full';
}

/**
 * Fills the setup form: row order reverse (stock_daily.csv is newest first), then the batch size
 * and epochs, typed as a user would. Returns a reader of what the form shows, for failure messages.
 */
export async function fillSetupForm(page: Page, setup: Frame, opts: TrainOptions): Promise<() => Promise<Record<string, unknown>>> {
  await setup.evaluate(() => {
    (document.getElementById('order') as HTMLElement & { value: string }).value = 'reverse';
  });
  const setField = (id: string, value: string) => typeInto(page, setup, id, value);
  if (opts.batchSize !== undefined) await setField('f-batchSize', String(opts.batchSize));
  if (opts.seqLength !== undefined) await setField('f-seqLength', String(opts.seqLength));
  await setField('f-epochs', String(opts.epochs));
  const form = () =>
    // (No named helper functions inside evaluate callbacks: tsx would wrap them in __name(), which the page lacks.)
    setup.evaluate(() => {
      const [epochs, batchSize, order] = ['f-epochs', 'f-batchSize', 'order'].map((id) => (document.getElementById(id) as (HTMLElement & { value: string }) | null)?.value);
      return { epochs, batchSize, order, start: document.getElementById('start')?.textContent, error: document.getElementById('error')?.textContent, focus: document.activeElement?.id || document.activeElement?.tagName, hasFocus: document.hasFocus() };
    });
  const typed = await form();
  if (typed.epochs !== String(opts.epochs) || (opts.batchSize !== undefined && typed.batchSize !== String(opts.batchSize))) {
    throw new Error(`the setup form did not take the values: ${JSON.stringify(typed)}`);
  }
  return form;
}

/**
 * From the Explorer to a run panel: opens the setup form of `fileName`, sets the row order to
 * reverse (stock_daily.csv is newest first), the epochs and the batch size, presses Enter, and
 * returns the frame of the run panel that opens (a new one, not one already on screen).
 */
export async function startForecast(page: Page, fileName: string, opts: TrainOptions): Promise<Frame> {
  const before = new Set<Frame>();
  for (const f of page.frames()) if (await f.$('body[data-phase] #loss-plot').catch(() => null)) before.add(f);
  await explorerCommand(page, fileName, 'Forecast with LSTM');
  const setup = await findFrame(page, 'body[data-ready="true"] #f-epochs', 60_000);
  const form = await fillSetupForm(page, setup, opts);
  await page.keyboard.press('Enter');
  return waitFor(
    async () => {
      for (const f of page.frames()) {
        if (!before.has(f) && (await f.$('body[data-phase] #loss-plot').catch(() => null))) return f;
      }
      return null;
    },
    60_000,
    async () => `no run panel opened; the form shows ${JSON.stringify(await form().catch((e) => String(e)))}`,
  );
}

export interface RunView {
  phase: string;
  points: number;
  status: string;
}

/** What the run panel shows: its phase (body[data-phase]), loss points drawn and status line. */
export async function runView(run: Frame): Promise<RunView> {
  return run.evaluate(() => ({
    phase: document.body.dataset.phase ?? '',
    points: Number(document.getElementById('loss-plot')?.dataset.points ?? 0),
    status: document.getElementById('status')?.textContent ?? '',
  }));
}

/** Waits until the run panel's phase is one of `phases`; returns what it shows then. */
export async function waitForPhase(run: Frame, phases: string[], timeoutMs: number): Promise<RunView> {
  let last: RunView | null = null;
  return waitFor(
    async () => {
      last = await runView(run);
      return phases.includes(last.phase) ? last : null;
    },
    timeoutMs,
    () => `run panel never reached ${phases.join('/')}: last ${JSON.stringify(last)}`,
  );
}

/** Every file under `dir` (recursively) with its size and content, for before/after comparisons. */
export function treeSnapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        out[`${r}/`] = 'dir';
        walk(p, r);
      } else {
        const buf = readFileSync(p);
        out[r] = `${buf.length}:${createHash('sha256').update(buf).digest('hex')}`;
      }
    }
  };
  if (existsSync(dir)) walk(dir, '');
  return out;
}

/** The extension's output channel ("RNN Lab") as written to code-server's log folder, or null. */
export function extensionLog(userDataDir: string): string | null {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name === 'RNN Lab.log' || (e.name.endsWith('.log') && d.includes('rnn-lab'))) found.push(p);
    }
  };
  const logs = join(userDataDir, 'logs');
  if (existsSync(logs)) walk(logs);
  return found.length ? found.map((p) => readFileSync(p, 'utf8')).join('\n') : null;
}

/** The Runs tree's rows, shown (the RNN Lab container opened from the activity bar). */
/**
 * Clicks a Runs tree row until a panel frame with `selector` shows: a running run's row is drawn
 * again each time the tree refreshes (every second while it trains), which can swallow a click.
 */
export async function openFromRunsTree(page: Page, row: Locator, selector: string, timeoutMs = 60_000): Promise<Frame> {
  return waitFor(
    async () => {
      await row.click({ timeout: 5000 }).catch(() => undefined);
      return findFrame(page, selector, 3000).catch(() => null);
    },
    timeoutMs,
    async () => {
      await screenshot(page, 'failure-open-from-runs-tree');
      return `no panel with ${selector} opened from the Runs tree`;
    },
  );
}

export async function runRows(page: Page): Promise<Locator> {
  const rows = page.locator('.pane:has(.pane-header[aria-label^="Runs"]) .monaco-list-row');
  const icon = page.locator('.activitybar .action-item .action-label[aria-label^="RNN Lab"]').first();
  await waitFor(
    async () => {
      if (await page.locator('.pane-header[aria-label^="Runs"]').isVisible()) return true;
      await icon.click({ timeout: 2000 });
      return false;
    },
    60_000,
    async () => {
      await screenshot(page, 'failure-runs-view');
      return 'the RNN Lab side bar did not open';
    },
    1000,
  );
  return rows;
}
