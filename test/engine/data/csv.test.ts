import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { columnIndex, parseCsv, parseDate, parseNumber, preview, readCsvFile } from '../../../src/engine/data/csv';
import { expectError, expectErrorAsync, fixture, EXAMPLES } from './helpers';

const STOCK = path.join(EXAMPLES, 'stock_daily.csv');

function parseFixture(name: string, opts: Omit<Parameters<typeof parseCsv>[1], 'file'> = {}) {
  const f = fixture(name);
  return parseCsv(f.bytes, { file: name, ...opts });
}

test('stock_daily.csv: 732 rows, 5 columns named from the last # comment', async () => {
  const t = await readCsvFile(STOCK, {});
  assert.deepEqual(t.columns, ['Open', 'High', 'Low', 'Volume', 'Close']);
  assert.equal(t.rows, 732);
  assert.equal(t.data.length, 732 * 5);
  assert.equal(t.headerLine, 2);
  assert.equal(t.delimiter, ',');
  assert.equal(t.dates, null);
  assert.equal(t.dateColumn, null);
  assert.deepEqual(t.ignoredColumns, []);
  // No dates: auto keeps the stored order and cannot tell which way it runs.
  assert.deepEqual(t.order, { detected: 'unknown', reversed: false });
  assert.equal(t.lines[0], 3);
  assert.equal(t.lines[731], 734);
  assert.deepEqual(Array.from(t.data.subarray(0, 5)), [828.659973, 833.450012, 828.349976, 1247700, 831.659973]);
  assert.equal(t.stats[3].column, 'Volume');
  assert.equal(t.stats[3].min, 7900);
  assert.equal(t.stats[3].max, 11164900);
  assert.equal(t.droppedRows, 0);
  assert.equal(t.filledCells, 0);
});

test('stock_daily.csv with order reverse: oldest row (last line) first, like the course', async () => {
  const t = await readCsvFile(STOCK, { order: 'reverse' });
  assert.deepEqual(t.order, { detected: 'unknown', reversed: true });
  assert.equal(t.lines[0], 734);
  assert.equal(t.lines[731], 3);
  assert.deepEqual(Array.from(t.data.subarray(0, 5)), [568.00257, 568.00257, 552.922516, 13100, 558.462551]);
  assert.deepEqual(Array.from(t.data.subarray(731 * 5)), [828.659973, 833.450012, 828.349976, 1247700, 831.659973]);
  assert.equal(columnIndex(t, 'Close'), 4);
  assert.equal(columnIndex(t, 'close'), 4, 'case-insensitive when unique');
  const p = preview(t, 2);
  assert.equal(p.rows.length, 2);
  assert.equal(p.rows[0].line, 734);
});

test('header row detected; no header gives col1..colN; a # comment with the wrong count is not a header', () => {
  const withHeader = parseCsv('x,y\n1,2\n3,4\n', { file: 'h.csv' });
  assert.deepEqual(withHeader.columns, ['x', 'y']);
  assert.equal(withHeader.headerLine, 1);
  assert.deepEqual(Array.from(withHeader.lines), [2, 3]);

  const noHeader = parseCsv('1,2\n3,4\n', { file: 'n.csv' });
  assert.deepEqual(noHeader.columns, ['col1', 'col2']);
  assert.equal(noHeader.headerLine, null);
  assert.deepEqual(Array.from(noHeader.data), [1, 2, 3, 4]);
  assert.deepEqual(Array.from(noHeader.lines), [1, 2]);

  const wrongCount = parseCsv('# x,y,z\n1,2\n3,4\n', { file: 'c.csv' });
  assert.deepEqual(wrongCount.columns, ['col1', 'col2']);
  assert.deepEqual(Array.from(wrongCount.lines), [2, 3]);

  const fromComment = parseCsv('# source: somewhere\n# x;y\n1;2\n3;4\n', { file: 'c2.csv' });
  assert.deepEqual(fromComment.columns, ['x', 'y']);
  assert.equal(fromComment.headerLine, 2);
  assert.equal(fromComment.delimiter, ';');
});

test('BOM, CRLF line ends, blank lines and exponents', () => {
  const t = parseCsv('\ufeffa,b\r\n1,2e3\r\n\r\n3,-4.5E-1\r\n', { file: 'crlf.csv' });
  assert.deepEqual(t.columns, ['a', 'b']);
  assert.deepEqual(Array.from(t.data), [1, 2000, 3, -0.45]);
  assert.deepEqual(Array.from(t.lines), [2, 4]);
});

test('strict numbers: no thousands separators, no hex', () => {
  assert.equal(parseNumber(' 12.5 '), 12.5);
  assert.equal(parseNumber('1e-3'), 0.001);
  assert.equal(parseNumber('.5'), 0.5);
  assert.ok(Number.isNaN(parseNumber('1,234')));
  assert.ok(Number.isNaN(parseNumber('0x1F')));
  assert.ok(Number.isNaN(parseNumber('$5')));
  assert.ok(Number.isNaN(parseNumber('')));
  assert.ok(Number.isNaN(parseNumber('Infinity')));
});

test('semicolon file with a header row, a # comment and a blank line', () => {
  const t = parseFixture('semicolon.csv');
  assert.equal(t.delimiter, ';');
  assert.deepEqual(t.columns, ['Day', 'Open', 'Close']);
  assert.equal(t.headerLine, 2, 'the header row wins over the comment');
  assert.deepEqual(Array.from(t.lines), [3, 4, 6]);
  assert.deepEqual(Array.from(t.data), [1, 10.5, 11, 2, 11.5, 12, 3, 12.5, 13]);
});

test('tab-separated file', () => {
  const t = parseFixture('tab.tsv');
  assert.equal(t.delimiter, '\t');
  assert.deepEqual(t.columns, ['x', 'y']);
  assert.deepEqual(Array.from(t.data), [1, 2, 3, 4]);
});

test('quoted fields: delimiter and newline inside quotes, text column ignored, lines stay right', () => {
  const t = parseFixture('quoted.csv');
  assert.deepEqual(t.columns, ['Price, USD', 'Qty']);
  assert.deepEqual(t.ignoredColumns, ['Comment']);
  assert.deepEqual(Array.from(t.data), [1.5, 2, 2.5, 3, 3.5, 4]);
  // Row 2 spans lines 3-4; line 5 is a comment.
  assert.deepEqual(Array.from(t.lines), [2, 3, 6]);
});

test('NON_NUMERIC_CELL after a multi-line quoted field and a comment points at the right line', () => {
  const e = expectError(() => parseFixture('quoted_bad_cell.csv'), 'NON_NUMERIC_CELL');
  assert.deepEqual(e.location, { file: 'quoted_bad_cell.csv', line: 6, column: 3 });
  assert.match(e.toString(), /quoted_bad_cell\.csv:6:3: /);
  assert.match(e.message, /"x4"/);
});

test('NON_NUMERIC_CELL: text in a numeric column names file:line:col, the value, the column and the fix', () => {
  const e = expectError(() => parseFixture('text_in_numeric.csv'), 'NON_NUMERIC_CELL');
  assert.deepEqual(e.location, { file: 'text_in_numeric.csv', line: 3, column: 2 });
  assert.ok(e.toString().includes('text_in_numeric.csv:3:2'), e.toString());
  assert.match(e.message, /text_in_numeric\.csv/);
  assert.match(e.message, /line 3, column 2/);
  assert.match(e.message, /"abc"/);
  assert.match(e.message, /"High"/);
  assert.match(e.hint ?? '', /remove the cell|exclude/);
});

test('date column detected; newest-first is reversed to oldest-first with order auto', () => {
  const t = parseFixture('dated_newest_first.csv');
  assert.equal(t.dateColumn, 'Date');
  assert.deepEqual(t.columns, ['Open', 'Close']);
  assert.deepEqual(t.ignoredColumns, ['Note']);
  assert.deepEqual(t.order, { detected: 'newest-first', reversed: true });
  assert.deepEqual(t.dates, ['2017-01-02', '2017-01-03', '2017-01-04', '2017-01-05']);
  assert.deepEqual(Array.from(t.lines), [5, 4, 3, 2]);
  assert.deepEqual(Array.from(t.data), [0.5, 5, 1, 10, 2, 20, 3, 30]);

  const asIs = parseFixture('dated_newest_first.csv', { order: 'as-is' });
  assert.deepEqual(asIs.order, { detected: 'newest-first', reversed: false });
  assert.deepEqual(asIs.dates, ['2017-01-05', '2017-01-04', '2017-01-03', '2017-01-02']);

  const named = parseFixture('dated_newest_first.csv', { dateColumn: 'date' });
  assert.equal(named.dateColumn, 'Date');
});

test('oldest-first dates with times are kept in order', () => {
  const t = parseCsv('when,v\n2017-01-03 10:00,1\n2017-01-03 11:30,2\n1/4/2017,3\n', { file: 't.csv', dateFormat: 'month-first' });
  assert.equal(t.dateColumn, 'when');
  assert.deepEqual(t.order, { detected: 'oldest-first', reversed: false });
  assert.deepEqual(t.dates, ['2017-01-03T10:00:00', '2017-01-03T11:30:00', '2017-01-04T00:00:00']);
});

test('parseDate accepts common date formats and never plain numbers', () => {
  const d = (s: string) => new Date(parseDate(s)).toISOString();
  assert.equal(d('2017-01-03'), '2017-01-03T00:00:00.000Z');
  assert.equal(d('2017-01-03 10:00'), '2017-01-03T10:00:00.000Z');
  assert.equal(d('2017-01-03T10:00:00+02:00'), '2017-01-03T08:00:00.000Z');
  assert.equal(d('1/3/2017'), '2017-01-03T00:00:00.000Z');
  assert.equal(d('2017/01/03'), '2017-01-03T00:00:00.000Z');
  assert.equal(d('Jan 3, 2017'), '2017-01-03T00:00:00.000Z');
  assert.equal(d('3-Jan-2017'), '2017-01-03T00:00:00.000Z');
  for (const s of ['2017', '20170103', '1.5', '-3', '1e5', '2017-02-30', '2017-13-01', 'hello', '']) {
    assert.ok(Number.isNaN(parseDate(s)), s);
  }
});

test('dates out of order: BAD_CSV with order auto, accepted with as-is', () => {
  const e = expectError(() => parseFixture('unsorted_dates.csv'), 'BAD_CSV');
  assert.equal(e.location.line, 4);
  assert.equal(e.location.column, 1);
  const t = parseFixture('unsorted_dates.csv', { order: 'as-is' });
  assert.deepEqual(t.order, { detected: 'unknown', reversed: false });
  assert.deepEqual(Array.from(t.data), [1, 2, 3, 4]);
});

test('dateColumn option: unknown name and a column that is not dates', () => {
  const e1 = expectError(() => parseFixture('dated_newest_first.csv', { dateColumn: 'Day' }), 'UNKNOWN_COLUMN');
  assert.match(e1.message, /Date, Open, Close, Note/);
  const e2 = expectError(() => parseFixture('dated_newest_first.csv', { dateColumn: 'Note' }), 'BAD_CSV');
  assert.equal(e2.location.line, 2);
  assert.equal(e2.location.column, 4);
});

test('MISSING_VALUE by default, naming file:line:col and the --missing options', () => {
  const e = expectError(() => parseFixture('missing.csv'), 'MISSING_VALUE');
  assert.deepEqual(e.location, { file: 'missing.csv', line: 3, column: 2 });
  assert.ok(e.toString().includes('missing.csv:3:2'));
  assert.match(e.message, /missing\.csv/);
  assert.match(e.message, /line 3/);
  assert.match(e.hint ?? '', /--missing drop/);
  assert.match(e.hint ?? '', /--missing ffill/);
});

test('missing values: drop removes the rows', () => {
  const t = parseFixture('missing.csv', { missing: 'drop' });
  assert.equal(t.rows, 3);
  assert.equal(t.droppedRows, 2);
  assert.deepEqual(Array.from(t.data), [1, 2, 5, 6, 9, 10]);
  assert.deepEqual(Array.from(t.lines), [2, 4, 6]);
  assert.equal(t.stats[1].missing, 2);
});

test('missing values: ffill copies the previous row', () => {
  const t = parseFixture('missing.csv', { missing: 'ffill' });
  assert.equal(t.rows, 5);
  assert.equal(t.filledCells, 2);
  assert.deepEqual(Array.from(t.data), [1, 2, 3, 2, 5, 6, 7, 6, 9, 10]);
  const d = parseFixture('dated_missing.csv', { missing: 'ffill' });
  assert.deepEqual(Array.from(d.data), [1, 1, 3]);
  assert.deepEqual(d.dates, ['2017-01-01', '2017-01-02', '2017-01-03']);
});

test('missing values: ffill cannot fill the first row', () => {
  const e = expectError(() => parseFixture('missing_first_row.csv', { missing: 'ffill' }), 'MISSING_VALUE');
  assert.deepEqual(e.location, { file: 'missing_first_row.csv', line: 2, column: 2 });
  assert.match(e.message, /first row/);
  const t = parseFixture('missing_first_row.csv', { missing: 'drop' });
  assert.deepEqual(Array.from(t.data), [3, 4, 5, 6]);
});

test('EMPTY_FILE for an empty and a whitespace-only file', async () => {
  const e = expectError(() => parseFixture('empty.csv'), 'EMPTY_FILE');
  assert.match(e.message, /empty\.csv/);
  expectError(() => parseFixture('whitespace_only.csv'), 'EMPTY_FILE');
  expectError(() => parseCsv('# only a comment\n', { file: 'c.csv' }), 'EMPTY_FILE');
  expectError(() => parseCsv('a,b\n', { file: 'h.csv' }), 'EMPTY_FILE');
  await expectErrorAsync(() => readCsvFile(fixture('empty.csv').path, {}), 'EMPTY_FILE');
});

test('NOT_UTF8: a Latin-1 file names the line and column of the bad byte and says to save as UTF-8', () => {
  const e = expectError(() => parseFixture('latin1.csv'), 'NOT_UTF8');
  assert.deepEqual(e.location, { file: 'latin1.csv', line: 3, column: 3 });
  assert.match(e.message, /latin1\.csv/);
  assert.match(e.message, /0xE9/);
  assert.match(e.message, /line 3/);
  assert.match(e.hint ?? '', /UTF-8/);
});

test('NO_NUMERIC_COLUMN when every column is text', () => {
  const e = expectError(() => parseFixture('no_numeric.csv'), 'NO_NUMERIC_COLUMN');
  assert.match(e.message, /no_numeric\.csv/);
  assert.match(e.message, /name \(text\), city \(text\)/);
});

test('column names with a newline, a comma or nothing in them are quoted in messages, which stay one line', () => {
  // A quoted header cell may hold a line break (fast-check found "D\nate" breaking the message in two).
  const e = expectError(() => parseCsv(Buffer.from('"D\nate","a,b",x\r\n"#x",y,\r\n'), { file: 'h.csv' }), 'NO_NUMERIC_COLUMN');
  assert.doesNotMatch(e.toString(), /\n/);
  assert.match(e.message, /no numeric column: "D\\nate" \(text\), "a,b" \(text\), x \(empty\)\./);
  const t = parseCsv(Buffer.from('"Cl\nose",Open\n1,2\n3,4\n'), { file: 'n.csv' });
  assert.deepEqual(t.columns, ['Cl\nose', 'Open'], 'the name itself is kept as written');
  const u = expectError(() => columnIndex(t, 'High'), 'UNKNOWN_COLUMN');
  assert.match(u.message, /Numeric columns: "Cl\\nose", Open\./);
});

test('BAD_CSV for a row with the wrong number of fields and for an unclosed quote', () => {
  const e = expectError(() => parseFixture('bad_field_count.csv'), 'BAD_CSV');
  assert.equal(e.location.line, 3);
  assert.match(e.message, /Line 3 has 2 fields but line 1 has 3/);
  expectError(() => parseFixture('unclosed_quote.csv'), 'BAD_CSV');
});

test('UNKNOWN_COLUMN from columnIndex lists the available columns', () => {
  const t = parseFixture('dated_newest_first.csv');
  const e = expectError(() => columnIndex(t, 'Volume'), 'UNKNOWN_COLUMN');
  assert.match(e.message, /Open, Close/);
  const e2 = expectError(() => columnIndex(t, 'Note'), 'UNKNOWN_COLUMN');
  assert.match(e2.message, /text column/);
});

// How fast: bench/run.ts times a 1,000,000-row file; a test only checks what is read.
test('a generated 200,000-row CSV parses whole: every row, its line, its dates and values', () => {
  const n = 200_000;
  const parts: string[] = ['Date,Open,High,Low,Volume,Close\n'];
  const t0 = Date.UTC(2000, 0, 1);
  for (let i = 0; i < n; i++) {
    const d = new Date(t0 + i * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
    parts.push(`${d},${(100 + i * 0.01).toFixed(4)},${(101 + i * 0.01).toFixed(4)},${(99 + i * 0.01).toFixed(4)},${1000 + (i % 977)},${(100.5 + i * 0.01).toFixed(4)}\n`);
  }
  const text = parts.join('');
  const t = parseCsv(Buffer.from(text), { file: 'big.csv' });
  assert.equal(t.rows, n);
  assert.equal(t.columns.length, 5);
  assert.equal(t.dateColumn, 'Date');
  assert.equal(t.lines[n - 1], n + 1);
  assert.equal(t.data[(n - 1) * 5 + 3], 1000 + ((n - 1) % 977));
});

test('formatted numbers (thousands separators, currency) are a NON_NUMERIC_CELL with a formatting hint, not a silently ignored column', () => {
  const e = expectError(() => parseCsv('Date,Volume,Close\n2017-01-01,"1,247,700",5\n2017-01-02,"2,000",6\n', { file: 'f.csv' }), 'NON_NUMERIC_CELL');
  assert.deepEqual(e.location, { file: 'f.csv', line: 2, column: 2 });
  assert.match(e.hint ?? '', /thousands separators/);
});

test('single column, no-header dated rows, trailing delimiter, duplicate names', () => {
  const single = parseCsv('Close\n1\n2\n3\n', { file: 's.csv' });
  assert.deepEqual(single.columns, ['Close']);
  assert.deepEqual(Array.from(single.data), [1, 2, 3]);
  const dated = parseCsv('2017-01-01,1\n2017-01-02,2\n', { file: 'd.csv' });
  assert.equal(dated.dateColumn, 'col1');
  assert.deepEqual(dated.columns, ['col2']);
  assert.equal(dated.headerLine, null);
  const trailing = parseCsv('a,b,\n1,2,\n3,4,\n', { file: 't.csv' });
  assert.deepEqual(trailing.columns, ['a', 'b']);
  assert.deepEqual(trailing.ignoredColumns, ['col3']);
  const dupe = parseCsv('a,a,b\n1,2,3\n4,5,6\n', { file: 'u.csv' });
  assert.deepEqual(dupe.columns, ['a', 'a_2', 'b']);
});

test('a file over the size limit fails at once with FILE_TOO_LARGE, naming the file and the fix', async () => {
  const { mkdtemp, open, rm } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { readCsvFile } = await import('../../../src/engine/data/csv');
  const { MAX_INPUT_BYTES } = await import('../../../src/engine/data/text');
  const dir = await mkdtemp(join(tmpdir(), 'rnnlab-huge-'));
  const path = join(dir, 'huge.csv');
  const fh = await open(path, 'w');
  await fh.truncate(MAX_INPUT_BYTES + 1); // sparse: no disk used
  await fh.close();
  try {
    await assert.rejects(readCsvFile(path, { file: 'huge.csv' }), (e: Error & { code?: string; hint?: string }) => {
      assert.equal(e.code, 'FILE_TOO_LARGE');
      assert.match(e.message, /huge\.csv is 1\.0 GiB/);
      assert.match(e.hint ?? '', /shorter extract/);
      return true;
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
