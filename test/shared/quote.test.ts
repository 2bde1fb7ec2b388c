import { test } from 'node:test';
import assert from 'node:assert/strict';
import { columnLabel, columnList, quoteValue } from '../../src/shared/quote';

test('columnLabel: plain names as written, the rest quoted with their escapes visible', () => {
  for (const plain of ['Close', 'Adj Close', '종가', 'é', '2019', 'a-b_c.d']) assert.equal(columnLabel(plain), plain);
  assert.equal(columnLabel(''), '""');
  assert.equal(columnLabel('D\nate'), '"D\\nate"');
  assert.equal(columnLabel('a\tb'), '"a\\tb"');
  assert.equal(columnLabel('a\u0000'), '"a\\u0000"');
  assert.equal(columnLabel('a,b'), '"a,b"');
  assert.equal(columnLabel('say "hi"'), '"say \\"hi\\""');
  assert.equal(columnLabel(' Close'), '" Close"');
  assert.equal(columnLabel('Close '), '"Close "');
  assert.equal(columnLabel('x'.repeat(40)), 'x'.repeat(40));
  assert.equal(columnLabel('x'.repeat(41)), `"${'x'.repeat(39)}…"`);
  assert.equal(quoteValue('x'.repeat(41)), `"${'x'.repeat(39)}…"`);
});

test('columnList: each name as columnLabel shows it, comma-separated, so a comma inside a name cannot split it', () => {
  assert.equal(columnList(['Open', 'a,b', '']), 'Open, "a,b", ""');
  assert.equal(columnList([]), '');
});
