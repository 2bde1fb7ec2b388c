/**
 * The run panel: live loss, then prediction vs actual with persistence, the metrics table and the
 * forecast. Keeps its RunViewState with setState so a reload (or hiding the tab) restores it.
 */
import type { ForecastResult } from '../shared/forecast';
import type { HostToRun, LossPoint, RunToHost, RunViewState } from '../shared/protocol';
import { byId, el, esc, mountShell, onThemeChange, reportCspViolations, themeColors, vscodeApi } from './common';
import { baseLayout, PLOT_CONFIG, Plotly, type PlotDiv } from './plotting';
import { fmt, runInfo, verdict } from './format';
import { t } from './l10n';
import { plotlyText, plotlyValues } from './plotlyText';

/** The page's markup: the host sends a bare shell, and only this file knows these ids. Its words are the display language's, escaped. */
const SHELL = `
<main class="run">
  <header>
    <h1 id="title">${esc(t('Forecast'))}</h1>
    <p id="status" class="muted" role="status"></p>
  </header>
  <div class="toolbar">
    <vscode-button id="cancel" secondary hidden>${esc(t('Cancel training'))}</vscode-button>
    <vscode-checkbox id="log-scale">${esc(t('Log scale'))}</vscode-checkbox>
    <vscode-button id="export-png" secondary>${esc(t('Export PNG'))}</vscode-button>
    <vscode-button id="export-svg" secondary>${esc(t('Export SVG'))}</vscode-button>
    <vscode-button id="save-model" secondary disabled>${esc(t('Save model…'))}</vscode-button>
    <vscode-button id="forecast-saved" secondary disabled>${esc(t('Forecast with saved model…'))}</vscode-button>
  </div>
  <section id="loss-section">
    <h2>${esc(t('Training loss'))}</h2>
    <div id="loss-plot" class="plot"></div>
  </section>
  <section id="results" hidden>
    <h2 id="forecast-title">${esc(t('Test windows: prediction vs actual'))}</h2>
    <div id="forecast-plot" class="plot tall"></div>
    <h2 id="metrics-title">${esc(t('Metrics on the test windows'))}</h2>
    <table id="metrics"></table>
    <p id="verdict"></p>
    <p id="run-info" class="muted"></p>
  </section>
</main>`;
mountShell(SHELL);

const vscode = vscodeApi<RunViewState, RunToHost>();

let state: RunViewState | null = vscode.getState() ?? null;
let logScale = false;

// ---------------------------------------------------------------------------------------------
// Loss

function drawLoss(history: LossPoint[]): void {
  const div = byId<PlotDiv>('loss-plot');
  const theme = themeColors();
  const traces: object[] = [
    { type: 'scatter', mode: 'lines', name: t('training loss'), x: history.map((p) => p.epoch), y: history.map((p) => p.loss), line: { color: theme.series[0] } },
  ];
  if (history.some((p) => p.valLoss !== null)) {
    traces.push({ type: 'scatter', mode: 'lines', name: t('validation loss'), x: history.map((p) => p.epoch), y: history.map((p) => p.valLoss), line: { color: theme.series[1] } });
  }
  const layout = baseLayout({
    xaxis: { ...(baseLayout({}) as { xaxis: object }).xaxis, title: { text: t('epoch') } },
    yaxis: { ...(baseLayout({}) as { yaxis: object }).yaxis, title: { text: t('MSE (scaled)') }, type: logScale ? 'log' : 'linear' },
  });
  void Plotly.react(div, traces, layout, PLOT_CONFIG);
  div.dataset.points = String(history.length);
}

// ---------------------------------------------------------------------------------------------
// Results

function drawForecast(r: ForecastResult): void {
  const div = byId<PlotDiv>('forecast-plot');
  const theme = themeColors();
  // High-contrast themes get heavier lines: a 1 px dotted line all but vanishes on black or white.
  const w = theme.kind.startsWith('high-contrast') ? 1 : 0;
  const s = r.testSeries;
  // The target's name and the dates come from the file: plotly would read tags in them as markup.
  const target = plotlyText(r.target);
  const x = plotlyValues(s.x);
  const traces: object[] = [
    { type: 'scatter', mode: 'lines', name: t('actual {0}', target), x, y: s.actual, line: { color: theme.foreground, width: 1.5 + w } },
    { type: 'scatter', mode: 'lines', name: t('LSTM prediction'), x, y: s.predicted, line: { color: theme.series[0], width: 1.5 + w } },
    { type: 'scatter', mode: 'lines', name: t('persistence (last value)'), x, y: s.naive, line: { color: theme.series[1], width: 1 + w, dash: 'dot' } },
  ];
  if (r.forecast.values.length) {
    // Join the forecast to the last actual value so the line continues.
    const lastX = x[x.length - 1];
    const lastY = s.actual[s.actual.length - 1];
    traces.push({
      type: 'scatter',
      mode: 'lines+markers',
      name: t('forecast ({0} steps)', r.forecast.values.length),
      x: [lastX, ...plotlyValues(r.forecast.x)],
      y: [lastY, ...r.forecast.values],
      line: { color: theme.series[2], width: 2 + w, dash: 'dash' },
      marker: { size: 5 },
    });
  }
  const dates = typeof s.x[0] === 'string';
  const layout = baseLayout({
    xaxis: { ...(baseLayout({}) as { xaxis: object }).xaxis, title: { text: dates ? t('date') : t('row') }, type: dates ? 'date' : 'linear' },
    yaxis: { ...(baseLayout({}) as { yaxis: object }).yaxis, title: { text: t('{0} (original units)', target) } },
  });
  void Plotly.react(div, traces, layout, PLOT_CONFIG);
  div.dataset.points = String(s.x.length);
}

function drawMetrics(r: ForecastResult, scope: 'test' | 'all'): void {
  const table = byId<HTMLTableElement>('metrics');
  table.replaceChildren();
  const head = table.createTHead().insertRow();
  for (const h of ['', 'LSTM', t('Persistence')]) head.append(el('th', h));
  const body = table.createTBody();
  const rows: [string, string, number | null, number | null][] = [
    ['rmse', 'RMSE', r.test.rmse, r.naive.rmse],
    ['mae', 'MAE', r.test.mae, r.naive.mae],
    ['mape', 'MAPE (%)', r.test.mape, r.naive.mape],
  ];
  for (const [id, label, model, naive] of rows) {
    const tr = body.insertRow();
    tr.append(el('th', label));
    const m = el('td', fmt(model), 'num');
    m.id = `metric-${id}-model`;
    const n = el('td', fmt(naive), 'num');
    n.id = `metric-${id}-naive`;
    if (model !== null && naive !== null) (model <= naive ? m : n).classList.add('better');
    tr.append(m, n);
  }
  byId('verdict').textContent = verdict(r, scope);
  byId('run-info').textContent = runInfo(r, scope);
}

// ---------------------------------------------------------------------------------------------
// State

function statusText(s: RunViewState): string {
  switch (s.phase.kind) {
    case 'training': {
      const last = s.history[s.history.length - 1];
      const what = s.source === 'saved' ? t('Forecasting with a saved model') : s.phase.backend ? t('Training on {0}', s.phase.backend) : t('Training');
      return last ? t('{0}: epoch {1}/{2}, loss {3}', what, last.epoch, s.phase.epochs, fmt(last.loss)) : t('{0}…', what);
    }
    case 'done':
      return s.phase.runDir ? t('Done. The run is saved in the workspace (.rnnlab/runs).') : t('Done.');
    case 'failed':
      return t('Failed: {0}', s.phase.message);
    case 'cancelled':
      return t('Cancelled. The run is kept in the Runs view as cancelled, with its curve so far.');
    case 'interrupted':
      return t('Interrupted: the window or its training worker stopped while this run trained. The run is kept in the Runs view with its curve so far; train it again to finish it.');
  }
}

function render(s: RunViewState): void {
  byId('title').textContent = s.source === 'saved' ? t('Saved model on {0}', s.fileName) : t('LSTM forecast of {0}', s.fileName);
  byId('status').textContent = statusText(s);
  document.body.dataset.phase = s.phase.kind;
  byId('cancel').hidden = s.phase.kind !== 'training';
  const done = s.phase.kind === 'done';
  byId('save-model').toggleAttribute('disabled', !(done && s.source === 'train' && s.phase.kind === 'done' && s.phase.runDir));
  byId('forecast-saved').toggleAttribute('disabled', s.phase.kind === 'training');
  // A saved model applied to a file trains nothing: no loss to show, and every window is scored.
  const saved = s.source === 'saved';
  byId('loss-section').hidden = saved;
  byId('log-scale').hidden = saved;
  byId('forecast-title').textContent = saved ? t('Every window of the file: prediction vs actual') : t('Test windows: prediction vs actual');
  byId('metrics-title').textContent = saved ? t('Metrics on every window') : t('Metrics on the test windows');
  if (!saved) drawLoss(s.history);
  byId('results').hidden = !done;
  if (s.phase.kind === 'done') {
    drawForecast(s.phase.result);
    drawMetrics(s.phase.result, saved ? 'all' : 'test');
  }
}

function redrawAll(): void {
  if (state) render(state);
}

window.addEventListener('message', (event: MessageEvent<HostToRun>) => {
  const m = event.data;
  switch (m.type) {
    case 'state':
      state = m.state;
      vscode.setState(state);
      render(state);
      return;
    case 'epochs':
      if (!state || state.runId !== m.runId) return;
      state.history.push(...m.points);
      vscode.setState(state);
      byId('status').textContent = statusText(state);
      drawLoss(state.history);
      return;
    case 'reply':
      // settled by vscodeApi's channel
      return;
    case 'notice':
      byId('status').textContent = m.message;
      return;
  }
});

// ---------------------------------------------------------------------------------------------
// Controls

byId('cancel').addEventListener('click', () => vscode.post({ type: 'cancel' }));
byId('save-model').addEventListener('click', () => vscode.post({ type: 'saveModel' }));
byId('forecast-saved').addEventListener('click', () => vscode.post({ type: 'forecastWithSaved' }));
byId('log-scale').addEventListener('change', (e) => {
  logScale = (e.target as HTMLElement & { checked: boolean }).checked;
  if (state) drawLoss(state.history);
});

async function exportChart(format: 'png' | 'svg'): Promise<void> {
  const results = !byId('results').hidden;
  const div = byId<PlotDiv>(results ? 'forecast-plot' : 'loss-plot');
  if (!div.data || !div.layout) return;
  // Exported images get the theme's background instead of transparency, so they read anywhere.
  const bg = themeColors().background;
  const dataUrl = await Plotly.toImage({ data: div.data, layout: { ...div.layout, paper_bgcolor: bg, plot_bgcolor: bg } }, { format, width: 1200, height: 600 });
  vscode.post({ type: 'exportImage', format, dataUrl });
}
byId('export-png').addEventListener('click', () => void exportChart('png'));
byId('export-svg').addEventListener('click', () => void exportChart('svg'));

/** Set by esbuild: true only in the bench build (`scripts/package.mjs --bench`), so the shipped page has no hook. */
declare const RNN_LAB_BENCH: boolean;
if (RNN_LAB_BENCH) {
  // Round trips through the extension host, timed by the bench and the e2e while training runs.
  (window as unknown as { rnnLabPing: (n: number) => Promise<number[]> }).rnnLabPing = async (n: number) => {
    const times: number[] = [];
    for (let k = 0; k < n; k++) {
      const t0 = performance.now();
      await vscode.request({ type: 'ping' });
      times.push(performance.now() - t0);
    }
    return times;
  };
}

onThemeChange(redrawAll);
reportCspViolations(vscode.post);
if (state) render(state);
vscode.post({ type: 'ready' });
