/**
 * The vscode-side half of the HTML builder: webview options and the asset list of each page.
 * The markup and CSP themselves come from webviewHtml.ts, the one place that builds HTML.
 */
import * as vscode from 'vscode';
import { buildWebviewHtml, createNonce } from './webviewHtml';

export type PageName = 'forecastSetupPage' | 'runPage' | 'seq2seqSetupPage' | 'seq2seqRunPage' | 'packingPage' | 'vocabularyPage' | 'chartsPage' | 'comparePage';

/** The pages that draw charts load plotly (and its extracted stylesheet). */
const PLOTLY_PAGES: readonly PageName[] = ['runPage', 'seq2seqRunPage', 'comparePage'];

/**
 * Scripts run; resources load only from the extension's own `media/` (stylesheet, icon) and
 * `dist/` (bundled page scripts, vscode-elements, plotly). Narrowing localResourceRoots means a
 * compromised page still cannot read workspace files or anything else on disk through the
 * webview resource loader. retainContextWhenHidden is deliberately not set: hidden panels are
 * rebuilt from getState, which costs far less memory than keeping plotly alive in the background.
 */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media'), vscode.Uri.joinPath(extensionUri, 'dist')],
  };
}

/**
 * The page's HTML: a bare shell with its styles and scripts, and the strings of the display
 * language (every page's, from the one bundle). The page script builds its own markup.
 */
export function pageHtml(webview: vscode.Webview, extensionUri: vscode.Uri, page: PageName, title: string): string {
  const uri = (...p: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...p)).toString();
  const usesPlotly = PLOTLY_PAGES.includes(page);
  return buildWebviewHtml({
    cspSource: webview.cspSource,
    nonce: createNonce(),
    title,
    styles: [
      ...(usesPlotly ? [{ href: uri('dist', 'media', 'plotly.css'), id: 'plotly.js-style-global', className: 'no-inline-styles' }] : []),
      { href: uri('media', 'webview.css') },
    ],
    scripts: [
      { src: uri('dist', 'media', 'vscode-elements.js'), module: true },
      ...(usesPlotly ? [{ src: uri('dist', 'media', 'plotly.min.js') }] : []),
      { src: uri('dist', 'webview', `${page}.js`) },
    ],
    body: '',
    lang: vscode.env.language,
    l10n: vscode.l10n.bundle,
  });
}
