/**
 * The side bar's charts view: one small loss chart per run (the runs selected in the Runs tree and
 * the one training now), drawn as plain SVG: a side bar holds many small charts, and plotly's
 * weight buys nothing at this size. Training loss solid, held-out loss dashed, y on a log scale
 * (losses span decades), in the run's colour. Run labels are dataset text: textContent only.
 * The host sends only the runs that changed; the page keeps the others, and their charts.
 */
import type { CurveColumns } from '../shared/curves';
import { statusWord } from '../shared/runs';
import { MINI_CHART, type ChartRun, type ChartsToHost, type CurveRun, type HostToCharts } from '../shared/runsProtocol';
import { el, mountShell, reportCspViolations, vscodeApi } from './common';
import { t } from './l10n';

const SHELL = `
<main class="charts">
  <p id="note" class="muted" role="status"></p>
  <div id="charts" class="chart-list"></div>
</main>`;
mountShell(SHELL);

const SVG = 'http://www.w3.org/2000/svg';
const { width: W, height: H, pad: PAD } = MINI_CHART;

const vscode = vscodeApi<HostToCharts, ChartsToHost>();
const note = document.getElementById('note')!;
const list = document.getElementById('charts')!;

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

/** The polyline's points for `ys` against `xs`, in the chart's box, y on a log scale. */
function points(xs: number[], ys: (number | null)[], x0: number, x1: number, y0: number, y1: number): string {
  const out: string[] = [];
  for (let i = 0; i < xs.length; i++) {
    const y = ys[i];
    if (y === null || !(y > 0)) continue;
    const px = PAD + ((xs[i] - x0) / (x1 - x0 || 1)) * (W - 2 * PAD);
    const py = H - PAD - ((Math.log10(y) - y0) / (y1 - y0 || 1)) * (H - 2 * PAD);
    out.push(`${px.toFixed(1)},${py.toFixed(1)}`);
  }
  return out.join(' ');
}

function chart(run: CurveRun): HTMLElement {
  const c: CurveColumns = run.curve;
  const card = el('section', undefined, 'chart-card');
  const head = el('div', undefined, 'chart-head');
  const swatch = svg('svg', { viewBox: '0 0 10 10', class: 'swatch', 'aria-hidden': 'true' });
  swatch.append(svg('rect', { width: 10, height: 10, fill: run.color }));
  head.append(swatch, el('span', run.label, 'chart-label'));
  const last = c.loss.at(-1);
  head.append(el('span', `${statusWord(run.status, t)}${last === undefined ? '' : ` · ${t('loss {0}', last.toPrecision(3))}`}`, 'muted'));
  card.append(head);
  const box = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', class: 'mini-chart' });
  box.setAttribute('aria-label', t('Loss curve of {0}: {1} points', run.label, c.loss.length));
  const logs = [...c.loss, ...c.valLoss].filter((v): v is number => v !== null && v > 0).map(Math.log10);
  if (logs.length) {
    let y0 = Infinity;
    let y1 = -Infinity;
    for (const v of logs) {
      if (v < y0) y0 = v;
      if (v > y1) y1 = v;
    }
    const x0 = c.step[0];
    const x1 = c.step[c.step.length - 1];
    box.append(svg('polyline', { points: points(c.step, c.loss, x0, x1, y0, y1), fill: 'none', stroke: run.color, 'stroke-width': 1.5 }));
    if (c.valLoss.some((v) => v !== null)) box.append(svg('polyline', { points: points(c.step, c.valLoss, x0, x1, y0, y1), fill: 'none', stroke: run.color, 'stroke-width': 1.2, 'stroke-dasharray': '4 3' }));
  }
  card.append(box);
  return card;
}

/** Every run the page holds, by slot, with its chart. */
const held = new Map<string, { run: ChartRun; card: HTMLElement }>();

function draw(m: HostToCharts): void {
  for (const run of m.runs) held.set(run.key, { run, card: chart(run) });
  for (const key of [...held.keys()]) if (!m.order.includes(key)) held.delete(key);
  const shown = m.order.flatMap((k) => held.get(k) ?? []);
  note.textContent = m.note || (shown.length ? t('{0} runs · solid: training loss, dashed: held-out loss (log scale)', shown.length) : '');
  list.replaceChildren(...shown.map((h) => h.card));
  document.body.dataset.charts = String(shown.length);
  // What a reload draws before the host answers: every run held, as one message.
  vscode.setState({ type: 'runs', order: m.order, runs: shown.map((h) => h.run), note: m.note });
}

window.addEventListener('message', (e: MessageEvent<HostToCharts | { type: 'reply' }>) => {
  if (e.data?.type === 'runs') draw(e.data);
});
const saved = vscode.getState();
// A state kept before runs had slots is not drawn: the host sends everything on ready anyway.
if (saved && Array.isArray(saved.order)) draw(saved);
reportCspViolations((m) => vscode.post(m));
vscode.post({ type: 'ready' });
