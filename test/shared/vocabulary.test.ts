import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseVocabularyMessage, parseVocabularySource, parseVocabularyViewState, vocabularyOptions } from '../../src/shared/vocabulary';

const query = { sort: 'word', descending: false, filter: 'a', offset: 0, limit: 200, minCount: 2 };

test('the vocabulary page may ask for rows and coverage, nothing else', () => {
  assert.deepEqual(parseVocabularyMessage({ type: 'rows', id: 3, side: 'target', query }), { type: 'rows', id: 3, side: 'target', query });
  assert.deepEqual(parseVocabularyMessage({ type: 'coverage', id: 4, minCount: 1 }), { type: 'coverage', id: 4, minCount: 1 });
  assert.throws(() => parseVocabularyMessage({ type: 'rows', id: 3, side: 'middle', query }), /side must be one of/);
  assert.throws(() => parseVocabularyMessage({ type: 'rows', id: 3, side: 'source', query: { ...query, limit: 1e6 } }), /limit at most/);
  assert.throws(() => parseVocabularyMessage({ type: 'rows', id: 3, side: 'source', query: { ...query, sort: 'length' } }), /sort must be one of/);
  assert.throws(() => parseVocabularyMessage({ type: 'coverage', id: 4, minCount: 0 }), /minCount must be from 1/);
  assert.throws(() => parseVocabularyMessage({ type: 'coverage', id: 4, minCount: 1, extra: 1 }), /unexpected field extra/);
  assert.throws(() => parseVocabularyMessage({ type: 'readFile', id: 1 }), /unknown message type/);
});

test('a restored state names a pair file or a run, nothing else', () => {
  const state = { source: { kind: 'file', file: '/w/pairs.tsv', options: { minCount: 2, reverse: true } }, side: 'source', sort: 'count', descending: true, filter: '', minCount: 2 };
  assert.deepEqual(parseVocabularyViewState(state), state);
  assert.deepEqual(parseVocabularySource({ kind: 'run', runId: '2025-03-01T12-30-05-123Z' }), { kind: 'run', runId: '2025-03-01T12-30-05-123Z' });
  assert.throws(() => parseVocabularySource({ kind: 'run', runId: '../../etc' }), /runId must be a run id/);
  assert.throws(() => parseVocabularySource({ kind: 'file', file: 'relative.tsv', options: {} }), /absolute path/);
  assert.throws(() => parseVocabularySource({ kind: 'file', file: '/home/u/.ssh/id_rsa', options: {} }), /\.tsv or \.txt/);
  assert.throws(() => parseVocabularySource({ kind: 'file', file: '/w/p.tsv', options: { hidden: 16 } }), /unexpected field hidden/);
});

test('the seq2seq form options shrink to those that shape the vocabularies', () => {
  assert.deepEqual(vocabularyOptions({ hidden: 256, minCount: 3, sourceMaxLength: 20, lr: 0.1, splitPunctuation: true }), { minCount: 3, sourceMaxLength: 20, splitPunctuation: true });
});
