import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { Vocab } from '../../../src/engine/data/vocab';
import { readSavedVocabularies, readVocabularyTables, WordTable } from '../../../src/engine/seq2seq/vocabulary';
import type { VocabularyQuery } from '../../../src/shared/vocabulary';

const COURSE = resolve(__dirname, '../../../examples/course-pairs.tsv');
const all = (over: Partial<VocabularyQuery> = {}): VocabularyQuery => ({ sort: 'index', descending: false, filter: '', offset: 0, limit: 1000, minCount: 1, ...over });
const words = (t: WordTable, q: Partial<VocabularyQuery> = {}) => t.query(all(q)).rows.map((r) => r.word);

test("the course's four pairs: 15 source and 11 target words besides the reserved tokens, as first seen", async () => {
  const t = await readVocabularyTables(COURSE, {});
  assert.deepEqual(t.pairs, { read: 4, kept: 4 });
  assert.equal(t.source.wordCount, 15);
  assert.equal(t.target.wordCount, 11);
  const r = t.source.query(all());
  assert.equal(r.total, 19);
  assert.equal(r.shown, 19);
  assert.deepEqual(r.rows.slice(0, 6), [
    { index: 0, word: '<SOS>', count: 0, reserved: true },
    { index: 1, word: '<EOS>', count: 0, reserved: true },
    { index: 2, word: '<PAD>', count: 0, reserved: true },
    { index: 3, word: '<UNK>', count: 0, reserved: true },
    { index: 4, word: 'i', count: 1, reserved: false },
    { index: 5, word: 'feel', count: 1, reserved: false },
  ]);
  assert.deepEqual(r.rows.find((x) => x.word === 'pytorch'), { index: 7, word: 'pytorch', count: 3, reserved: false });
  assert.deepEqual(words(t.target).slice(4), ['나는', '배가', '고프다.', '파이토치는', '매우', '쉽다.', '딥러닝을', '위한', '프레임워크이다.', '사용하기', '직관적이다.']);
});

test('coverage at minimum count 2 on the course pairs, counted by hand', async () => {
  const t = await readVocabularyTables(COURSE, {});
  // Source: 3 + 4 + 7 + 6 = 20 tokens; pytorch ×3, is ×3, very ×2 stay (8 tokens); the other 12 words go to <UNK>.
  assert.deepEqual(t.source.coverage(2), { minCount: 2, tokens: 20, keptTokens: 8, keptShare: 8 / 20, unkWords: 12, size: 4 + 3 });
  // Target: 3 + 3 + 4 + 4 = 14 tokens; 파이토치는 ×3 and 매우 ×2 stay (5 tokens); 9 words go to <UNK>.
  assert.deepEqual(t.target.coverage(2), { minCount: 2, tokens: 14, keptTokens: 5, keptShare: 5 / 14, unkWords: 9, size: 4 + 2 });
  assert.deepEqual(t.source.coverage(1), { minCount: 1, tokens: 20, keptTokens: 20, keptShare: 1, unkWords: 0, size: 19 });
  assert.equal(t.source.coverage(4).keptTokens, 0);
  // At minimum count 2 the kept words are renumbered from 4 in first-seen order; <UNK> counts the 12 tokens it stands for.
  const rows = t.source.query(all({ minCount: 2 })).rows;
  assert.deepEqual(rows.filter((r) => r.index !== null && !r.reserved).map((r) => [r.word, r.index]), [['pytorch', 4], ['is', 5], ['very', 6]]);
  assert.equal(rows.find((r) => r.word === '<UNK>')!.count, 12);
  assert.equal(rows.find((r) => r.word === 'hungry.')!.index, null);
});

test('coverage on a small file: a, b and c counted by hand, length filter applied first', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rnnlab-vocab-'));
  try {
    const file = join(dir, 'small.tsv');
    // The last pair has 3 source words: with source max length 3 it is dropped before counting.
    writeFileSync(file, 'a b\tx\na a\tx y\nc\ty\nb b c\tz\n');
    const t = await readVocabularyTables(file, { sourceMaxLength: 3 });
    assert.deepEqual(t.pairs, { read: 4, kept: 3 });
    // a ×3, b ×1, c ×1 over 5 tokens: at 2 only a stays.
    assert.deepEqual(t.source.coverage(2), { minCount: 2, tokens: 5, keptTokens: 3, keptShare: 0.6, unkWords: 2, size: 5 });
    // x ×2, y ×2: both stay.
    assert.deepEqual(t.target.coverage(2), { minCount: 2, tokens: 4, keptTokens: 4, keptShare: 1, unkWords: 0, size: 6 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('sort by word, count and index, both ways; descending is the exact reverse', async () => {
  const { source } = await readVocabularyTables(COURSE, {});
  const byCount = source.query(all({ sort: 'count', descending: true })).rows;
  assert.deepEqual(byCount.slice(0, 3).map((r) => [r.word, r.count]), [['is', 3], ['pytorch', 3], ['very', 2]]);
  const byWord = words(source, { sort: 'word' });
  assert.deepEqual(byWord.slice(0, 7), ['<EOS>', '<PAD>', '<SOS>', '<UNK>', 'a', 'clear', 'deep']);
  assert.deepEqual(words(source, { sort: 'word', descending: true }), byWord.slice().reverse());
  assert.deepEqual(words(source, { sort: 'index', descending: true })[0], 'use.');
});

test('filter: case-insensitive substring, counts shown and in all, slices', async () => {
  const { source } = await readVocabularyTables(COURSE, {});
  const r = source.query(all({ filter: 'E' }));
  assert.deepEqual(r.rows.map((x) => x.word), ['<SOS>', '<EOS>', '<PAD>', '<UNK>', 'feel', 'very', 'easy.', 'framework', 'deep', 'learning.', 'clear', 'use.'].filter((w) => w.toLowerCase().includes('e')));
  assert.equal(r.total, 19);
  assert.equal(r.shown, r.rows.length);
  const page = source.query(all({ filter: 'e', offset: 2, limit: 3 }));
  assert.deepEqual(page.rows, r.rows.slice(2, 5));
  assert.equal(page.offset, 2);
  assert.deepEqual(source.query(all({ filter: '<img' })), { offset: 0, rows: [], shown: 0, total: 19 });
  assert.deepEqual(source.query(all({ offset: 50 })).rows, []);
});

test('indexes at every minimum count are the ones Vocab.build gives', () => {
  fc.assert(
    fc.property(fc.array(fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 12 }), fc.integer({ min: 1, max: 5 }), (sentences, m) => {
      const t = WordTable.fromSentences(sentences);
      const v = Vocab.build(sentences, { minCount: m });
      for (const r of t.query(all({ minCount: m })).rows) {
        if (r.reserved) continue;
        assert.equal(r.index, v.has(r.word) ? v.index(r.word) : null);
      }
      assert.equal(t.coverage(m).size, v.size);
      assert.equal(t.query(all({ minCount: m })).rows[3].count, v.count('<UNK>'));
    }),
  );
});

test('50,000 words: sort + filter + slice agrees with a plain sort and filter of the whole list', () => {
  const n = 50_000;
  // Word k occurs (k * 7919) % 13 + 1 times: many ties, so the tie order (first seen) is checked too.
  const sentences: string[][] = [];
  const counts: number[] = [];
  for (let k = 0; k < n; k++) {
    counts.push(((k * 7919) % 13) + 1);
    sentences.push(Array<string>(counts[k]).fill(`w${(k * 104_729) % n}`));
  }
  const t = WordTable.fromSentences(sentences);
  assert.equal(t.wordCount, n);
  const everything = t.query(all({ limit: 0 }));
  assert.equal(everything.total, n + 4);
  // The reference: every row, sorted and filtered the plain way.
  const plain = Array.from({ length: n }, (_, k) => ({ word: `w${(k * 104_729) % n}`, count: counts[k], index: k + 4 }));
  const want = plain.filter((r) => r.word.includes('77')).sort((a, b) => b.count - a.count || b.index - a.index);
  const got = t.query(all({ sort: 'count', descending: true, filter: '77', offset: 100, limit: 500 }));
  assert.equal(got.shown, want.length);
  assert.deepEqual(got.rows.map((r) => [r.word, r.count, r.index]), want.slice(100, 600).map((r) => [r.word, r.count, r.index]));
  const byWord = t.query(all({ sort: 'word', filter: '123', limit: 1000 }));
  assert.deepEqual(byWord.rows.map((r) => r.word), plain.filter((r) => r.word.includes('123')).map((r) => r.word).sort());
});

test("a stored run's vocabularies: fixed at its minimum count, the tokens it left out still counted", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rnnlab-vocab-'));
  try {
    const sentences = [['a', 'a', 'b'], ['a', 'c']];
    writeFileSync(join(dir, 'source_vocab.json'), JSON.stringify(Vocab.build(sentences, { minCount: 2 }).toJSON()));
    writeFileSync(join(dir, 'target_vocab.json'), JSON.stringify(Vocab.build(sentences).toJSON()));
    const t = await readSavedVocabularies(dir, 2);
    assert.equal(t.source.wordCount, 1);
    // a ×3 kept; b and c (2 tokens) were left out: which words they were is no longer known.
    assert.deepEqual(t.source.coverage(2), { minCount: 2, tokens: 5, keptTokens: 3, keptShare: 0.6, unkWords: null, size: 5 });
    assert.deepEqual(t.source.query(all({ minCount: 2 })).rows.map((r) => [r.word, r.index, r.count]), [['<SOS>', 0, 0], ['<EOS>', 1, 0], ['<PAD>', 2, 0], ['<UNK>', 3, 2], ['a', 4, 3]]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad files and options fail with the engine errors that name the line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rnnlab-vocab-'));
  try {
    writeFileSync(join(dir, 'no_tab.tsv'), 'hello there\n');
    await assert.rejects(readVocabularyTables(join(dir, 'no_tab.tsv'), {}, 'no_tab.tsv'), /Line 1 of no_tab\.tsv has no tab/);
    await assert.rejects(readVocabularyTables(COURSE, { minCount: 0 }), /min-count|minimum count/i);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
