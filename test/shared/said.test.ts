// Words said later, in the reader's language (src/shared/said.ts): their English, and the
// placeholders filled as vscode.l10n.t fills them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorLine, opt, renderText, type OptionRef } from '../../src/shared/errors';
import { fill, say, saidInEnglish } from '../../src/shared/said';

test('the English of words: placeholders filled in order, nested words said too', () => {
  assert.equal(saidInEnglish(say('run.json has no id')), 'run.json has no id');
  assert.equal(saidInEnglish(say('metrics.jsonl line {0}: {1}', 2, say('{0} must be a number', 'loss'))), 'metrics.jsonl line 2: loss must be a number');
  assert.equal(saidInEnglish(say('{1} before {0}', 'a', 'b')), 'b before a');
});

test('braces that are not a placeholder stay, and so does a placeholder without its argument', () => {
  assert.equal(fill('dataset must be {path, sha256}', []), 'dataset must be {path, sha256}');
  assert.equal(fill('{0} of {1}', ['one']), 'one of {1}');
  assert.equal(fill('{0}{0}', [7]), '77');
});

test('words cross a message boundary as they are (plain data, no functions)', () => {
  const s = say('samples.jsonl line {0}: not valid JSON', 3);
  assert.deepEqual(structuredClone(s), { key: 'samples.jsonl line {0}: not valid JSON', args: [3] });
});

test("an error's said words through a surface's translator, options named its way, the CLI's English by default", () => {
  const korean: Record<string, string> = {
    'Raise the limits, e.g. {0} {1}, or use a file with shorter sentences.': '한도를 올리거나(예: {0}, {1}), 문장이 더 짧은 파일을 쓰세요.',
    'Line {0} of {1} has an empty {2}.': '{1}의 {0}번째 줄은 {2}이(가) 비어 있습니다.',
    'source (first column)': '소스(첫째 열)',
  };
  const sayIn = (key: string, args: readonly (string | number)[]) => fill(korean[key] ?? key, args);
  const label = (r: OptionRef) => `[${r.option}${r.value === undefined ? '' : ` = ${r.value}`}]`;
  const parts = {
    message: say('Line {0} of {1} has an empty {2}.', 3, 'pairs.tsv', say('source (first column)')),
    hint: say('Raise the limits, e.g. {0} {1}, or use a file with shorter sentences.', opt('sourceMaxLength', 11), opt('targetMaxLength', 13)),
    location: { file: 'pairs.tsv', line: 3 },
  };
  assert.equal(errorLine(parts, label, sayIn), 'pairs.tsv:3: pairs.tsv의 3번째 줄은 소스(첫째 열)이(가) 비어 있습니다. 한도를 올리거나(예: [sourceMaxLength = 11], [targetMaxLength = 13]), 문장이 더 짧은 파일을 쓰세요.');
  // Without a translator: English, options as the namer names them.
  assert.equal(renderText(parts.hint, label), 'Raise the limits, e.g. [sourceMaxLength = 11] [targetMaxLength = 13], or use a file with shorter sentences.');
  // The words cross the worker boundary as plain data.
  assert.deepEqual(structuredClone(parts), parts);
});
