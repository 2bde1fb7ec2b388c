/** Helpers shared by the webview pages. Browser code: no Node, no vscode module. */
import { parseReply, PendingRequests } from '../shared/channel';

interface VsCodeApi<S> {
  postMessage(message: unknown): void;
  getState(): S | undefined;
  setState(state: S): void;
}
declare function acquireVsCodeApi<S>(): VsCodeApi<S>;

/** A request body without its id: the channel numbers it. */
type Ask<M> = M extends { id: number } ? Omit<M, 'id'> : never;

/**
 * The page's one handle to the host; acquireVsCodeApi may be called only once per page.
 * `request` sends one of the page's requests (the messages of M that carry an id) and resolves
 * with the host's reply (src/shared/channel.ts); replies are read here, before the page's handler.
 */
export function vscodeApi<S, M>(): { post(m: M): void; request<T>(m: Ask<M>): Promise<T>; getState(): S | undefined; setState(s: S): void } {
  const api = acquireVsCodeApi<S>();
  const pending = new PendingRequests();
  window.addEventListener('message', (e: MessageEvent<{ type?: unknown }>) => {
    if (e.data?.type !== 'reply') return;
    try {
      pending.settle(parseReply(e.data));
    } catch {
      // a malformed reply answers nothing
    }
  });
  window.addEventListener('pagehide', () => pending.close(new Error('The page was closed.')));
  return {
    post: (m) => api.postMessage(m),
    request: <T>(m: Ask<M>) => pending.request<T>((id) => api.postMessage({ ...m, id })),
    getState: () => api.getState(),
    setState: (s) => api.setState(s),
  };
}

const MARKUP_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** A translated string for the page's markup: escaped, so a translation stays text whatever it holds. */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => MARKUP_ESCAPES[c]);
}

/** Puts the page's own markup into the bare shell the host sends. Constant markup only: file data goes in through textContent. */
export function mountShell(markup: string): void {
  document.body.insertAdjacentHTML('afterbegin', markup);
}

declare global {
  interface Window {
    __cspViolations?: { directive: string; blockedURI: string }[];
  }
}

/**
 * Forwards CSP violations to the host's output channel: those recorded by the inline recorder in
 * the page head before this script ran, and any later ones.
 */
export function reportCspViolations(post: (m: { type: 'cspViolation'; directive: string; blockedURI: string }) => void): void {
  for (const v of window.__cspViolations ?? []) post({ type: 'cspViolation', directive: v.directive, blockedURI: v.blockedURI });
  document.addEventListener('securitypolicyviolation', (e) => {
    post({ type: 'cspViolation', directive: e.effectiveDirective || e.violatedDirective, blockedURI: String(e.blockedURI || '') });
  });
}

/** Creates an element with text set through textContent: file data never goes through innerHTML. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string | number | null, className?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (className) e.className = className;
  return e;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`#${id} missing`);
  return e as T;
}

/** Colours of the current VS Code theme, read from its CSS variables. */
export interface ThemeColors {
  foreground: string;
  background: string;
  grid: string;
  accent: string;
  series: string[];
  kind: 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';
}

export function themeColors(): ThemeColors {
  const css = getComputedStyle(document.body);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  const cls = document.body.classList;
  const kind = cls.contains('vscode-high-contrast-light')
    ? 'high-contrast-light'
    : cls.contains('vscode-high-contrast')
      ? 'high-contrast'
      : cls.contains('vscode-light')
        ? 'light'
        : 'dark';
  return {
    kind,
    foreground: v('--vscode-editor-foreground', kind === 'light' ? '#333' : '#ccc'),
    background: v('--vscode-editor-background', kind === 'light' ? '#fff' : '#1e1e1e'),
    grid: v('--vscode-editorWidget-border', v('--vscode-panel-border', '#8884')),
    accent: v('--vscode-focusBorder', '#007fd4'),
    series: [
      v('--vscode-charts-blue', '#3794ff'),
      v('--vscode-charts-orange', '#d18616'),
      v('--vscode-charts-green', '#89d185'),
      v('--vscode-charts-purple', '#b180d7'),
      v('--vscode-charts-red', '#f14c4c'),
      v('--vscode-charts-yellow', '#cca700'),
    ],
  };
}

/** Calls `f` whenever VS Code switches theme (it changes the body's class). */
export function onThemeChange(f: () => void): void {
  new MutationObserver(f).observe(document.body, { attributes: true, attributeFilter: ['class'] });
}
