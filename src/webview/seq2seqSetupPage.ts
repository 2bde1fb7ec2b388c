/**
 * The Train Seq2Seq setup form: presets, the seq2seq table's fields, and what the course prints
 * before training, recomputed by the engine (through the host) when a field that shapes the pairs
 * or vocabularies changes. Words from the file go in through textContent only. Enter starts training.
 */
import type { Seq2SeqFileCheck } from '../shared/seq2seq';
import { SEQ2SEQ_OPTIONS, parseText, type NamedSpec } from '../shared/options';
import { CHECK_KEYS, PRESETS, SEQ2SEQ_FORM_KEYS, type HostToSeq2SeqSetup, type PresetName, type Seq2SeqFormKey, type Seq2SeqFormValues, type Seq2SeqSetupToHost } from '../shared/seq2seqProtocol';
import { byId, el, mountShell, reportCspViolations, vscodeApi } from './common';
import { t, WORDS } from './l10n';
import { markInvalid, wireStart, type ReadResult } from './setupForm';

const vscode = vscodeApi<never, Seq2SeqSetupToHost>();

const SHELL = `
<main class="setup">
  <h1 id="title"></h1>
  <section id="check" aria-live="polite">
    <h2 id="check-title"></h2>
    <p id="pairs"></p>
    <p id="source-vocab"></p>
    <p id="target-vocab"></p>
    <p id="unknown" class="muted"></p>
    <p id="split"></p>
    <p id="example-title" class="muted"></p>
    <pre id="example" class="pair"></pre>
  </section>
  <form id="form" novalidate>
    <h2 id="model-title"></h2>
    <div class="grid">
      <vscode-form-group variant="vertical"><vscode-label for="preset" id="preset-label"></vscode-label><vscode-single-select id="preset"></vscode-single-select></vscode-form-group>
    </div>
    <div class="grid" id="fields"></div>
    <p id="error" class="error" role="alert" hidden></p>
    <div class="actions">
      <vscode-button id="start" type="submit"></vscode-button>
      <vscode-button id="vocabulary" secondary hidden></vscode-button>
      <span class="muted" id="enter-hint"></span>
    </div>
  </form>
</main>`;
mountShell(SHELL);

interface ValueField extends HTMLElement {
  value: string;
}
interface Checkbox extends HTMLElement {
  checked: boolean;
}

const PRESET_LABELS: Record<PresetName, string> = {
  course: t('Course lab 11-5 (hidden 16, SGD, 5,000 pairs one at a time)'),
  batched: t('Batched (hidden 256, Adam, batches of 64, 20 epochs, packed, PAD masked)'),
  attention: t('Tutorial with attention (Batched + Luong attention, teacher forcing 0.5)'),
};
const HELP: Partial<Record<Seq2SeqFormKey, string>> = {
  epochs: t('Empty: train by iterations, as the course does. A number: passes over the shuffled training pairs.'),
  teacherForcing: t('Below 1 the decoder is fed its own previous guess more often instead of the reference word: training is harder at first, but the model learns to recover from its own mistakes, as it must when translating.'),
  sampleEvery: t('Translation samples and held-out metrics every this many reports (1,000 steps, or one epoch).'),
};

byId('title').textContent = t('Train Seq2Seq');
byId('check-title').textContent = t('Before training');
byId('model-title').textContent = t('Model and training');
byId('preset-label').textContent = t('Preset');
byId('start').textContent = t('Start training');
byId('vocabulary').textContent = t('Vocabulary…');
byId('enter-hint').textContent = t('Enter starts training.');
byId('preset').replaceChildren(...(Object.keys(PRESETS) as PresetName[]).map((p) => Object.assign(el('vscode-option' as 'option', PRESET_LABELS[p]), { value: p })));

let ready = false;

function spec(k: Seq2SeqFormKey): NamedSpec {
  return SEQ2SEQ_OPTIONS[k];
}

function renderFields(): void {
  byId('fields').replaceChildren(
    ...SEQ2SEQ_FORM_KEYS.map((k) => {
      const s = spec(k);
      const group = document.createElement('vscode-form-group');
      group.setAttribute('variant', 'vertical');
      let input: HTMLElement;
      if (s.type === 'boolean') {
        input = document.createElement('vscode-checkbox');
        input.textContent = WORDS.table(s.label);
      } else if (s.type === 'enum') {
        input = document.createElement('vscode-single-select');
        input.replaceChildren(...s.choices.map((c) => Object.assign(el('vscode-option' as 'option', WORDS.table(c.label)), { value: c.value })));
      } else {
        input = document.createElement('vscode-textfield');
      }
      input.id = `f-${k}`;
      input.setAttribute('name', k);
      const label = el('vscode-label' as 'label', s.type === 'boolean' ? '' : WORDS.table(s.label));
      label.setAttribute('for', input.id);
      group.append(label, input, el('vscode-form-helper' as 'div', HELP[k] ?? WORDS.table(s.help)));
      if (k === 'teacherForcing') group.classList.add('wide');
      return group;
    }),
  );
}

function setValues(v: Partial<Seq2SeqFormValues>): void {
  for (const k of SEQ2SEQ_FORM_KEYS) {
    if (!(k in v)) continue;
    const e = byId(`f-${k}`);
    const x = v[k];
    if (spec(k).type === 'boolean') (e as Checkbox).checked = x === true;
    else (e as ValueField).value = x === null || x === undefined ? '' : String(x);
  }
}

/** The form's values, each read as its table entry's type; or the first field that is not, and why. */
function readValues(): ReadResult<Seq2SeqFormValues> {
  const out: Record<string, unknown> = {};
  for (const k of SEQ2SEQ_FORM_KEYS) {
    const s = spec(k);
    const e = byId(`f-${k}`);
    if (s.type === 'boolean') {
      out[k] = (e as Checkbox).checked;
      continue;
    }
    const raw = (e as ValueField).value;
    if (k === 'epochs' && raw.trim() === '') {
      out[k] = null;
      continue;
    }
    const r = parseText(s, raw, WORDS.t);
    if ('problem' in r) return { option: k, message: `${WORDS.table(s.label)} ${r.problem}` };
    out[k] = r.value;
  }
  return out as Seq2SeqFormValues;
}

function renderCheck(c: Seq2SeqFileCheck | null): void {
  byId('check').toggleAttribute('data-stale', c === null);
  if (!c) return;
  byId('title').textContent = t('Train Seq2Seq on {0}', c.fileName);
  byId('pairs').textContent =
    c.skipped > 0
      ? t('Read {0} sentence pairs; kept {1}, skipped {2} longer than the length limits.', c.pairsRead, c.pairsKept, c.skipped)
      : t('Read {0} sentence pairs; kept {1}.', c.pairsRead, c.pairsKept);
  const vocab = (side: string, size: number, words: number) =>
    t('{0} vocabulary: {1} tokens = {2} words + <SOS>, <EOS> (the course counts {3}) + <PAD>, <UNK>.', side, size, words, words + 2);
  byId('source-vocab').textContent = vocab(t('Source'), c.sourceVocab, c.sourceWords);
  byId('target-vocab').textContent = vocab(t('Target'), c.targetVocab, c.targetWords);
  byId('unknown').textContent =
    c.sourceUnknown + c.targetUnknown > 0 ? t('Rarer than the minimum count, read as <UNK>: {0} source and {1} target words.', c.sourceUnknown, c.targetUnknown) : '';
  byId('split').textContent =
    c.testPairs > 0
      ? t('{0} pairs train, {1} are held out for the metrics.', c.trainPairs, c.testPairs)
      : t('All {0} pairs train; the metrics are measured on the training pairs, as the course\'s evaluate does.', c.trainPairs);
  byId('example-title').textContent = t('A random pair (line {0}):', c.example.line);
  byId('example').textContent = `> ${c.example.source}\n= ${c.example.target}`;
}

function fieldOf(option: string): HTMLElement | null {
  return document.getElementById(`f-${option}`);
}

function showError(message: string | undefined, option?: string): void {
  const e = byId('error');
  e.textContent = message ?? '';
  e.hidden = !message;
  markInvalid(message && option ? fieldOf(option) : null, false);
}

const starter = wireStart<Seq2SeqFormValues>({ canStart: () => ready, read: readValues, showError, post: (values) => vscode.post({ type: 'start', values }) });

let checkTimer: ReturnType<typeof setTimeout> | null = null;
let checkSeq = 0;
/** Asks the engine again for the numbers before training, a moment after the last change of a field that shapes them. */
function recheck(): void {
  if (checkTimer) clearTimeout(checkTimer);
  checkTimer = setTimeout(() => {
    const values = readValues();
    if ('message' in values) {
      showError(values.message, values.option);
      return;
    }
    const seq = ++checkSeq;
    vscode.request<Seq2SeqFileCheck>({ type: 'check', values }).then(
      (c) => {
        if (seq !== checkSeq) return;
        showError(undefined);
        renderCheck(c);
      },
      () => {
        // the host shows the error (and marks the field) through `starting`
        if (seq === checkSeq) renderCheck(null);
      },
    );
  }, 300);
}

window.addEventListener('message', (event: MessageEvent<HostToSeq2SeqSetup>) => {
  const m = event.data;
  switch (m.type) {
    case 'init':
      renderFields();
      setValues(m.values);
      byId('title').textContent = t('Train Seq2Seq on {0}', m.fileName);
      renderCheck(m.check);
      byId('vocabulary').hidden = !m.vocabulary;
      showError(m.error, m.option);
      for (const k of CHECK_KEYS) {
        const f = byId(`f-${k}`);
        f.addEventListener('change', recheck);
        f.addEventListener('input', recheck);
      }
      ready = true;
      document.body.dataset.ready = 'true';
      (document.getElementById('f-iterations') as HTMLElement | null)?.focus();
      return;
    case 'starting':
      starter.starting(m);
      return;
    case 'reply':
      return;
  }
});

byId('preset').addEventListener('change', (e) => {
  const name = (e.target as ValueField).value as PresetName;
  if (PRESETS[name]) setValues(PRESETS[name]);
});
byId('vocabulary').addEventListener('click', () => {
  const values = readValues();
  if ('message' in values) showError(values.message, values.option);
  else vscode.post({ type: 'vocabulary', values });
});

reportCspViolations(vscode.post);
vscode.post({ type: 'ready' });
