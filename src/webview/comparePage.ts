/**
 * Compare Runs: the loss curves of two or more runs overlaid in one plotly chart (training solid,
 * held-out dashed, each run in its Okabe–Ito colour), smoothed by TensorBoard's debiased EMA with
 * the raw curve drawn faintly behind; x by step or by wall time; y linear or log. Below, a table of
 * the runs' headline figures and options, with "differences only". The CSV export is the host's:
 * it reads every line from disk. The controls and the run folders are kept with setState, so a
 * reloaded panel comes back as it was. Run labels and config values are dataset text: plotlyText
 * in the chart, textContent in the table. The table's rows are named by the option tables' labels
 * and the figures' names, each with its run.json key in small text (shared/compareTable.ts).
 */
import { compareRows } from '../shared/compareTable';
import { smoothEma, thinIndices } from '../shared/curves';
import type { CompareRun, CompareToHost, CompareViewState, HostToCompare } from '../shared/runsProtocol';
import { byId, el, mountShell, onThemeChange, reportCspViolations, themeColors, vscodeApi } from './common';
import { t, WORDS } from './l10n';
import { plotlyText } from './plotlyText';

const SHELL = `
<main class="compare">
  <header>
    <h1 id="title"></h1>
    <p id="problems" class="error" role="alert" hidden></p>
  </header>
  <div class="toolbar">
    <label for="smoothing" id="smoothing-label"></label>
    <input type="range" id="smoothing" min="0" max="0.99" step="0.01">
    <span id="smoothing-value" class="muted"></span>
    <vscode-single-select id="x-axis"></vscode-single-select>
    <vscode-checkbox id="log-y"></vscode-checkbox>
    <vscode-button id="export-csv" secondary></vscode-button>
  </div>
  <div id="plot" class="plot tall"></div>
  <div class="toolbar"><h2 id="table-title"></h2><vscode-checkbox id="diff-only"></vscode-checkbox></div>
  <div class="table-wrap"><table id="configs"></table></div>
</main>`;
mountShell(SHELL);

interface PlotlyApi {
  react(div: HTMLElement, data: object[], layout: object, config?: object): Promise<unknown>;
}
declare const Plotly: PlotlyApi;

/** Points per drawn trace, after smoothing (smoothing is computed on every point). */
const DRAW_POINTS = 2000;

const vscode = vscodeApi<CompareViewState, CompareToHost>();
let runs: CompareRun[] = [];
let view: CompareViewState | null = vscode.getState() ?? null;

const smoothing = byId<HTMLInputElement>('smoothing');
const xAxis = byId('x-axis');
const logY = byId('log-y');
const diffOnly = byId('diff-only');

// The controls wait for the runs: a click before them would be lost when their view arrives.
const controls = [smoothing, xAxis, logY, diffOnly, byId('export-csv')];
for (const c of controls) c.toggleAttribute('disabled', true);

byId('smoothing-label').textContent = t('Smoothing');
logY.textContent = t('Log scale');
diffOnly.textContent = t('Differences only');
byId('export-csv').textContent = t('Export CSV…');
byId('table-title').textContent = t('Configs and figures');
xAxis.replaceChildren(...[['step', t('x: step')], ['time', t('x: wall time (s)')]].map(([value, label]) => Object.assign(el('vscode-option' as 'option', label), { value })));

const checked = (e: HTMLElement) => (e as HTMLElement & { checked: boolean }).checked;
function setChecked(e: HTMLElement, v: boolean): void {
  (e as HTMLElement & { checked: boolean }).checked = v;
}

function readControls(): void {
  if (!view) return;
  view = { ...view, smoothing: Number(smoothing.value), xAxis: (xAxis as HTMLElement & { value: string }).value === 'time' ? 'time' : 'step', logY: checked(logY), diffOnly: checked(diffOnly) };
  vscode.setState(view);
  vscode.post({ type: 'view', view });
}

function showControls(v: CompareViewState): void {
  smoothing.value = String(v.smoothing);
  byId('smoothing-value').textContent = v.smoothing.toFixed(2);
  (xAxis as HTMLElement & { value: string }).value = v.xAxis;
  setChecked(logY, v.logY);
  setChecked(diffOnly, v.diffOnly);
}

function drawPlot(v: CompareViewState): void {
  const theme = themeColors();
  const traces: object[] = [];
  for (const r of runs) {
    const c = r.curve;
    const x = v.xAxis === 'time' ? c.t : c.step;
    const name = plotlyText(r.label);
    const series: [string, (number | null)[], string][] = [[t('training'), c.loss, 'solid']];
    if (c.valLoss.some((y) => y !== null)) series.push([t('held-out'), c.valLoss, 'dash']);
    for (const [what, ys, dash] of series) {
      const raw = ys.map((y) => (y === null ? NaN : y));
      const smooth = smoothEma(raw, v.smoothing);
      // Each curve thinned by its own extremes, so neither loses a spike to the other's thinning.
      const thin = (ys: number[]) => {
        const keep = thinIndices(ys, DRAW_POINTS);
        return { x: keep.map((i) => x[i]), y: keep.map((i) => ys[i]) };
      };
      const group = `${r.id}-${what}`;
      if (v.smoothing > 0) {
        // The raw curve, faintly behind the smoothed one: smoothing never hides a point.
        traces.push({ type: 'scatter', mode: 'lines', ...thin(raw), line: { color: r.color, width: 1, dash }, opacity: 0.25, legendgroup: group, showlegend: false, hoverinfo: 'skip' });
      }
      traces.push({ type: 'scatter', mode: 'lines', name: `${name} · ${what}`, ...thin(smooth), line: { color: r.color, width: 2, dash }, legendgroup: group });
    }
  }
  const axis = { gridcolor: theme.grid, linecolor: theme.grid, zerolinecolor: theme.grid, color: theme.foreground };
  const layout = {
    paper_bgcolor: 'rgba(0,0,0,0)',
    plot_bgcolor: 'rgba(0,0,0,0)',
    font: { color: theme.foreground, size: 12 },
    margin: { l: 60, r: 20, t: 10, b: 40 },
    legend: { orientation: 'h', y: -0.2 },
    xaxis: { ...axis, title: { text: v.xAxis === 'time' ? t('seconds since start') : t('step') } },
    yaxis: { ...axis, title: { text: t('loss') }, type: v.logY ? 'log' : 'linear' },
  };
  const div = byId('plot');
  void Plotly.react(div, traces, layout, { displaylogo: false, responsive: true, modeBarButtonsToRemove: ['toImage', 'select2d', 'lasso2d'] });
  div.dataset.traces = String(traces.length);
}

function drawTable(v: CompareViewState): void {
  const table = byId<HTMLTableElement>('configs');
  table.replaceChildren();
  const head = table.createTHead().insertRow();
  head.append(el('th', ''));
  for (const r of runs) {
    const th = el('th', r.label);
    th.classList.add('run-head');
    head.append(th);
  }
  const body = table.createTBody();
  for (const row of compareRows(runs, WORDS)) {
    if (v.diffOnly && !row.differs && !row.figure) continue;
    const tr = body.insertRow();
    tr.dataset.key = row.key;
    if (row.figure) tr.dataset.figure = 'true';
    if (row.differs) tr.classList.add('differs');
    // The label, with run.json's key beneath it (a hand-edited key has no label but itself).
    const th = el('th');
    th.title = row.key;
    th.append(el('span', row.label, 'row-label'));
    if (row.label !== row.key) th.append(el('small', row.key, 'muted row-key'));
    tr.append(th);
    for (const value of row.values) tr.append(el('td', value, row.figure ? 'num' : undefined));
  }
}

function draw(): void {
  if (!view) return;
  showControls(view);
  drawPlot(view);
  drawTable(view);
}

window.addEventListener('message', (e: MessageEvent<HostToCompare | { type: 'reply' }>) => {
  const m = e.data;
  if (m?.type !== 'runs') return;
  runs = m.runs;
  view = m.view;
  vscode.setState(view);
  byId('title').textContent = t('{0} runs compared', runs.length);
  const problems = byId('problems');
  problems.textContent = m.problems.join('\n');
  problems.hidden = m.problems.length === 0;
  draw();
  for (const c of controls) c.toggleAttribute('disabled', false);
});

smoothing.addEventListener('input', () => {
  byId('smoothing-value').textContent = Number(smoothing.value).toFixed(2);
  readControls();
  if (view) drawPlot(view);
});
for (const c of [xAxis, logY]) c.addEventListener('change', () => (readControls(), view && drawPlot(view)));
diffOnly.addEventListener('change', () => (readControls(), view && drawTable(view)));
byId('export-csv').addEventListener('click', () => vscode.post({ type: 'exportCsv' }));
onThemeChange(() => view && drawPlot(view));
reportCspViolations((m) => vscode.post(m));
vscode.post({ type: 'ready' });
