import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EOS, PAD, SOS, UNK, Vocab } from '../../../src/engine/data/vocab';
import { findInvalidUtf8 } from '../../../src/engine/data/text';
import { expectError } from './helpers';

const sentences = [
  ['i', 'feel', 'hungry.'],
  ['pytorch', 'is', 'very', 'easy.'],
  ['pytorch', 'is', 'very', 'clear', 'to', 'use.'],
];

test('special tokens first, then words in first-seen order, with counts', () => {
  const v = Vocab.build(sentences);
  assert.deepEqual([SOS, EOS, PAD, UNK], [0, 1, 2, 3]);
  assert.deepEqual([0, 1, 2, 3].map((i) => v.word(i)), ['<SOS>', '<EOS>', '<PAD>', '<UNK>']);
  assert.equal(v.size, 4 + 10);
  assert.equal(v.index('i'), 4);
  assert.equal(v.index('pytorch'), 7);
  assert.equal(v.index('use.'), 13);
  assert.equal(v.count('pytorch'), 2);
  assert.equal(v.count('feel'), 1);
  assert.equal(v.count('nope'), 0);
  assert.equal(v.index('nope'), UNK);
  assert.deepEqual(v.entries().slice(3, 6), [
    { word: '<UNK>', index: 3, count: 0 },
    { word: 'i', index: 4, count: 1 },
    { word: 'feel', index: 5, count: 1 },
  ]);
});

test('encode with EOS, unknown words as UNK; decode stops at EOS and drops SOS/PAD', () => {
  const v = Vocab.build(sentences);
  const ids = v.encode(['pytorch', 'is', 'unknown'], { eos: true });
  assert.ok(ids instanceof Int32Array);
  assert.deepEqual(Array.from(ids), [7, 8, UNK, EOS]);
  assert.deepEqual(Array.from(v.encode(['i'])), [4]);
  assert.deepEqual(v.decode([SOS, 7, PAD, 8, UNK, EOS, 4, 5]), ['pytorch', 'is', '<UNK>']);
});

test('minCount leaves rare words out: they map to UNK and are counted there', () => {
  const v = Vocab.build(sentences, { minCount: 2 });
  assert.equal(v.size, 4 + 3); // pytorch, is, very
  assert.equal(v.index('pytorch'), 4);
  assert.equal(v.index('is'), 5);
  assert.equal(v.index('very'), 6);
  assert.equal(v.index('feel'), UNK);
  assert.equal(v.has('feel'), false);
  assert.equal(v.count('<UNK>'), 7);
});

test('toJSON / fromJSON round trip; damaged JSON is BAD_MODEL', () => {
  const v = Vocab.build(sentences, { minCount: 2 });
  const j = JSON.parse(JSON.stringify(v));
  const r = Vocab.fromJSON(j);
  assert.equal(r.size, v.size);
  assert.deepEqual(r.entries(), v.entries());
  expectError(() => Vocab.fromJSON({ words: ['a', 'b'], counts: [0, 0] }), 'BAD_MODEL');
  expectError(() => Vocab.fromJSON({ words: ['<SOS>', '<EOS>', '<PAD>', '<UNK>', 'x', 'x'], counts: [0, 0, 0, 0, 1, 1] }), 'BAD_MODEL');
});

test('findInvalidUtf8 agrees with a fatal TextDecoder', () => {
  const cases: number[][] = [
    [0x61, 0x62],
    [0xc3, 0xa9],
    [0x61, 0xe9, 0x62],
    [0xe2, 0x82, 0xac],
    [0xe2, 0x82],
    [0xc0, 0x80],
    [0xed, 0xa0, 0x80],
    [0xf0, 0x9f, 0x98, 0x80],
    [0xf4, 0x90, 0x80, 0x80],
    [0x61, 0x80],
  ];
  for (const c of cases) {
    const bytes = Uint8Array.from(c);
    let ok = true;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      ok = false;
    }
    assert.equal(findInvalidUtf8(bytes) < 0, ok, c.map((b) => b.toString(16)).join(' '));
  }
  assert.equal(findInvalidUtf8(Uint8Array.from([0x61, 0xe9, 0x62])), 1);
});
