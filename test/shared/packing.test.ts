// The packing inspector's contract: what its page may send, and the state it may hand back
// after a reload, are checked against the packing option table; anything else is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultsOf, PACKING_OPTIONS } from '../../src/shared/options';
import { parsePackingMessage, parsePackingState, type PackingOptions } from '../../src/shared/packing';
import { ProtocolError } from '../../src/shared/protocol';

const options: PackingOptions = { batchSize: 5, batch: 0, sortByLength: false, batchFirst: true, enforceSorted: false, split: 'chars', column: 'line' };

test("the table's defaults are the course's batch: five strings, unsorted, batch_first, enforce_sorted=False", () => {
  assert.deepEqual(defaultsOf(PACKING_OPTIONS), options);
});

test('messages: valid ones parse to themselves', () => {
  for (const m of [{ type: 'ready' }, { type: 'openFile' }, { type: 'useCourse' }, { type: 'inspect', options }, { type: 'inspect', options: { ...options, batchSize: 64, split: 'words', column: 'target', enforceSorted: true } }]) {
    assert.deepEqual(parsePackingMessage(m), m);
  }
  assert.deepEqual(parsePackingMessage({ type: 'cspViolation', directive: 'style-src', blockedURI: 'inline' }), { type: 'cspViolation', directive: 'style-src', blockedURI: 'inline' });
});

test('messages: unknown types, values outside the table, missing and extra fields are refused', () => {
  assert.throws(() => parsePackingMessage({ type: 'readFile', path: '/etc/passwd' }), ProtocolError);
  assert.throws(() => parsePackingMessage({ type: 'inspect', options: { ...options, batchSize: 65 } }), /batchSize/);
  assert.throws(() => parsePackingMessage({ type: 'inspect', options: { ...options, batchSize: 2.5 } }), /batchSize/);
  assert.throws(() => parsePackingMessage({ type: 'inspect', options: { ...options, batch: -1 } }), /batch /);
  assert.throws(() => parsePackingMessage({ type: 'inspect', options: { ...options, batchFirst: 'true' } }), /batchFirst/);
  assert.throws(() => parsePackingMessage({ type: 'inspect', options: { ...options, split: 'bytes' } }), /split/);
  const { column: _c, ...missing } = options;
  assert.throws(() => parsePackingMessage({ type: 'inspect', options: missing }), /column/);
  assert.throws(() => parsePackingMessage({ type: 'inspect', options: { ...options, path: '/x' } }), /unexpected field path/);
  assert.throws(() => parsePackingMessage({ type: 'openFile', path: '/x' }), /unexpected field path/);
});

test('restored state: the course or an absolute file path, with allowed options', () => {
  assert.deepEqual(parsePackingState({ source: { kind: 'course' }, options }), { source: { kind: 'course' }, options });
  assert.deepEqual(parsePackingState({ source: { kind: 'file', path: '/w/lines.txt' }, options }), { source: { kind: 'file', path: '/w/lines.txt' }, options });
  assert.throws(() => parsePackingState({ source: { kind: 'file', path: 'lines.txt' }, options }), /absolute/);
  assert.throws(() => parsePackingState({ source: { kind: 'url', path: 'https://x' }, options }), /source/);
  assert.throws(() => parsePackingState({ source: { kind: 'course' }, options: { ...options, batchSize: 0 } }), /batchSize/);
  assert.throws(() => parsePackingState(null), ProtocolError);
});
