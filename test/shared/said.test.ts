// Words said later, in the reader's language (src/shared/said.ts): their English, and the
// placeholders filled as vscode.l10n.t fills them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
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
