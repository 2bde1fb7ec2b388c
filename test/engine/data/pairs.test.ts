import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { normalizeSentence, parsePairs, readPairsFile, tokenize } from '../../../src/engine/data/pairs';
import { Vocab } from '../../../src/engine/data/vocab';
import { expectError, fixture, EXAMPLES } from './helpers';

const COURSE = [
  'I feel hungry.\t나는 배가 고프다.',
  'Pytorch is very easy.\t파이토치는 매우 쉽다.',
  'Pytorch is a framework for deep learning.\t파이토치는 딥러닝을 위한 프레임워크이다.',
  'Pytorch is very clear to use.\t파이토치는 사용하기 매우 직관적이다.',
].join('\n');

test("the course's four pairs: lower-cased, split on spaces, punctuation attached", () => {
  const r = parsePairs(COURSE, { file: 'course.txt' });
  assert.equal(r.total, 4);
  assert.equal(r.skipped, 0);
  assert.deepEqual(r.pairs[0], { source: ['i', 'feel', 'hungry.'], target: ['나는', '배가', '고프다.'], line: 1 });
  assert.deepEqual(r.pairs[3].source, ['pytorch', 'is', 'very', 'clear', 'to', 'use.']);
  assert.equal(r.pairs[3].line, 4);
});

test('length filter is strict (<), blank lines skipped, CRLF, extra columns ignored, line numbers kept', () => {
  const text = 'a b c\tx y\tattribution\r\n\r\na b c d\tx\r\n   \r\na\tx y z\r\n';
  const r = parsePairs(text, { file: 'p.txt', sourceMaxLength: 4, targetMaxLength: 3 });
  assert.equal(r.total, 3);
  assert.equal(r.skipped, 2); // 4 source words is not < 4; 3 target words is not < 3
  assert.deepEqual(r.pairs, [{ source: ['a', 'b', 'c'], target: ['x', 'y'], line: 1 }]);
});

test('splitPunctuation makes punctuation tokens; reverse swaps the columns', () => {
  assert.deepEqual(tokenize('hello,  "world"!', true), ['hello', ',', '"', 'world', '"', '!']);
  assert.deepEqual(tokenize('hello,  world!'), ['hello,', '', 'world!']);
  assert.deepEqual(normalizeSentence('  I feel Hungry. ', true), ['i', 'feel', 'hungry', '.']);
  const r = parsePairs('I feel hungry.\t나는 배가 고프다.', { file: 'p.txt', splitPunctuation: true, reverse: true });
  assert.deepEqual(r.pairs[0].source, ['나는', '배가', '고프다', '.']);
  assert.deepEqual(r.pairs[0].target, ['i', 'feel', 'hungry', '.']);
});

test('kor-eng.txt with limits 10/12: 3,572 pairs; vocabularies are the course sizes + PAD + UNK', async () => {
  const r = await readPairsFile(path.join(EXAMPLES, 'kor-eng.txt'), {});
  assert.equal(r.total, 3798);
  assert.equal(r.pairs.length, 3572);
  assert.equal(r.skipped, 3798 - 3572);
  assert.deepEqual(r.pairs[0], { source: ['go.'], target: ['가.'], line: 1 });
  const src = Vocab.build(r.pairs.map((p) => p.source));
  const tgt = Vocab.build(r.pairs.map((p) => p.target));
  // reference.md: source vocab 3,377 and target vocab 5,429 in the course, counting its SOS and EOS.
  // We add PAD and UNK: +2 each.
  assert.equal(src.size, 3377 + 2);
  assert.equal(tgt.size, 5429 + 2);
  assert.equal(src.index('go.'), 4);
});

test('BAD_PAIRS: a line without a tab names the file, the line and the fix', () => {
  const e = expectError(() => parsePairs(fixture('pairs_no_tab.txt').bytes, { file: 'pairs_no_tab.txt' }), 'BAD_PAIRS');
  assert.deepEqual(e.location, { file: 'pairs_no_tab.txt', line: 2 });
  assert.match(e.message, /pairs_no_tab\.txt/);
  assert.match(e.message, /Line 2/);
  assert.match(e.hint ?? '', /tab/);
  assert.ok(e.toString().startsWith('pairs_no_tab.txt:2: '));
});

test('BAD_PAIRS: an empty target names the line', () => {
  const e = expectError(() => parsePairs(fixture('pairs_empty_target.txt').bytes, { file: 'pairs_empty_target.txt' }), 'BAD_PAIRS');
  assert.equal(e.location.line, 2);
  assert.equal(e.location.column, 2);
  assert.match(e.message, /empty target/);
});

test('NO_PAIRS when the length filter leaves nothing, with a hint about the limits', () => {
  const e = expectError(() => parsePairs(fixture('pairs_too_long.txt').bytes, { file: 'pairs_too_long.txt' }), 'NO_PAIRS');
  assert.match(e.message, /2 pairs/);
  assert.match(e.message, /pairs_too_long\.txt/);
  assert.match(e.hint ?? '', /--source-max-length 12/);
  const ok = parsePairs(fixture('pairs_too_long.txt').bytes, { file: 'pairs_too_long.txt', sourceMaxLength: 12 });
  assert.equal(ok.pairs.length, 1);
});

test('NOT_UTF8 and EMPTY_FILE for pair files too', () => {
  const e = expectError(() => parsePairs(Buffer.from([0x67, 0x6f, 0x09, 0xff, 0x0a]), { file: 'bad.txt' }), 'NOT_UTF8');
  assert.deepEqual(e.location, { file: 'bad.txt', line: 1, column: 4 });
  expectError(() => parsePairs(fixture('empty.csv').bytes, { file: 'empty.txt' }), 'EMPTY_FILE');
  expectError(() => parsePairs('\n\n', { file: 'blank.txt' }), 'EMPTY_FILE');
  expectError(() => parsePairs('a\tb', { file: 'x.txt', sourceMaxLength: 1 }), 'BAD_OPTION');
});
