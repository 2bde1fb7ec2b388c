/**
 * The seq2seq training panel: live loss (log scale optional), elapsed and remaining time, the
 * course's status line, held-out metrics as curves, translation samples in the course's three-line
 * form with each predicted token marked, a step slider over earlier samples, Try a sentence, and
 * attention heatmaps. Keeps its state with setState so a reload (or hiding the tab) restores it.
 * Every word from the file or the user goes in through textContent, and into plotly through plotlyText.
 */
import type { Seq2SeqSample, Translation } from '../shared/seq2seq';
import { applySeq2SeqDelta, courseLine, parseTranslation, tokenMarks, type HostToSeq2SeqRun, type Seq2SeqRunState, type Seq2SeqRunToHost } from '../shared/seq2seqProtocol';
import { byId, el, mountShell, onThemeChange, reportCspViolations, themeColors, vscodeApi } from './common';
import { baseLayout, PLOT_CONFIG, Plotly, type PlotDiv } from './plotting';
import { plotlyText, plotlyValues } from './plotlyText';
import { t } from './l10n';

const SHELL = `
<main class="run">
  <h1 id="title"></h1>
  <p id="status" role="status"></p>
  <p id="timing" class="muted"></p>
  <div class="toolbar">
    <vscode-button id="cancel" secondary></vscode-button>
    <vscode-button id="save-model" secondary></vscode-button>
    <vscode-button id="export-csv" secondary></vscode-button>
    <vscode-button id="export-json" secondary></vscode-button>
    <vscode-button id="vocabulary" secondary hidden></vscode-button>
  </div>
  <section>
    <h2 id="loss-title"></h2>
    <vscode-checkbox id="log-scale"></vscode-checkbox>
    <div id="loss-plot" class="plot"></div>
  </section>
  <section>
    <h2 id="metrics-title"></h2>
    <p id="measured-on" class="muted"></p>
    <div id="metrics-plot" class="plot"></div>
  </section>
  <section>
    <h2 id="samples-title"></h2>
    <div class="toolbar">
      <label for="step" id="step-label"></label>
      <input type="range" id="step" min="0" max="0" value="0">
      <span id="step-value" class="muted"></span>
    </div>
    <div id="samples"></div>
  </section>
  <section>
    <h2 id="try-title"></h2>
    <div class="toolbar">
      <vscode-textfield id="try-input"></vscode-textfield>
      <vscode-button id="try-go"></vscode-button>
    </div>
    <p id="try-unavailable" class="muted" hidden></p>
    <pre id="try-output" class="pair"></pre>
    <p id="try-unknown" class="muted"></p>
  </section>
  <section id="attention" hidden>
    <h2 id="attention-title"></h2>
    <p id="attention-caption" class="muted"></p>
    <div id="attention-plot" class="plot tall"></div>
    <div class="colorbar-row"><span>0</span><div id="attention-colorbar" class="colorbar" role="img"></div><span>1</span><span id="colorbar-label" class="muted"></span></div>
  </section>
</main>`;
mountShell(SHELL);

byId('cancel').textContent = t('Cancel');
byId('save-model').textContent = t('Save model');
byId('export-csv').textContent = t('Export CSV');
byId('export-json').textContent = t('Export JSON');
byId('vocabulary').textContent = t('Vocabulary…');
byId('loss-title').textContent = t('Loss');
byId('log-scale').textContent = t('Log scale');
byId('metrics-title').textContent = t('Metrics');
byId('samples-title').textContent = t('Translation samples');
byId('step-label').textContent = t('Step');
byId('try-title').textContent = t('Try a sentence');
byId('try-go').textContent = t('Translate');
byId('attention-title').textContent = t('Attention');
byId('colorbar-label').textContent = t('attention weight');
byId('attention-colorbar').setAttribute('aria-label', t('colour scale from weight 0 to weight 1'));

const vscode = vscodeApi<Seq2SeqRunState, Seq2SeqRunToHost>();

let state: Seq2SeqRunState | null = vscode.getState() ?? null;
let logScale = false;
/** The slider follows the newest samples until the user moves it. */
let followLatest = true;
/** What the heatmap shows: a sample, or the last Try a sentence. */
let heatmap: { source: string; output: string[]; weights: number[][] } | null = null;

function axisTitle(text: string, extra: object = {}): object {
  return { ...(baseLayout({}) as { xaxis: object }).xaxis, title: { text }, ...extra };
}

function drawLoss(s: Seq2SeqRunState): void {
  const div = byId<PlotDiv>('loss-plot');
  const c = themeColors();
  const traces: object[] = [
    { type: 'scatter', mode: 'lines', name: t('training loss'), x: s.loss.map((p) => p.step), y: s.loss.map((p) => p.value), line: { color: c.series[0] } },
    { type: 'scatter', mode: 'markers', name: s.courseMode ? t('the course’s report (mean of 1,000 steps)') : t('epoch mean'), x: s.reports.map((p) => p.step), y: s.reports.map((p) => p.value), marker: { color: c.series[2], size: 7 } },
  ];
  if (s.heldOut.length) traces.push({ type: 'scatter', mode: 'lines+markers', name: t('held-out loss'), x: s.heldOut.map((p) => p.step), y: s.heldOut.map((p) => p.value), line: { color: c.series[1] } });
  void Plotly.react(div, traces, baseLayout({ xaxis: axisTitle(t('step')), yaxis: axisTitle(t('NLL per token'), { type: logScale ? 'log' : 'linear' }) }), PLOT_CONFIG);
  div.dataset.points = String(s.loss.length);
}

function drawMetrics(s: Seq2SeqRunState): void {
  const div = byId<PlotDiv>('metrics-plot');
  const c = themeColors();
  const x = s.metrics.map((m) => m.step);
  const line = (name: string, y: number[], color: string) => ({ type: 'scatter', mode: 'lines+markers', name, x, y, line: { color } });
  const traces = [
    line(t('token accuracy'), s.metrics.map((m) => m.tokenAccuracy), c.series[0]),
    line(t('exact match'), s.metrics.map((m) => m.exactMatch), c.series[1]),
    line(t('BLEU-4'), s.metrics.map((m) => m.bleu), c.series[2]),
  ];
  void Plotly.react(div, traces, baseLayout({ xaxis: axisTitle(t('step')), yaxis: axisTitle('', { range: [0, 1.02], tickformat: '.0%' }) }), PLOT_CONFIG);
  div.dataset.points = String(x.length);
  byId('measured-on').textContent =
    s.measuredOn === 'train'
      ? t('No pairs are held out (test fraction 0): the metrics are measured on the training pairs, as the course’s evaluate does.')
      : t('Measured on the held-out pairs, which never train.');
}

function fmtSeconds(x: number): string {
  return x >= 90 ? t('{0} min', (x / 60).toFixed(1)) : t('{0} s', x.toFixed(1));
}

function statusText(s: Seq2SeqRunState): string {
  const p = s.phase;
  switch (p.kind) {
    case 'training': {
      const last = s.reports[s.reports.length - 1];
      if (s.courseMode && last) return courseLine(last.step, s.totalSteps, last.value);
      const loss = s.loss[s.loss.length - 1];
      return s.step === 0 ? t('Starting…') : t('step {0} of {1} · loss {2}', s.step, s.totalSteps, loss ? loss.value.toFixed(4) : '–');
    }
    case 'done': {
      const on = s.measuredOn === 'train' ? t('on the training pairs') : t('on the held-out pairs');
      return t('Done: token accuracy {0}%, exact match {1}%, BLEU-4 {2} {3}; trained in {4}.', (100 * p.tokenAccuracy).toFixed(1), (100 * p.exactMatch).toFixed(1), (100 * p.bleu).toFixed(1), on, fmtSeconds(p.trainSeconds));
    }
    case 'failed':
      return p.message;
    case 'cancelled':
      return t('Cancelled. The run is kept in the Runs view as cancelled, with its curve so far.');
    case 'interrupted':
      return t('Interrupted: the window or its training worker stopped while this run trained. The run is kept in the Runs view with its curve so far; train it again to finish it.');
    case 'running':
      return t('Still training, in another window or with its panel closed: shown is its curve as stored at step {0} of {1}. Open it again from the Runs view to see more.', s.step, s.totalSteps);
  }
}

/** Why this panel has no model to save or translate with; null when it has one (a stored done run, or the run training here). */
function noModelReason(s: Seq2SeqRunState): string | null {
  const p = s.phase;
  switch (p.kind) {
    case 'training':
      return null;
    case 'done':
      return p.runDir ? null : t('This run was not stored, so there is no model to save or translate with.');
    case 'running':
      return t('A model is stored only when the run finishes: open the run again from the Runs view once it is done to save it or try a sentence.');
    case 'failed':
    case 'cancelled':
    case 'interrupted':
      return t('This run stopped before it finished, so no model was stored: there is nothing to save or translate with. Re-run it from the Runs view to train one.');
  }
}

function timingText(s: Seq2SeqRunState): string {
  if (s.phase.kind !== 'training' || s.step === 0 || s.totalSteps === 0) return '';
  const remaining = (s.elapsedSeconds * (s.totalSteps - s.step)) / s.step;
  return t('elapsed {0} · about {1} left', fmtSeconds(s.elapsedSeconds), fmtSeconds(remaining));
}

/** One sample in the course's three lines; each predicted token marked against the reference. */
function sampleRow(x: Seq2SeqSample, attention: boolean): HTMLElement {
  const row = el('div', null, `sample ${x.kind ?? ''}`);
  const marks = tokenMarks(x);
  const source = el('div', `> ${x.source}`, 'line source');
  const target = el('div', `= ${x.target}`, 'line reference');
  const prediction = el('div', '< ', 'line prediction');
  marks.tokens.forEach((m, i) => {
    if (i > 0) prediction.append(' ');
    const w = el('span', m.word, m.correct ? 'token correct' : 'token wrong');
    w.title = m.correct ? t('matches the reference') : t('differs from the reference here');
    prediction.append(w);
  });
  row.dataset.correct = `${marks.correct}/${marks.total}`;
  const meta = el('div', x.kind === 'random' ? t('random held-out pair · {0} of {1} tokens right', marks.correct, marks.total) : t('probe pair · {0} of {1} tokens right', marks.correct, marks.total), 'muted meta');
  row.append(source, target, prediction, meta);
  if (attention && x.attention) {
    row.tabIndex = 0;
    row.setAttribute('role', 'button');
    row.title = t('Show its attention');
    const show = () => {
      heatmap = { source: x.source, output: marks.tokens.map((m) => m.word), weights: x.attention! };
      drawHeatmap();
    };
    row.addEventListener('click', show);
    row.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        show();
      }
    });
  }
  return row;
}

function drawSamples(s: Seq2SeqRunState): void {
  const slider = byId<HTMLInputElement>('step');
  const n = s.samples.length;
  slider.max = String(Math.max(0, n - 1));
  if (followLatest) slider.value = String(Math.max(0, n - 1));
  slider.disabled = n <= 1;
  const at = s.samples[Number(slider.value)];
  byId('step-value').textContent = at ? t('samples at step {0} ({1} of {2})', at.step, Number(slider.value) + 1, n) : t('No samples yet: they come every report.');
  byId('samples').replaceChildren(...(at ? at.samples.map((x) => sampleRow(x, s.attention)) : []));
}

function drawHeatmap(): void {
  const section = byId('attention');
  section.hidden = !heatmap;
  if (!heatmap) return;
  const inputs = [...heatmap.source.split(' '), '<EOS>'];
  const rows = heatmap.weights.length;
  const outputs = heatmap.output.slice(0, rows);
  byId('attention-caption').textContent = t('Rows: output tokens; columns: input tokens and <EOS>. {0}', heatmap.source);
  const div = byId<PlotDiv>('attention-plot');
  const c = themeColors();
  // From the background to the theme's blue, so the map reads in light, dark and high-contrast themes.
  const low = c.background;
  const high = c.series[0];
  // Index axes with the words as tick labels: a word that occurs twice keeps its own column. Gaps
  // between the cells and our own colour bar: plotly's pixelated image and its colour bar both set
  // style attributes, which the CSP blocks (the bar below is styled through the CSSOM instead).
  const trace = {
    type: 'heatmap',
    z: heatmap.weights,
    x: inputs.map((_, i) => i),
    y: outputs.map((_, i) => i),
    colorscale: [
      [0, low],
      [1, high],
    ],
    zmin: 0,
    zmax: 1,
    xgap: 1,
    ygap: 1,
    showscale: false,
    customdata: outputs.map((o) => inputs.map((i) => `${plotlyText(o)} ← ${plotlyText(i)}`)),
    hovertemplate: '%{customdata}: %{z:.3f}<extra></extra>',
  };
  byId('attention-colorbar').style.background = `linear-gradient(to right, ${low}, ${high})`;
  const layout = baseLayout({
    margin: { l: 120, r: 20, t: 10, b: 80 },
    xaxis: axisTitle(t('input'), { tickvals: inputs.map((_, i) => i), ticktext: plotlyValues(inputs), side: 'bottom' }),
    yaxis: axisTitle(t('output'), { tickvals: outputs.map((_, i) => i), ticktext: plotlyValues(outputs), autorange: 'reversed' }),
  });
  void Plotly.react(div, [trace], layout, PLOT_CONFIG);
  div.dataset.rows = String(rows);
  div.dataset.columns = String(inputs.length);
}

function render(s: Seq2SeqRunState): void {
  document.body.dataset.phase = s.phase.kind;
  byId('title').textContent = t('Seq2seq translator on {0}', s.fileName);
  byId('status').textContent = statusText(s);
  byId('timing').textContent = timingText(s);
  byId('cancel').hidden = s.phase.kind !== 'training';
  // While it trains there is no model to save yet; after, a run without one says why.
  const noModel = noModelReason(s);
  const save = byId('save-model');
  save.hidden = s.phase.kind === 'training';
  save.toggleAttribute('disabled', noModel !== null);
  save.title = noModel ?? '';
  byId('try-input').toggleAttribute('disabled', noModel !== null);
  byId('try-go').toggleAttribute('disabled', noModel !== null);
  const unavailable = byId('try-unavailable');
  unavailable.hidden = noModel === null;
  unavailable.textContent = noModel ?? '';
  drawLoss(s);
  drawMetrics(s);
  drawSamples(s);
  drawHeatmap();
}

async function translate(): Promise<void> {
  const input = byId('try-input') as HTMLElement & { value: string };
  const sentence = input.value.trim();
  if (!sentence || (state && noModelReason(state) !== null)) return;
  const out = byId('try-output');
  const unknown = byId('try-unknown');
  out.textContent = t('Translating…');
  unknown.textContent = '';
  try {
    const tr: Translation = parseTranslation(await vscode.request({ type: 'translate', sentence }));
    out.textContent = `> ${tr.source}\n< ${tr.prediction}${tr.endedWithEos ? ' <EOS>' : ''}`;
    out.dataset.prediction = tr.prediction;
    unknown.textContent = tr.unknown.length ? t('Not in the vocabulary, read as <UNK>: {0}', tr.unknown.join(', ')) : t('Every word is in the vocabulary.');
    if (tr.attention) {
      heatmap = { source: tr.source, output: [...(tr.prediction ? tr.prediction.split(' ') : []), ...(tr.endedWithEos ? ['<EOS>'] : [])], weights: tr.attention };
      drawHeatmap();
    }
  } catch (e) {
    out.textContent = (e as Error).message;
    delete out.dataset.prediction;
  }
}

window.addEventListener('message', (event: MessageEvent<HostToSeq2SeqRun>) => {
  const m = event.data;
  switch (m.type) {
    case 'state':
      state = m.state;
      vscode.setState(state);
      byId('vocabulary').hidden = !m.vocabulary;
      render(state);
      return;
    case 'delta':
      // Only what is new: appended (bounded) to the state this page shows and keeps.
      if (!state || state.runId !== m.runId) return;
      applySeq2SeqDelta(state, m.delta);
      vscode.setState(state);
      render(state);
      return;
    case 'notice':
      byId('status').textContent = m.message;
      return;
    case 'reply':
      return;
  }
});

byId('cancel').addEventListener('click', () => vscode.post({ type: 'cancel' }));
byId('save-model').addEventListener('click', () => vscode.post({ type: 'saveModel' }));
byId('export-csv').addEventListener('click', () => vscode.post({ type: 'export', format: 'csv' }));
byId('export-json').addEventListener('click', () => vscode.post({ type: 'export', format: 'json' }));
byId('vocabulary').addEventListener('click', () => vscode.post({ type: 'vocabulary' }));
byId('log-scale').addEventListener('change', (e) => {
  logScale = (e.target as HTMLElement & { checked: boolean }).checked;
  if (state) drawLoss(state);
});
byId('step').addEventListener('input', () => {
  const slider = byId<HTMLInputElement>('step');
  followLatest = slider.value === slider.max;
  if (state) drawSamples(state);
});
byId('try-go').addEventListener('click', () => void translate());
byId('try-input').addEventListener('keydown', (e) => {
  if ((e as KeyboardEvent).key === 'Enter' && !(e as KeyboardEvent).isComposing) void translate();
});

onThemeChange(() => state && render(state));
reportCspViolations(vscode.post);
if (state) render(state);
vscode.post({ type: 'ready' });
