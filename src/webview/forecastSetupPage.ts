/**
 * The setup form: CSV preview, how the file is read (dates, decimal comma: a change reads it
 * again in the worker), target and features, hyperparameters. Enter starts training.
 */
import type { CsvPreview, FormValues, HostToSetup, PreviewState, ReadOptions, SetupToHost } from '../shared/protocol';
import { CHOICES, FIELD_HELP, FIELD_LABELS, HYPER_FIELDS as FIELDS } from '../extension/formLabels';
import { parseText } from '../shared/options/spec';
import { byId, el, esc, mountShell, reportCspViolations, vscodeApi } from './common';
import { fmt } from './format';
import { markInvalid, wireStart, type ReadResult } from './setupForm';
import { t, tableText, WORDS } from './l10n';

const vscode = vscodeApi<never, SetupToHost>();

/** The page's markup: the host sends a bare shell, and only this file knows these ids. Its words are the display language's, escaped. */
const SHELL = `
<main class="setup">
  <h1 id="title">${esc(t('Forecast with LSTM'))}</h1>
  <p id="summary" class="muted"></p>
  <section>
    <h2>${esc(t('Preview'))}</h2>
    <div class="grid">
      <vscode-form-group variant="vertical"><vscode-label for="dateFormat" id="label-dateFormat"></vscode-label><vscode-single-select id="dateFormat" name="dateFormat"></vscode-single-select><vscode-form-helper id="dateFormat-help"></vscode-form-helper></vscode-form-group>
      <vscode-form-group variant="vertical"><vscode-label for="decimalComma" id="label-decimalComma"></vscode-label><vscode-checkbox id="decimalComma" name="decimalComma"></vscode-checkbox></vscode-form-group>
    </div>
    <p id="read-error" class="error" role="alert" hidden></p>
    <div class="actions" id="reread-actions" hidden><vscode-button id="reread" secondary>${esc(t('Read the file again'))}</vscode-button></div>
    <div class="table-wrap"><table id="preview"></table></div>
    <h3>${esc(t('Columns'))}</h3>
    <div class="table-wrap"><table id="stats"></table></div>
    <div id="ignored" hidden><p class="muted">${esc(t('Columns not used:'))}</p><ul id="ignored-list" class="muted"></ul></div>
  </section>
  <form id="form" novalidate>
    <h2>${esc(t('Model'))}</h2>
    <div class="grid">
      <vscode-form-group variant="vertical"><vscode-label for="target" id="label-target"></vscode-label><vscode-single-select id="target" name="target"></vscode-single-select></vscode-form-group>
      <vscode-form-group variant="vertical"><vscode-label id="label-features"></vscode-label><div id="features" class="checks"></div></vscode-form-group>
    </div>
    <div class="grid">
      <vscode-form-group variant="vertical"><vscode-label for="order" id="label-order"></vscode-label><vscode-single-select id="order" name="order"></vscode-single-select><vscode-form-helper id="order-help">${esc(t('Training needs the oldest row first.'))}</vscode-form-helper></vscode-form-group>
      <vscode-form-group variant="vertical"><vscode-label for="missing" id="label-missing"></vscode-label><vscode-single-select id="missing" name="missing"></vscode-single-select><vscode-form-helper id="missing-help"></vscode-form-helper></vscode-form-group>
    </div>
    <div class="grid" id="hyper"></div>
    <p id="error" class="error" role="alert" hidden></p>
    <div class="actions">
      <vscode-button id="start" type="submit">${esc(t('Start training'))}</vscode-button>
      <span class="muted">${esc(t('Enter starts training.'))}</span>
    </div>
  </form>
</main>`;
mountShell(SHELL);
for (const key of ['target', 'features', 'order', 'missing', 'dateFormat', 'decimalComma'] as const) byId(`label-${key}`).textContent = tableText(FIELD_LABELS[key]);
byId('dateFormat-help').textContent = tableText(FIELD_HELP.dateFormat);
// The checkbox says what ticking it means: its help line.
byId('decimalComma').textContent = tableText(FIELD_HELP.decimalComma);
for (const key of ['order', 'missing', 'dateFormat'] as const) {
  byId(key).replaceChildren(...Object.entries(CHOICES[key]).map(([value, label]) => Object.assign(el('vscode-option' as 'option', tableText(label)), { value })));
}

interface TextField extends HTMLElement {
  value: string;
}
interface Checkbox extends HTMLElement {
  checked: boolean;
  value: string;
}

/** The file as last read; null while it cannot be read with the form's read options. */
let preview: CsvPreview | null = null;
/** The file's name for display, from the host. */
let fileName = '';
/** The number of the latest re-read: an earlier one's answer arriving late is dropped. */
let readSeq = 0;

function renderPreview(p: CsvPreview): void {
  byId('title').textContent = t('Forecast {0} with an LSTM', p.fileName);
  const order =
    p.order.detected === 'newest-first'
      ? p.order.reversed
        ? t('newest row first, reversed to oldest first for training')
        : t('newest row first')
      : p.order.detected === 'oldest-first'
        ? t('oldest row first')
        : t('order unknown (no dates), used as stored');
  byId('summary').textContent = [
    t('{0} rows', p.totalRows),
    t('{0} numeric columns', p.columns.length),
    p.dateColumn ? t('dates in “{0}”', p.dateColumn) : t('no date column'),
    order,
  ].join(' · ');

  const table = byId<HTMLTableElement>('preview');
  table.replaceChildren();
  const head = table.createTHead().insertRow();
  head.append(el('th', t('line')));
  if (p.dateColumn) head.append(el('th', p.dateColumn));
  for (const c of p.columns) head.append(el('th', c));
  const body = table.createTBody();
  for (const r of p.rows) {
    const tr = body.insertRow();
    tr.append(el('td', r.line, 'num muted'));
    if (p.dateColumn) tr.append(el('td', r.date ?? ''));
    for (const v of r.values) tr.append(el('td', fmt(v, 6), 'num'));
  }

  const stats = byId<HTMLTableElement>('stats');
  stats.replaceChildren();
  const sh = stats.createTHead().insertRow();
  for (const h of [t('column'), t('min'), t('max'), t('missing')]) sh.append(el('th', h));
  const sb = stats.createTBody();
  for (const s of p.stats) {
    const tr = sb.insertRow();
    tr.append(el('td', s.column), el('td', fmt(s.min, 6), 'num'), el('td', fmt(s.max, 6), 'num'), el('td', s.missing, 'num'));
  }
  byId('ignored-list').replaceChildren(...p.ignored.map((line) => el('li', line)));
  byId('ignored').hidden = p.ignored.length === 0;
}

/** A file that cannot be read with these options: no rows, no columns, the reason beside the field it is about. */
function renderUnread(): void {
  byId('title').textContent = t('Forecast {0} with an LSTM', fileName);
  byId('summary').textContent = t('{0} cannot be read this way: choose how to read it above.', fileName);
  for (const id of ['preview', 'stats', 'ignored-list', 'target', 'features']) byId(id).replaceChildren();
  byId('ignored').hidden = true;
}

/** The target and features chosen among the columns of a file as it was read; null: none yet (the defaults). */
type Chosen = Pick<FormValues, 'target' | 'features'> & { columns: readonly string[] };

/**
 * The target and feature fields for the file's columns: what was chosen stays where the file
 * still has it; a column the earlier reading did not have is a feature, as every column is by default.
 */
function renderColumns(p: CsvPreview | null, chosen: Chosen | null): void {
  const columns = p?.columns ?? [];
  const target = byId('target') as HTMLElement & { value: string };
  target.replaceChildren(...columns.map((c) => Object.assign(el('vscode-option' as 'option', c), { value: c })));
  target.value = chosen && columns.includes(chosen.target) ? chosen.target : (columns[columns.length - 1] ?? '');
  const features = byId('features');
  features.replaceChildren(
    ...columns.map((c) => {
      const box = document.createElement('vscode-checkbox') as Checkbox;
      box.textContent = c;
      box.value = c;
      box.checked = !chosen || chosen.features.includes(c) || !chosen.columns.includes(c);
      box.dataset.feature = c;
      return box;
    }),
  );
}

/** Draws what the host read: the preview, or why it could not be read (beside its field, focused). */
function applyPreview(state: PreviewState, chosen: Chosen | null): void {
  preview = state.kind === 'ready' ? state.preview : null;
  fileName = state.kind === 'ready' ? state.preview.fileName : state.fileName;
  if (state.kind === 'ready') renderPreview(state.preview);
  else renderUnread();
  renderColumns(preview, chosen);
  renderFileHelp(preview);
  byId('reread-actions').hidden = state.kind === 'ready';
  document.body.dataset.preview = state.kind;
  if (state.kind === 'failed') showError(state.problem.message, state.problem.option, 'read-error');
  else showError(undefined);
  starter.refresh();
}

/** The helper lines that depend on what the file holds (a date column, empty cells). */
function renderFileHelp(p: CsvPreview | null): void {
  byId('order-help').textContent = p?.dateColumn
    ? t('Automatic puts the oldest date first.')
    : t('No date column, so the order cannot be detected. stock_daily.csv is stored newest first: the course reverses it.');
  const gaps = p ? p.stats.reduce((n, s) => n + s.missing, 0) : 0;
  byId('missing-help').textContent = gaps === 0 ? t('This file has none.') : gaps === 1 ? t('1 empty cell in this file.') : t('{0} empty cells in this file.', gaps);
}

function renderForm(v: FormValues): void {
  (byId('dateFormat') as HTMLElement & { value: string }).value = v.dateFormat;
  (byId('decimalComma') as Checkbox).checked = v.decimalComma;
  (byId('order') as HTMLElement & { value: string }).value = v.order;
  (byId('missing') as HTMLElement & { value: string }).value = v.missing;

  const hyper = byId('hyper');
  hyper.replaceChildren(
    ...FIELDS.map((f) => {
      const group = document.createElement('vscode-form-group');
      group.setAttribute('variant', 'vertical');
      const label = el('vscode-label' as 'label', tableText(f.label));
      label.setAttribute('for', `f-${f.key}`);
      const input = document.createElement('vscode-textfield') as TextField;
      input.id = `f-${f.key}`;
      input.setAttribute('name', f.key);
      input.value = String(v[f.key]);
      const help = el('vscode-form-helper' as 'div', tableText(f.help));
      group.append(label, input, help);
      return group;
    }),
  );
  (document.getElementById('f-epochs') as TextField | null)?.focus();
}

function readOptions(): ReadOptions {
  return { dateFormat: (byId('dateFormat') as HTMLElement & { value: string }).value as ReadOptions['dateFormat'], decimalComma: (byId('decimalComma') as Checkbox).checked };
}

function chosenColumns(): Pick<FormValues, 'target' | 'features'> {
  return {
    target: (byId('target') as HTMLElement & { value: string }).value,
    features: [...document.querySelectorAll<Checkbox>('#features vscode-checkbox')].filter((b) => b.checked).map((b) => b.dataset.feature ?? ''),
  };
}

/** Reads the file again with the form's read options, and draws the answer (the latest asked for). */
async function reread(): Promise<void> {
  const seq = ++readSeq;
  const chosen = preview ? { ...chosenColumns(), columns: preview.columns } : null;
  document.body.dataset.preview = 'reading';
  byId('summary').textContent = t('Reading the file…');
  const state = await vscode.request<PreviewState>({ type: 'preview', read: readOptions() }).catch(
    (e: unknown): PreviewState => ({ kind: 'failed', fileName, problem: { message: e instanceof Error ? e.message : String(e) } }),
  );
  if (seq === readSeq) applyPreview(state, chosen);
}

/** The form's values, each field read as its table entry's type; or the first field that is not, and why. */
function readValues(): ReadResult<FormValues> {
  const hyper: Record<string, unknown> = {};
  for (const f of FIELDS) {
    const r = parseText(f.spec, (byId(`f-${f.key}`) as TextField).value, WORDS.t);
    if ('problem' in r) return { option: f.key, message: `${tableText(f.label)} ${r.problem}` };
    hyper[f.key] = r.value;
  }
  return {
    ...(hyper as Pick<FormValues, (typeof FIELDS)[number]['key']>),
    ...chosenColumns(),
    ...readOptions(),
    order: (byId('order') as HTMLElement & { value: string }).value as FormValues['order'],
    missing: (byId('missing') as HTMLElement & { value: string }).value as FormValues['missing'],
  };
}

/** The element of the field for an option key: `f-<key>` for the hyperparameters, else the key itself. */
function fieldOf(option: string): HTMLElement | null {
  return document.getElementById(`f-${option}`) ?? document.getElementById(option);
}

/**
 * Shows the error (or clears it) and marks the field it is about, when the form has that field.
 * `box` is where: under the form, or beside the read options (an error reading the file).
 */
function showError(message: string | undefined, option?: string, box: 'error' | 'read-error' = 'error'): void {
  for (const id of ['error', 'read-error']) {
    const e = byId(id);
    e.textContent = id === box ? (message ?? '') : '';
    e.hidden = id !== box || !message;
  }
  markInvalid(message && option ? fieldOf(option) : null, true);
}

// Nothing to train on until the file reads.
const starter = wireStart<FormValues>({ canStart: () => preview !== null, read: readValues, showError: (m, o) => showError(m, o), post: (values) => vscode.post({ type: 'start', values }) });

window.addEventListener('message', (event: MessageEvent<HostToSetup>) => {
  const m = event.data;
  switch (m.type) {
    case 'init': {
      renderForm(m.values);
      // Values made before the file read (it could not be, at first) name none of its columns: the defaults then.
      const columns = m.preview.kind === 'ready' ? m.preview.preview.columns : [];
      applyPreview(m.preview, columns.includes(m.values.target) ? { ...m.values, columns } : null);
      document.body.dataset.ready = 'true';
      return;
    }
    case 'starting':
      starter.starting(m);
      return;
    case 'reply':
      return; // settled by vscodeApi's request
  }
});

for (const id of ['dateFormat', 'decimalComma']) byId(id).addEventListener('change', () => void reread());
byId('reread').addEventListener('click', () => void reread());

reportCspViolations(vscode.post);
vscode.post({ type: 'ready' });
