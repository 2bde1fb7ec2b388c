/// <reference lib="dom" />
// (page.evaluate callbacks run in the browser.)
/**
 * End-to-end harness: the packaged .vsix installed into code-server 4.100.3 (VS Code 1.100.3)
 * with a fresh user-data-dir, served on loopback, driven by Debian's Chromium via playwright-core.
 * See ../shared/notes/vscode-e2e.md for why code-server and not @vscode/test-electron.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Frame, type Page } from 'playwright-core';

export const repoRoot = resolve(__dirname, '../..');
export const sharedData = resolve(repoRoot, '../shared/data');

export interface Env {
  workspace: string;
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
  copyFileSync(join(sharedData, 'stock_daily.csv'), join(dir, 'stock_daily.csv'));
  writeFileSync(join(dir, 'bad_text.csv'), 'Date,Open,Close\n2020-01-01,1,2\n2020-01-02,1.5,2.5\n2020-01-03,abc,2.7\n2020-01-04,1.7,2.9\n2020-01-05,1.8,3.0\n');
  writeFileSync(join(dir, 'empty.csv'), '');
  writeFileSync(join(dir, 'two_rows.csv'), 'Open,Close\n1,2\n3,4\n');
  // No trust prompt, no welcome page, no startup editor: the test sees the workbench straight away.
  mkdirSync(join(dir, '.vscode'), { recursive: true });
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

export async function launch(opts: { vsix: string; entry: string; scratch?: string }): Promise<Env> {
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

  const port = await freePort();
  let log = '';
  // detached: its own process group, so close() can end it together with the file watcher and
  // extension host it forks.
  const server = spawn(
    process.execPath,
    [opts.entry, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--user-data-dir', userData, '--extensions-dir', extensions, workspace],
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

export async function waitFor<T>(f: () => Promise<T | false | null | undefined>, timeoutMs: number, what: string | (() => string), intervalMs = 100): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await f().catch(() => undefined);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out: ${typeof what === 'string' ? what : what()}`);
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
  await row.waitFor({ timeout: 30_000 });
  const item = page.locator(`.context-view .action-label:has-text("${title}")`).first();
  await waitFor(
    async () => {
      await row.click({ button: 'right' });
      try {
        await item.waitFor({ timeout: 1500 });
        return true;
      } catch {
        await page.keyboard.press('Escape');
        return false;
      }
    },
    60_000,
    `no "${title}" in the context menu of ${fileName}`,
    500,
  );
  // A click right after the menu opens is sometimes swallowed; the hovered entry also takes Enter.
  await item.click();
  if (await item.isVisible().catch(() => false)) await page.keyboard.press('Enter');
}

/** Error notifications currently shown. */
export async function errorNotifications(page: Page): Promise<string[]> {
  return page.locator('.notifications-toasts .notification-list-item').evaluateAll((items) =>
    items.filter((i) => i.querySelector('.codicon-error')).map((i) => (i.querySelector('.notification-list-item-message') as HTMLElement | null)?.innerText ?? ''),
  );
}

export async function clearNotifications(page: Page): Promise<void> {
  await page.keyboard.press('Escape');
  for (const b of await page.locator('.notifications-toasts .codicon-notifications-clear, .notifications-toasts .codicon-close').all()) {
    await b.click().catch(() => {});
  }
}

export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = join(repoRoot, 'media', 'screenshots');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`) });
}

export function exists(p: string): boolean {
  return existsSync(p);
}
