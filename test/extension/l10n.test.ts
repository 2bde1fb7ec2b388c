// Every user-facing string has a key and a Korean text: the manifest's `%key%`s in
// package.nls.json and package.nls.ko.json; every `t('…')` of the host and the pages, and every
// option table's words, in l10n/bundle.l10n.ko.json. Korean entries whose key is no longer used
// fail too (a renamed English string would leave its translation behind), and so do placeholders
// that differ between the English and the Korean.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../engine/data/helpers';
import { manifestRefs, placeholders, scanSource, scanSources, tableWords } from '../helpers/l10nKeys';
import { english, FORECAST_OPTIONS, parseText, problemWith, SETTING_OPTIONS, settingDescriptionKey, type Words } from '../../src/shared/options';
import { judgeModelFolder } from '../../src/shared/modelFolder';
import { validateFormValues } from '../../src/extension/settings';
import { formOptionNamer } from '../../src/extension/formLabels';

const json = (f: string): Record<string, string> => JSON.parse(readFileSync(path.join(ROOT, f), 'utf8'));
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const nls = json('package.nls.json');
const nlsKo = json('package.nls.ko.json');
const bundleKo = json('l10n/bundle.l10n.ko.json');
const scan = scanSources(ROOT);
const tables = tableWords();

/** Korean the same as the English: names and abbreviations, written as in English. */
const SAME_IN_KOREAN = new Set(['RNN Lab', 'RNN Lab: {0}', '{0}…', 'LSTM', 'RMSE', 'MAE', 'MAPE (%)', 'SGD', 'Adam', 'WebAssembly', 'TensorFlow', 'JavaScript', 'seq_length']);

function missing(keys: Iterable<string>, have: Record<string, string>): string[] {
  return [...keys].filter((k) => typeof have[k] !== 'string' || have[k] === '');
}

test('the manifest is localised: package.json points at l10n/, its strings are %key%s of package.nls.json', () => {
  assert.equal(pkg.l10n, './l10n');
  const refs = manifestRefs(pkg);
  assert.ok(refs.has('command.forecast.title') && refs.has('viewsWelcome.rnnLab.runs.contents'), 'commands and the welcome text are keyed');
  for (const cmd of pkg.contributes.commands) assert.match(cmd.title, /^%.+%$/, `${cmd.command}'s title`);
  assert.deepEqual(missing(refs, nls), [], 'keys package.json uses but package.nls.json lacks');
  assert.deepEqual(Object.keys(nls).filter((k) => !refs.has(k)), [], 'package.nls.json keys package.json no longer uses');
});

test('every manifest key has its Korean text, and no Korean key is stale', () => {
  assert.deepEqual(missing(Object.keys(nls), nlsKo), [], 'keys without a Korean text in package.nls.ko.json');
  assert.deepEqual(Object.keys(nlsKo).filter((k) => !(k in nls)), [], 'stale keys in package.nls.ko.json');
});

test("every setting's Korean description is its table help's Korean", () => {
  for (const s of SETTING_OPTIONS) assert.equal(nlsKo[settingDescriptionKey(s)], bundleKo[s.help], `rnnLab.${s.setting}`);
});

test('every t() of the host and the pages has a literal key, so none escapes this check', () => {
  assert.deepEqual(scan.dynamic, [], 'translator calls whose first argument is not a string literal');
  assert.ok(scan.keys.has('Forecast with LSTM') && scan.keys.has('Start training') && scan.keys.has('must be {0}, got {1}.'), 'the scan finds the host, page and shared strings');
});

test('the scan sees keys in any call form, and reports a key it cannot read', () => {
  const s = scanSource(
    'src/webview/x.ts',
    "import { t } from './l10n';\nconst a = t('One {0}', n);\nconst b = vscode.l10n.t(\n  `Two`,\n);\nconst c = t(label);\nconst d = l10n.t(`x ${y}`);\nconst e = l10n.t`z`;\nconst f = say('Three {0}', say('Four'));\nconst g = say(reason);\n",
  );
  assert.deepEqual([...s.keys.keys()], ['One {0}', 'Two', 'Three {0}', 'Four']);
  assert.equal(s.dynamic.length, 4);
  assert.match(s.dynamic[0], /^src\/webview\/x\.ts:6: t\(label\)$/);
  // The translators may pass their caller's text on; the same call elsewhere may not.
  assert.deepEqual(scanSource('src/webview/l10n.ts', 'export function tableText(english: string) { return l10n.t(english); }').dynamic, []);
  assert.equal(scanSource('src/webview/other.ts', 'export function tableText(english: string) { return l10n.t(english); }').dynamic.length, 1);
});

test('every string of the host and the pages has its Korean text', () => {
  const lacking = missing(scan.keys.keys(), bundleKo).map((k) => `${JSON.stringify(k)} (${scan.keys.get(k)![0]})`);
  assert.deepEqual(lacking, [], 'keys without a Korean text in l10n/bundle.l10n.ko.json');
});

test("every option table's label, help and choice has its Korean text", () => {
  const lacking = missing(tables.keys(), bundleKo).map((k) => `${JSON.stringify(k)} (${tables.get(k)!.join(', ')})`);
  assert.deepEqual(lacking, [], 'table words without a Korean text in l10n/bundle.l10n.ko.json');
});

test('no key is written twice in a bundle (JSON.parse would keep only the last)', () => {
  for (const f of ['package.nls.json', 'package.nls.ko.json', 'l10n/bundle.l10n.ko.json']) {
    const keys = [...readFileSync(path.join(ROOT, f), 'utf8').matchAll(/^\s*("(?:[^"\\]|\\.)*")\s*:/gm)].map((m) => JSON.parse(m[1]) as string);
    assert.deepEqual(keys.filter((k, i) => keys.indexOf(k) !== i), [], f);
    assert.equal(keys.length, Object.keys(json(f)).length, `${f}: one key a line`);
  }
});

test('no Korean entry is stale: each key is still used by a t() or a table', () => {
  const stale = Object.keys(bundleKo).filter((k) => !scan.keys.has(k) && !tables.has(k));
  assert.deepEqual(stale, [], 'keys of l10n/bundle.l10n.ko.json nothing uses any more');
});

test('the Korean keeps the English placeholders, and is Korean', () => {
  const check = (file: string, english: (k: string) => string, ko: Record<string, string>) => {
    for (const [k, v] of Object.entries(ko)) {
      const en = english(k);
      assert.deepEqual(placeholders(v), placeholders(en), `${file}: ${JSON.stringify(k)}`);
      if (!SAME_IN_KOREAN.has(en)) assert.match(v, /[\uac00-\ud7a3]/, `${file}: ${JSON.stringify(k)} reads as English: ${JSON.stringify(v)}`);
    }
  };
  check('l10n/bundle.l10n.ko.json', (k) => k, bundleKo);
  check('package.nls.ko.json', (k) => nls[k] ?? '', nlsKo);
});

test('the placeholder check tells {0} {1} from {0}', () => {
  assert.deepEqual(placeholders('a {1} b {0} c {0}'), ['{0}', '{1}']);
  assert.notDeepEqual(placeholders('{0} 파일'), placeholders('Reading {0} of {1}'));
});

test('what src/shared words reads in Korean through the bundle: form problems, option names, model-folder reasons', () => {
  const ko: Words = { t: (m, ...a) => english(bundleKo[m] ?? `[untranslated] ${m}`, ...a), table: (s) => bundleKo[s] ?? `[untranslated] ${s}` };
  const values = { target: 'Close', features: [], seqLength: 7, hidden: 0, layers: 1, epochs: 500, batchSize: 'full', lr: 0.01, trainFraction: 0.7, horizon: 7, seed: 0, order: 'auto', missing: 'error', dateFormat: 'auto', decimalComma: false } as const;
  assert.deepEqual(
    validateFormValues({ ...values, features: [] }, ['Open', 'Close'], ko).map((p) => p.message),
    ['은닉 상태 크기 값으로는 1부터 4096까지의 정수만 쓸 수 있습니다(입력값: 0).', '특성 열을 하나 이상 선택하세요.'],
  );
  assert.deepEqual(parseText(FORECAST_OPTIONS.batchSize, 'lots', ko.t), { problem: '값으로는 "full" 또는 정수만 받습니다(입력값: "lots").' });
  const name = formOptionNamer(ko);
  assert.equal(name({ option: 'missing', value: 'drop' }), '빈 셀 “그 행 제외”');
  assert.equal(name({ option: 'decimalComma', value: true }), '소수점 쉼표(선택)');
  assert.equal(name({ option: 'dateFormat', value: 'day-first' }), '날짜 형식 “일 먼저(31/12/2020)”');
  assert.equal(name({ option: 'backend', value: 'cpu' }), '설정 rnnLab.backend(cpu)');
  assert.equal(name({ option: 'clipNorm', value: 1 }), '그래디언트 클리핑 노름 1(이 양식이 아니라 rnn-lab CLI의 옵션)');
  const verdict = judgeModelFolder(['notes.txt', 'data.csv'], undefined, ko.t);
  assert.equal(verdict.replaceable ? '' : verdict.reason, '은(는) RNN Lab 모델이 아닌 폴더입니다(항목이 2개 있고 RNN Lab config.json은 없습니다)');
  // The CLI's words stay English.
  assert.equal(problemWith(FORECAST_OPTIONS.hidden, 0), 'must be a whole number from 1 to 4096, got 0.');
});
