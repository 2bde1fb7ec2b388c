/**
 * The vocabulary panel's page: source and target in tabs, columns index, word and count, sorting,
 * a filter, and the coverage of a minimum count. It holds no word list: a virtualised list
 * (@tanstack/virtual-core) says which rows are on screen and the page asks the host for those,
 * a block at a time, so 50,000 words cost it one screenful. Rows are placed through
 * `element.style` properties (the CSP blocks style attributes, not the CSSOM) and every word goes
 * in through textContent: words from a file are text, never markup.
 */
import { elementScroll, observeElementOffset, observeElementRect, Virtualizer } from '@tanstack/virtual-core';
import {
  parseVocabularyViewState,
  type HostToVocabulary,
  type VocabularyCoverage,
  type VocabularyRow,
  type VocabularyRows,
  type VocabularySide,
  type VocabularySort,
  type VocabularySource,
  type VocabularySummary,
  type VocabularyToHost,
  type VocabularyViewState,
} from '../shared/vocabulary';
import { byId, el, mountShell, reportCspViolations, vscodeApi } from './common';
import { t } from './l10n';

const vscode = vscodeApi<VocabularyViewState, VocabularyToHost>();

/** Height of one row in px; media/webview.css gives .vrow the same. */
const ROW_HEIGHT = 22;
/** Rows asked for at once: a few screens, so scrolling rarely waits. */
const BLOCK = 200;

const SHELL = `
<main class="vocabulary-panel">
  <h1 id="title"></h1>
  <p id="summary" class="muted"></p>
  <p id="error" class="error" role="alert" hidden></p>
  <div class="tabs" role="tablist" id="tabs">
    <button type="button" role="tab" id="tab-source" data-side="source"></button>
    <button type="button" role="tab" id="tab-target" data-side="target"></button>
  </div>
  <div class="toolbar">
    <vscode-textfield id="filter"></vscode-textfield>
    <vscode-label for="min-count" id="min-count-label"></vscode-label>
    <vscode-textfield id="min-count" type="number" min="1"></vscode-textfield>
    <span id="counts" class="muted" aria-live="polite"></span>
  </div>
  <div class="table-wrap"><table id="coverage"></table></div>
  <div class="vhead" role="row">
    <button type="button" class="sort" data-sort="index"></button>
    <button type="button" class="sort" data-sort="word"></button>
    <button type="button" class="sort" data-sort="count"></button>
  </div>
  <div id="viewport" class="viewport" tabindex="0" role="table"><div id="spacer" class="spacer"></div></div>
</main>`;
mountShell(SHELL);

const SIDE_LABEL: Record<VocabularySide, string> = { source: t('Source'), target: t('Target') };
const SORT_LABEL: Record<VocabularySort, string> = { index: t('Index'), word: t('Word'), count: t('Count') };
byId('tab-source').textContent = SIDE_LABEL.source;
byId('tab-target').textContent = SIDE_LABEL.target;
byId('min-count-label').textContent = t('Minimum count');
interface TextField extends HTMLElement {
  value: string;
  placeholder: string;
  disabled: boolean;
}
const filterField = byId<TextField>('filter');
const minCountField = byId<TextField>('min-count');
filterField.placeholder = t('Filter words');
filterField.setAttribute('aria-label', t('Filter words'));
const viewport = byId<HTMLDivElement>('viewport');
const spacer = byId<HTMLDivElement>('spacer');
viewport.setAttribute('aria-label', t('Vocabulary'));

let source: VocabularySource | null = null;
let summary: VocabularySummary | null = null;
let view: Omit<VocabularyViewState, 'source'> = { side: 'source', sort: 'index', descending: false, filter: '', minCount: 1 };
/** Rows of the current query by position; `generation` changes with the query, so late answers to an old one are dropped. */
let rows = new Map<number, VocabularyRow>();
let asked = new Set<number>();
let generation = 0;
let shown = 0;
let total = 0;

const virtualizer = new Virtualizer<HTMLDivElement, HTMLDivElement>({
  count: 0,
  getScrollElement: () => viewport,
  estimateSize: () => ROW_HEIGHT,
  overscan: 10,
  observeElementRect,
  observeElementOffset,
  scrollToFn: elementScroll,
  onChange: () => draw(),
});

function saveState(): void {
  if (source) vscode.setState({ source, ...view });
}

function query(offset: number) {
  return { sort: view.sort, descending: view.descending, filter: view.filter, offset, limit: BLOCK, minCount: view.minCount };
}

/** Asks for the block of rows holding position `offset` (once per query). */
function fetchBlock(block: number): Promise<void> {
  if (asked.has(block)) return Promise.resolve();
  asked.add(block);
  const gen = generation;
  return vscode.request<VocabularyRows>({ type: 'rows', side: view.side, query: query(block * BLOCK) }).then(
    (r) => {
      if (gen !== generation) return;
      r.rows.forEach((row, k) => rows.set(r.offset + k, row));
      setCounts(r.shown, r.total);
      draw();
    },
    (e: Error) => {
      if (gen === generation) asked.delete(block);
      showError(e.message);
    },
  );
}

function setCounts(s: number, all: number): void {
  if (s !== shown || all !== total || virtualizer.options.count !== s) {
    shown = s;
    total = all;
    virtualizer.setOptions({ ...virtualizer.options, count: s });
    virtualizer._willUpdate();
  }
  const words = Math.max(0, all - 4);
  byId('counts').textContent = view.filter ? t('{0} of {1} shown ({2} words and 4 reserved tokens in all)', s, all, words) : t('{0} in all: {1} words and 4 reserved tokens', all, words);
  document.body.dataset.shown = String(s);
  document.body.dataset.total = String(all);
}

/** Starts the current query afresh: the list goes back to the top and the first block is asked for. */
function requery(): void {
  generation++;
  rows = new Map();
  asked = new Set();
  saveState();
  renderHeaders();
  viewport.scrollTop = 0;
  void fetchBlock(0);
}

const drawn = new Map<number, HTMLDivElement>();

function rowElement(): HTMLDivElement {
  const r = el('div', null, 'vrow');
  r.setAttribute('role', 'row');
  const cells = [el('span', null, 'num'), el('span', null, 'word'), el('span', null, 'num')];
  for (const c of cells) c.setAttribute('role', 'cell');
  r.append(...cells);
  return r;
}

/** Draws the rows on screen (positions from the virtualizer) and asks for any not yet here. */
function draw(): void {
  spacer.style.height = `${virtualizer.getTotalSize()}px`;
  const items = virtualizer.getVirtualItems();
  const keep = new Set<number>();
  for (const item of items) {
    const row = rows.get(item.index);
    if (!row) {
      void fetchBlock(Math.floor(item.index / BLOCK));
      continue;
    }
    keep.add(item.index);
    let r = drawn.get(item.index);
    if (!r) {
      r = rowElement();
      drawn.set(item.index, r);
      spacer.append(r);
    }
    r.style.transform = `translateY(${item.start}px)`;
    fillRow(r, row);
  }
  for (const [i, r] of drawn) {
    if (!keep.has(i)) {
      r.remove();
      drawn.delete(i);
    }
  }
  document.body.dataset.drawn = String(drawn.size);
}

function fillRow(r: HTMLDivElement, row: VocabularyRow): void {
  const [index, word, count] = r.children as unknown as HTMLSpanElement[];
  // A token, not a word of any language: the same in every display language.
  index.textContent = row.index === null ? '→ <UNK>' : String(row.index);
  index.classList.toggle('muted', row.index === null);
  word.textContent = row.word;
  if (row.reserved) word.append(el('span', t('reserved'), 'badge'));
  count.textContent = row.count.toLocaleString('en-US');
  r.classList.toggle('reserved', row.reserved);
  r.dataset.word = row.word;
}

function renderHeaders(): void {
  for (const b of document.querySelectorAll<HTMLButtonElement>('.vhead .sort')) {
    const s = b.dataset.sort as VocabularySort;
    const on = s === view.sort;
    b.textContent = `${SORT_LABEL[s]}${on ? (view.descending ? ' ▼' : ' ▲') : ''}`;
    b.setAttribute('aria-sort', on ? (view.descending ? 'descending' : 'ascending') : 'none');
  }
  for (const b of document.querySelectorAll<HTMLButtonElement>('#tabs [role=tab]')) {
    const on = b.dataset.side === view.side;
    b.setAttribute('aria-selected', String(on));
    b.tabIndex = on ? 0 : -1;
  }
  document.body.dataset.side = view.side;
  document.body.dataset.sort = `${view.sort}-${view.descending ? 'desc' : 'asc'}`;
}

function renderCoverage(c: Record<VocabularySide, VocabularyCoverage>): void {
  const table = byId<HTMLTableElement>('coverage');
  table.replaceChildren();
  const head = table.createTHead().insertRow();
  for (const h of ['', t('Tokens kept'), t('Words read as <UNK>'), t('Vocabulary size')]) head.append(el('th', h));
  const body = table.createTBody();
  for (const side of ['source', 'target'] as const) {
    const x = c[side];
    const tr = body.insertRow();
    tr.dataset.side = side;
    tr.append(
      el('th', SIDE_LABEL[side]),
      el('td', t('{0}% ({1} of {2})', (100 * x.keptShare).toFixed(1), x.keptTokens.toLocaleString('en-US'), x.tokens.toLocaleString('en-US')), 'num'),
      el('td', x.unkWords === null ? t('unknown (saved vocabulary)') : x.unkWords.toLocaleString('en-US'), 'num'),
      el('td', x.size.toLocaleString('en-US'), 'num'),
    );
  }
  table.dataset.minCount = String(c.source.minCount);
}

function refreshCoverage(): void {
  const m = view.minCount;
  vscode.request<Record<VocabularySide, VocabularyCoverage>>({ type: 'coverage', minCount: m }).then(
    (c) => m === view.minCount && renderCoverage(c),
    (e: Error) => showError(e.message),
  );
}

function showError(message: string): void {
  const e = byId('error');
  e.textContent = message;
  e.hidden = false;
}

function init(s: VocabularySummary, src: VocabularySource): void {
  summary = s;
  source = src;
  const restored = restoredView(src);
  if (restored) view = restored;
  if (s.minCountFixed || !restored) view.minCount = s.minCount;
  byId('title').textContent = t('Vocabulary of {0}', s.title);
  byId('summary').textContent = s.pairs
    ? t('{0} pairs read, {1} kept by the length filter · {2} source and {3} target words besides <SOS> = 0, <EOS> = 1, <PAD> = 2, <UNK> = 3', s.pairs.read, s.pairs.kept, s.words.source, s.words.target)
    : t('Saved with the run, at minimum count {0} · {1} source and {2} target words besides <SOS> = 0, <EOS> = 1, <PAD> = 2, <UNK> = 3', s.minCount, s.words.source, s.words.target);
  filterField.value = view.filter;
  minCountField.value = String(view.minCount);
  minCountField.disabled = s.minCountFixed;
  byId('error').hidden = true;
  document.body.dataset.ready = 'true';
  refreshCoverage();
  requery();
}

/** The view the page kept before it was rebuilt, when it was of the same source. */
function restoredView(src: VocabularySource): Omit<VocabularyViewState, 'source'> | null {
  const raw = vscode.getState();
  if (!raw) return null;
  try {
    const { source: kept, ...rest } = parseVocabularyViewState(raw);
    return JSON.stringify(kept) === JSON.stringify(src) ? rest : null;
  } catch {
    return null;
  }
}

// Controls: every one reachable by keyboard (buttons, text fields, the list itself scrolls with the arrow keys).
for (const b of document.querySelectorAll<HTMLButtonElement>('#tabs [role=tab]')) {
  b.addEventListener('click', () => {
    if (!summary || b.dataset.side === view.side) return;
    view.side = b.dataset.side as VocabularySide;
    requery();
  });
}
byId('tabs').addEventListener('keydown', (e) => {
  if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
  const next = view.side === 'source' ? 'target' : 'source';
  const b = byId<HTMLButtonElement>(`tab-${next}`);
  b.focus();
  b.click();
});
for (const b of document.querySelectorAll<HTMLButtonElement>('.vhead .sort')) {
  b.addEventListener('click', () => {
    if (!summary) return;
    const s = b.dataset.sort as VocabularySort;
    view.descending = s === view.sort ? !view.descending : s === 'count';
    view.sort = s;
    requery();
  });
}
filterField.addEventListener('input', () => {
  if (!summary) return;
  view.filter = filterField.value;
  requery();
});
minCountField.addEventListener('input', () => {
  const m = Number(minCountField.value);
  if (!summary || summary.minCountFixed || !Number.isInteger(m) || m < 1 || m > 1_000_000 || m === view.minCount) return;
  view.minCount = m;
  refreshCoverage();
  requery();
});

window.addEventListener('message', (e: MessageEvent<HostToVocabulary>) => {
  const m = e.data;
  switch (m?.type) {
    case 'init':
      init(m.summary, m.source);
      return;
    case 'failed':
      source = m.source;
      if (source) vscode.setState({ source, ...view });
      byId('title').textContent = t('Vocabulary');
      showError(m.message);
      document.body.dataset.ready = 'failed';
      return;
  }
});

virtualizer._didMount();
virtualizer._willUpdate();
renderHeaders();
reportCspViolations((v) => vscode.post(v));
vscode.post({ type: 'ready' });
