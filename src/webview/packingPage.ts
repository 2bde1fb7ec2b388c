/**
 * The packing inspector's page: lecture 11-6 drawn from the engine's numbers (the host sends a
 * PackingView; nothing here recomputes it). The views are linked: every real token is a cell
 * keyed `b:t` (sequence b of the batch, step t) in the padded matrix, the packed strip and the
 * unpacked batch, and hovering or focusing one highlights it in all three. Each grid is one tab
 * stop; the arrow keys move inside it. Sequences are told apart by a colour-blind-safe palette
 * and by their label (s0, s1, …), never by colour alone. Dataset text goes in through textContent.
 */
import { PACKING_OPTIONS } from '../shared/options/packing';
import { parseText, problemWith } from '../shared/options/spec';
import type { HostToPacking, PackingOptions, PackingState, PackingToHost, PackingView } from '../shared/packing';
import { byId, el, mountShell, reportCspViolations, vscodeApi } from './common';
import { t, tableText } from './l10n';

const vscode = vscodeApi<PackingState, PackingToHost>();

/** Colours of the palette (media/webview.css .seq-0 … .seq-7, Okabe–Ito); sequence labels repeat them past eight. */
const PALETTE_SIZE = 8;
/** batch_sizes listed in full up to this many steps. */
const MAX_LISTED_STEPS = 200;

const SHELL = `
<main class="packing">
  <h1 id="title"></h1>
  <p id="summary" class="muted" role="status"></p>
  <section class="controls" id="controls">
    <div class="toolbar">
      <vscode-button id="use-course" secondary></vscode-button>
      <vscode-button id="open-file" secondary></vscode-button>
    </div>
    <div class="grid">
      <vscode-form-group variant="vertical"><vscode-label for="split" id="label-split"></vscode-label><vscode-single-select id="split"></vscode-single-select></vscode-form-group>
      <vscode-form-group variant="vertical"><vscode-label for="column" id="label-column"></vscode-label><vscode-single-select id="column"></vscode-single-select></vscode-form-group>
      <vscode-form-group variant="vertical"><vscode-label for="batchSize" id="label-batchSize"></vscode-label><vscode-textfield id="batchSize" type="number"></vscode-textfield></vscode-form-group>
      <vscode-form-group variant="vertical"><vscode-label for="batch" id="label-batch"></vscode-label><vscode-textfield id="batch" type="number"></vscode-textfield></vscode-form-group>
    </div>
    <div class="checks">
      <vscode-checkbox id="sortByLength"></vscode-checkbox>
      <vscode-checkbox id="batchFirst"></vscode-checkbox>
      <vscode-checkbox id="enforceSorted"></vscode-checkbox>
    </div>
    <p id="control-error" class="error" role="alert" hidden></p>
  </section>
  <p id="failed" class="error" role="alert" hidden></p>
  <div id="content" hidden>
    <section>
      <h2 id="h-vocab"></h2>
      <p id="vocab-note" class="muted"></p>
      <div id="vocab" class="vocab"></div>
    </section>
    <section>
      <h2 id="h-lengths"></h2>
      <p><code>lengths = <span id="lengths"></span></code></p>
      <div class="table-wrap"><table id="sequences"></table></div>
    </section>
    <section>
      <h2 id="h-padded"></h2>
      <p class="muted" id="padded-caption"></p>
      <div class="matrix-wrap"><table id="padded" class="matrix" role="grid"></table></div>
    </section>
    <section id="sort-error" class="error-block" hidden>
      <h2 id="h-sort-error"></h2>
      <pre id="pytorch-error" class="error"></pre>
      <p id="engine-error" class="muted"></p>
    </section>
    <section id="packed-section">
      <h2 id="h-sorted"></h2>
      <p><code>sorted_indices = <span id="sorted-indices"></span></code> · <code>unsorted_indices = <span id="unsorted-indices"></span></code></p>
      <p class="muted" id="sorted-caption"></p>
      <ul id="sorted-order" class="sorted-order"></ul>
      <h2 id="h-packed"></h2>
      <p><code>batch_sizes = <span id="batch-sizes"></span></code></p>
      <p class="muted" id="packed-caption"></p>
      <div id="packed" class="strip" role="grid"></div>
      <h2 id="h-unpacked"></h2>
      <p class="muted" id="unpacked-caption"></p>
      <div class="matrix-wrap"><table id="unpacked" class="matrix" role="grid"></table></div>
      <h2 id="h-shapes"></h2>
      <table id="shapes" class="figures"></table>
      <p class="muted" id="shapes-note"></p>
    </section>
    <section>
      <h2 id="h-cost"></h2>
      <p id="cost"><span id="cost-packed" class="figure"></span> <span id="cost-packed-label"></span> · <span id="cost-padded" class="figure"></span> <span id="cost-padded-label"></span> · <span id="cost-saved"></span></p>
      <h3 id="h-file-cost"></h3>
      <table id="file-cost" class="figures"></table>
    </section>
  </div>
</main>`;
mountShell(SHELL);

interface Field extends HTMLElement {
  value: string;
}
interface Checkbox extends HTMLElement {
  checked: boolean;
}

const text = (id: string, s: string) => (byId(id).textContent = s);
text('use-course', t('Course strings'));
text('open-file', t('Open a text file…'));
for (const key of ['split', 'column', 'batchSize', 'batch'] as const) text(`label-${key}`, tableText(PACKING_OPTIONS[key].label));
for (const key of ['split', 'column'] as const) {
  byId(key).replaceChildren(...PACKING_OPTIONS[key].choices.map((c) => Object.assign(el('vscode-option' as 'option', tableText(c.label)), { value: c.value })));
}
for (const key of ['sortByLength', 'batchFirst', 'enforceSorted'] as const) {
  const box = byId(key);
  box.textContent = tableText(PACKING_OPTIONS[key].label);
  box.title = tableText(PACKING_OPTIONS[key].help);
}
text('h-vocab', t('Vocabulary'));
text(
  'vocab-note',
  t("The course builds char_set = ['<pad>'] + list(set(...)). A Python set's order changes from one run to the next (string hashing is randomised), so the indices in your notebook may differ from these. Here <pad> is 0 and the other tokens follow in sorted order, the same every time."),
);
text('h-lengths', t('Lengths'));
text('h-padded', t('Padded batch (pad_sequence)'));
text('h-sort-error', t('pack_padded_sequence refuses this batch'));
text('h-sorted', t('Sorted order'));
text('h-packed', t('Packed data (pack_padded_sequence), by time step'));
text('h-unpacked', t('Unpacked (pad_packed_sequence)'));
text('h-shapes', t('Shapes through an RNN'));
text('h-cost', t('Cost'));
text('h-file-cost', t('Over the whole file'));

const list = (xs: readonly number[] | null, max = Number.POSITIVE_INFINITY) =>
  xs === null ? 'None' : xs.length > max ? `[${xs.slice(0, max).join(', ')}, …] (${t('{0} steps', xs.length)})` : `[${xs.join(', ')}]`;
const shape = (xs: readonly number[]) => `[${xs.join(', ')}]`;
const pct = (part: number, whole: number) => (whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : '–');
/** A token as a cell shows it: a space as ␣, so it is seen. */
const shown = (tok: string) => (tok === ' ' ? '\u2423' : tok);

/** One token cell (or a pad cell): the token, its index below, and the sequence's label in the strip. */
function cell(tag: 'td' | 'span', v: PackingView, b: number, step: number, id: number, pos: { r: number; c: number }, withLabel: boolean): HTMLElement {
  const isPad = step >= v.lengths[b];
  const c = el(tag, null, isPad ? 'cell pad' : `cell seq-${b % PALETTE_SIZE}`);
  c.dataset.r = String(pos.r);
  c.dataset.c = String(pos.c);
  c.tabIndex = -1;
  c.setAttribute('role', 'gridcell');
  if (isPad) {
    c.append(el('span', '·', 'tok'), el('span', id, 'sub'));
    c.setAttribute('aria-label', t('sequence {0}, step {1}: padding ({2})', b, step, id));
    return c;
  }
  const tok = v.sequences[b].tokens[step] ?? '';
  c.dataset.cell = `${b}:${step}`;
  c.append(el('span', shown(tok), 'tok'), el('span', withLabel ? `s${b}\u00b7${id}` : id, 'sub'));
  c.setAttribute('aria-label', t('sequence {0}, step {1}: “{2}” ({3})', b, step, tok, id));
  return c;
}

/** A [B][t] or [t][B] matrix as a table with its row and column headers; `m` is laid out as `padded` is. */
function matrix(table: HTMLTableElement, v: PackingView, m: number[][]): void {
  table.replaceChildren();
  const B = v.sequences.length;
  const bf = v.options.batchFirst;
  const rows = bf ? B : v.drawnSteps;
  const cols = bf ? v.drawnSteps : B;
  const head = table.createTHead().insertRow();
  head.append(el('th', bf ? t('seq \\ t') : t('t \\ seq')));
  for (let c = 0; c < cols; c++) head.append(el('th', bf ? c : `s${c}`, bf ? undefined : `seq-label seq-${c % PALETTE_SIZE}`));
  const body = table.createTBody();
  for (let r = 0; r < rows; r++) {
    const tr = body.insertRow();
    tr.append(el('th', bf ? `s${r}` : r, bf ? `seq-label seq-${r % PALETTE_SIZE}` : undefined));
    for (let c = 0; c < cols; c++) tr.append(cell('td', v, bf ? r : c, bf ? c : r, m[r][c], { r, c }, false));
  }
}

function renderPacked(v: PackingView): void {
  const p = v.packed;
  byId('packed-section').hidden = !p;
  byId('sort-error').hidden = !v.error;
  if (v.error) {
    text('pytorch-error', v.error.pytorch);
    text('engine-error', t('RNN Lab: {0}', v.error.engine));
  }
  if (!p) return;
  text('sorted-indices', list(p.sortedIndices));
  text('unsorted-indices', list(p.unsortedIndices));
  byId('sorted-order').replaceChildren(
    ...p.order.map((b, j) => {
      const li = el('li', `${j} \u2192 `);
      li.append(el('span', `s${b}`, `seq-label seq-${b % PALETTE_SIZE}`), document.createTextNode(` ${t('length {0}', v.lengths[b])}`));
      return li;
    }),
  );
  text('sorted-caption', t('Sorted position → sequence: packing runs the longest first, and pad_packed_sequence puts them back with unsorted_indices.'));
  text('batch-sizes', list(p.batchSizes, MAX_LISTED_STEPS));
  const strip = byId('packed');
  strip.replaceChildren();
  let row = 0;
  for (let step = 0; step < v.drawnSteps; step++) {
    const n = p.batchSizes[step];
    const group = el('div', null, 'step');
    group.append(el('div', `t=${step} · ${n}`, 'step-label'));
    const cells = el('div', null, 'step-cells');
    for (let j = 0; j < n; j++) cells.append(cell('span', v, p.order[j], step, p.data[row + j], { r: step, c: j }, true));
    group.append(cells);
    strip.append(group);
    row += n;
  }
  const partial = v.drawnSteps < v.maxLength ? ` ${t('The first {0} of {1} steps are drawn.', v.drawnSteps, v.maxLength)}` : '';
  text('packed-caption', t('{0} rows: step t holds the first batch_sizes[t] sequences in sorted order, longest first.', v.cost.packedSteps) + partial);
  matrix(byId<HTMLTableElement>('unpacked'), v, p.unpacked);
  text('unpacked-caption', t('Back in the original batch order, padded again; lengths = {0}.', list(p.unpackedLengths)) + partial);
  const s = v.shapes!;
  const shapes = byId<HTMLTableElement>('shapes');
  shapes.replaceChildren();
  for (const [label, value, id] of [
    [t('padded output (pad_packed_sequence of the output)'), s.paddedOutput, 'shape-padded-output'],
    [t('packed output data'), s.packedOutput, 'shape-packed-output'],
    [t('hidden'), s.hidden, 'shape-hidden'],
  ] as const) {
    const tr = shapes.insertRow();
    tr.append(el('th', label));
    const td = el('td', shape(value), 'num');
    td.id = id;
    tr.append(td);
  }
  text(
    'shapes-note',
    s.from === 'rnn'
      ? t("Read off the tensors of RNN Lab's GRU (hidden {0}) run on the packed one-hot batch; the course's torch.nn.RNN(hidden_size={0}) gives the same shapes.", s.hiddenSize)
      : t('This batch is too large to run here, so the shapes come from the packed layout (hidden {0}).', s.hiddenSize),
  );
}

function render(v: PackingView): void {
  text('title', t('Sequence packing: {0}', v.builtIn ? t('the course\u2019s five strings') : v.sourceName));
  const blank = v.blankLines ? ` · ${t('{0} blank lines left out', v.blankLines)}` : '';
  text('summary', t('{0} sequences · batch {1} of {2} · vocabulary of {3}', v.file.sequences, v.options.batch + 1, v.batches, v.vocabSize) + blank);
  byId('failed').hidden = true;
  byId('content').hidden = false;

  const vocab = byId('vocab');
  vocab.replaceChildren(...(v.vocab ?? []).map((tok, i) => el('span', `${i}: ${shown(tok)}`, 'chip')));
  if (!v.vocab) vocab.append(el('span', t('{0} tokens: too many to list.', v.vocabSize), 'muted'));

  text('lengths', list(v.lengths));
  const seqs = byId<HTMLTableElement>('sequences');
  seqs.replaceChildren();
  const sh = seqs.createTHead().insertRow();
  for (const h of [t('sequence'), t('line'), t('length'), t('text')]) sh.append(el('th', h));
  const sb = seqs.createTBody();
  v.sequences.forEach((s, b) => {
    const tr = sb.insertRow();
    const joined = s.tokens.join(v.options.split === 'chars' ? '' : ' ') + (s.tokens.length < s.length ? ' …' : '');
    tr.append(el('td', `s${b}`, `seq-label seq-${b % PALETTE_SIZE}`), el('td', s.line ?? '–', 'num'), el('td', s.length, 'num'), el('td', joined, 'seq-text'));
  });

  matrix(byId<HTMLTableElement>('padded'), v, v.padded);
  const bf = v.options.batchFirst;
  text('padded-caption', t('shape {0} ({1}); shaded cells are padding, index 0.', shape(v.paddedShape), bf ? t('batch_first=True: [batch, time]') : t('batch_first=False: [time, batch]')));
  renderPacked(v);

  const { packedSteps, paddedSteps } = v.cost;
  text('cost-packed', String(packedSteps));
  text('cost-packed-label', t('steps computed packed'));
  text('cost-padded', String(paddedSteps));
  text('cost-padded-label', t('padded ({0} × {1})', v.sequences.length, v.maxLength));
  text('cost-saved', t('packing skips {0} pad steps ({1})', paddedSteps - packedSteps, pct(paddedSteps - packedSteps, paddedSteps)));
  const f = v.file;
  const fc = byId<HTMLTableElement>('file-cost');
  fc.replaceChildren();
  for (const [label, value, id] of [
    [t('sequences, in batches of {0}', v.options.batchSize), `${f.sequences} (${f.batches})`, 'file-sequences'],
    [t('steps padded, batches in file order'), String(f.paddedSteps), 'file-padded'],
    [t('of which padding (waste)'), `${f.paddedSteps - f.tokens} (${pct(f.paddedSteps - f.tokens, f.paddedSteps)})`, 'file-waste'],
    [t('steps padded after sorting by length (bucketing)'), `${f.bucketedSteps} (${t('saves {0}', pct(f.paddedSteps - f.bucketedSteps, f.paddedSteps))})`, 'file-bucketed'],
    [t('steps packed (real tokens only)'), `${f.tokens} (${t('saves {0}', pct(f.paddedSteps - f.tokens, f.paddedSteps))})`, 'file-packed'],
  ] as const) {
    const tr = fc.insertRow();
    tr.append(el('th', label));
    const td = el('td', value, 'num');
    td.id = id;
    tr.append(td);
  }
  setControls(v.options, v.builtIn);
  rovingStart();
  document.body.dataset.ready = 'true';
}

function setControls(o: PackingOptions, builtIn: boolean): void {
  for (const key of ['split', 'column', 'batchSize', 'batch'] as const) (byId(key) as Field).value = String(o[key]);
  for (const key of ['sortByLength', 'batchFirst', 'enforceSorted'] as const) (byId(key) as Checkbox).checked = o[key];
  byId('column').toggleAttribute('disabled', builtIn);
  showControlError(null);
}

function showControlError(message: string | null): void {
  const e = byId('control-error');
  e.textContent = message ?? '';
  e.hidden = !message;
}

/** The controls' values, each read as its table entry says; or the first that is not allowed, in words. */
function readControls(): PackingOptions | string {
  const out: Record<string, unknown> = {};
  for (const key of ['batchSize', 'batch'] as const) {
    const spec = PACKING_OPTIONS[key];
    const r = parseText(spec, (byId(key) as Field).value, t);
    const problem = 'problem' in r ? r.problem : problemWith(spec, r.value, t);
    if (problem !== null) return `${tableText(spec.label)} ${problem}`;
    out[key] = (r as { value: number }).value;
  }
  for (const key of ['split', 'column'] as const) out[key] = (byId(key) as Field).value;
  for (const key of ['sortByLength', 'batchFirst', 'enforceSorted'] as const) out[key] = (byId(key) as Checkbox).checked;
  return out as unknown as PackingOptions;
}

function changed(): void {
  const o = readControls();
  if (typeof o === 'string') {
    showControlError(o);
    return;
  }
  showControlError(null);
  vscode.post({ type: 'inspect', options: o });
}
for (const key of ['split', 'column', 'batchSize', 'batch', 'sortByLength', 'batchFirst', 'enforceSorted']) byId(key).addEventListener('change', changed);
byId('use-course').addEventListener('click', () => vscode.post({ type: 'useCourse' }));
byId('open-file').addEventListener('click', () => vscode.post({ type: 'openFile' }));

// ---- Linking: one token highlighted in every view ------------------------------------------

let linked: string | null = null;
function link(key: string | null): void {
  if (key === linked) return;
  for (const c of document.querySelectorAll('.cell.linked')) c.classList.remove('linked');
  linked = key;
  if (key) for (const c of document.querySelectorAll(`[data-cell="${key}"]`)) c.classList.add('linked');
  document.body.dataset.linked = key ?? '';
}
const cellOf = (e: Event) => (e.target as Element | null)?.closest?.('.cell') as HTMLElement | null;
document.addEventListener('mouseover', (e) => link(cellOf(e)?.dataset.cell ?? null));
document.addEventListener('focusin', (e) => link(cellOf(e)?.dataset.cell ?? null));
document.addEventListener('focusout', () => link(null));

// ---- Keyboard: each grid is one tab stop (roving tabindex); arrows move inside it ---------------

const GRIDS = ['padded', 'packed', 'unpacked'];
function rovingStart(): void {
  for (const id of GRIDS) {
    const first = byId(id).querySelector<HTMLElement>('.cell');
    if (first) first.tabIndex = 0;
  }
}
document.addEventListener('keydown', (e) => {
  const c = cellOf(e);
  const grid = c?.closest<HTMLElement>('[role="grid"]');
  if (!c || !grid) return;
  const cells = [...grid.querySelectorAll<HTMLElement>('.cell')];
  const i = cells.indexOf(c);
  const r = Number(c.dataset.r);
  const col = Number(c.dataset.c);
  const at = (rr: number, cc: number) => grid.querySelector<HTMLElement>(`.cell[data-r="${rr}"][data-c="${cc}"]`);
  let next: HTMLElement | null | undefined = null;
  switch (e.key) {
    case 'ArrowRight':
      next = cells[i + 1];
      break;
    case 'ArrowLeft':
      next = cells[i - 1];
      break;
    case 'ArrowDown':
      next = at(r + 1, col) ?? cells[i + 1];
      break;
    case 'ArrowUp':
      next = at(r - 1, col) ?? cells[i - 1];
      break;
    case 'Home':
      next = cells[0];
      break;
    case 'End':
      next = cells[cells.length - 1];
      break;
    default:
      return;
  }
  e.preventDefault();
  if (!next) return;
  c.tabIndex = -1;
  next.tabIndex = 0;
  next.focus();
});

window.addEventListener('message', (event: MessageEvent<HostToPacking>) => {
  const m = event.data;
  switch (m.type) {
    case 'view':
      vscode.setState(m.state);
      render(m.view);
      link(linked);
      return;
    case 'failed': {
      vscode.setState(m.state);
      const f = byId('failed');
      f.textContent = m.message;
      f.hidden = false;
      byId('content').hidden = true;
      text('title', t('Sequence packing'));
      setControls(m.state.options, m.state.source.kind === 'course');
      document.body.dataset.ready = 'true';
      return;
    }
  }
});

reportCspViolations(vscode.post);
vscode.post({ type: 'ready' });
