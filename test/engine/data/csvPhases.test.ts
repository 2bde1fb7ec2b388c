// Each phase of parseCsv on its own (src/engine/data/csvCells, csvRows, csvColumns, csvTable),
// on inputs small enough to check by hand; csv.test.ts checks the whole pipeline on real files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cellKind, formatDates, parseDate, parseNumber, readDate, PLAIN_CELLS } from '../../../src/engine/data/csvCells';
import { detectDialect, readRows } from '../../../src/engine/data/csvRows';
import { classifyColumns, columnNames, describeIgnored, detectHeader, findDateColumn, resolveDateOrder } from '../../../src/engine/data/csvColumns';
import { applyMissingPolicy, assembleTable, columnStats, resolveRowOrder } from '../../../src/engine/data/csvTable';
import { expectError } from './helpers';

const rowsOf = (text: string, decimalComma = false) => readRows(text, detectDialect(text), 'f.csv', { decimalComma });

test('cells: numbers, decimal commas only when asked, dates and their slash readings', () => {
  assert.equal(parseNumber('1,5'), NaN);
  assert.equal(parseNumber('1,5', { decimalComma: true }), 1.5);
  assert.equal(parseNumber('-1.234,5', { decimalComma: true }), -1234.5);
  assert.equal(parseNumber('2.5', { decimalComma: true }), 2.5);
  assert.equal(cellKind('Close', PLAIN_CELLS), 'text');
  assert.equal(cellKind('2017-01-03', PLAIN_CELLS), 'date');
  assert.equal(cellKind(' NA ', PLAIN_CELLS), 'missing');
  const [t, sd] = readDate('03/04/2020');
  assert.equal(new Date(t).toISOString().slice(0, 10), '2020-03-04', 'month-first until the column says otherwise');
  assert.equal(sd?.forces, 'either');
  assert.equal(new Date(sd!.dayFirst).toISOString().slice(0, 10), '2020-04-03');
  assert.equal(readDate('13/04/2020')[1]?.forces, 'day-first');
  assert.equal(readDate('04/13/2020')[1]?.forces, 'month-first');
  assert.equal(readDate('2020-04-13')[1], null);
  assert.equal(new Date(parseDate('03/04/2020', 'day-first')).toISOString().slice(0, 10), '2020-04-03');
  assert.deepEqual(formatDates(Float64Array.from([Date.UTC(2020, 0, 1), NaN])), ['2020-01-01', '']);
  assert.deepEqual(formatDates(Float64Array.from([Date.UTC(2020, 0, 1, 10, 30)])), ['2020-01-01T10:30:00']);
});

test('dialect: semicolons, tabs and CR line ends are guessed', () => {
  assert.deepEqual(detectDialect('a;b\n1;2\n'), { delimiter: ';', linebreak: '\n' });
  assert.deepEqual(detectDialect('a\tb\r\n1\t2\r\n'), { delimiter: '\t', linebreak: '\r\n' });
  assert.deepEqual(detectDialect('a,b\r1,2\r'), { delimiter: ',', linebreak: '\r' });
});

test('rows: the first row stays strings, the rest go to the columns with their lines', () => {
  const r = rowsOf('# a comment\nx,y\n\n1,hello\n2,3\n');
  assert.deepEqual(r.first, ['x', 'y']);
  assert.equal(r.firstLine, 2);
  assert.deepEqual(r.lastComment, { text: '# a comment', line: 1 });
  assert.equal(r.count, 3);
  assert.deepEqual(Array.from(r.lines.subarray(0, 3)), [2, 4, 5]);
  assert.equal(r.accs[0].numeric, 2);
  assert.equal(r.accs[1].text, 1);
  assert.deepEqual(r.accs[1].firstText, { line: 4, value: 'hello' });
  const e = expectError(() => rowsOf('a,b\n1,2\n3\n'), 'BAD_CSV');
  assert.equal(e.location.line, 3);
  expectError(() => rowsOf('# only\n'), 'EMPTY_FILE');
});

test('header: names over numbers, a row of years over values, but not data that continues its columns', () => {
  assert.equal(detectHeader(rowsOf('x,y\n1,2\n'), PLAIN_CELLS, 'f.csv'), true);
  assert.equal(detectHeader(rowsOf('1,2\n3,4\n'), PLAIN_CELLS, 'f.csv'), false);
  assert.equal(detectHeader(rowsOf('2019,2020,2021\n5.1,3.2,4.4\n5.3,3.1,4.9\n'), PLAIN_CELLS, 'f.csv'), true);
  assert.equal(detectHeader(rowsOf('1,2,3\n4,5,6\n7,8,9\n'), PLAIN_CELLS, 'f.csv'), false, 'an increasing table is data');
  assert.equal(detectHeader(rowsOf('2019,2021,2020\n5.1,3.2,4.4\n'), PLAIN_CELLS, 'f.csv'), false, 'years out of step are data');
  expectError(() => detectHeader(rowsOf('x,y\n'), PLAIN_CELLS, 'f.csv'), 'EMPTY_FILE');
});

test('names: header, else the last comment with one name per column, else col1..colN', () => {
  assert.deepEqual(columnNames(rowsOf('a,a\n1,2\n'), true), { names: ['a', 'a_2'], headerLine: 1 });
  assert.deepEqual(columnNames(rowsOf('# p;q\n1;2\n'), false), { names: ['p', 'q'], headerLine: 1 });
  assert.deepEqual(columnNames(rowsOf('1,2\n'), false), { names: ['col1', 'col2'], headerLine: null });
});

test('date column: the first all-dates column; a column of dates with one bad day names its line', () => {
  const r = rowsOf('d,v\n2020-02-27,1\n2020-02-28,2\n2020-02-30,3\n2020-03-01,4\n');
  const e = expectError(() => findDateColumn(r.accs, ['d', 'v'], { file: 'f.csv', dateFormat: 'auto', headerLine: 1 }), 'BAD_CSV');
  assert.deepEqual(e.location, { file: 'f.csv', line: 4, column: 1 });
  assert.match(e.message, /"2020-02-30".*not a valid date.*3 other cells/);
  const ok = rowsOf('d,v\n2020-02-27,1\n2020-02-28,2\n');
  const d = findDateColumn(ok.accs, ['d', 'v'], { file: 'f.csv', dateFormat: 'auto', headerLine: 1 });
  assert.equal(d.index, 0);
  assert.equal(d.timestamps?.[1], Date.UTC(2020, 1, 27));
  assert.deepEqual(findDateColumn(rowsOf('a,b\n1,2\n').accs, ['a', 'b'], { file: 'f.csv', dateFormat: 'auto', headerLine: 1 }), { index: -1, timestamps: null });
});

test('date order: day-first when a first number is above 12, ambiguous when none is, an option decides', () => {
  const dayFirst = rowsOf('d\n01/02/2020\n13/02/2020\n').accs[0];
  const t = resolveDateOrder(dayFirst, 'd', { file: 'f.csv', dateFormat: 'auto' });
  assert.deepEqual([t[1], t[2]], [Date.UTC(2020, 1, 1), Date.UTC(2020, 1, 13)]);
  const ambiguous = rowsOf('d\n01/02/2020\n01/03/2020\n').accs[0];
  const e = expectError(() => resolveDateOrder(ambiguous, 'd', { file: 'f.csv', dateFormat: 'auto' }), 'BAD_CSV');
  assert.equal(e.location.line, 2);
  assert.match(e.hint ?? '', /--date-format day-first/);
  assert.deepEqual(Array.from(resolveDateOrder(ambiguous, 'd', { file: 'f.csv', dateFormat: 'day-first' }).subarray(1, 3)), [Date.UTC(2020, 1, 1), Date.UTC(2020, 2, 1)]);
  assert.deepEqual(Array.from(resolveDateOrder(ambiguous, 'd', { file: 'f.csv', dateFormat: 'month-first' }).subarray(1, 3)), [Date.UTC(2020, 0, 2), Date.UTC(2020, 0, 3)]);
  const mixed = rowsOf('d\n13/02/2020\n02/14/2020\n').accs[0];
  assert.equal(expectError(() => resolveDateOrder(mixed, 'd', { file: 'f.csv', dateFormat: 'auto' }), 'BAD_CSV').location.line, 3);
  assert.equal(expectError(() => resolveDateOrder(dayFirst, 'd', { file: 'f.csv', dateFormat: 'month-first' }), 'BAD_CSV').location.line, 3);
});

test('columns: numeric ones, ignored ones with the reason, decimal commas and stray text named', () => {
  const r = rowsOf('a;b;c;d\n1;x;;2\n2;y;;3\n3;z;;4\n5;q;;6\n');
  const { numeric, ignored } = classifyColumns(r.accs, ['a', 'b', 'c', 'd'], -1, 'f.csv', ';');
  assert.deepEqual(numeric, [0, 3]);
  assert.deepEqual(ignored.map((ig) => [ig.column, ig.reason]), [['b', 'text'], ['c', 'empty']]);
  assert.equal(describeIgnored(ignored[1]), 'c: every cell is empty');
  const stray = expectError(() => classifyColumns(rowsOf('a,b\n1,2\n2,w\n3,4\n').accs, ['a', 'b'], -1, 'f.csv', ','), 'NON_NUMERIC_CELL');
  assert.deepEqual(stray.location, { file: 'f.csv', line: 3, column: 2 });
  const mostly = rowsOf('a,b\n1,x\n2,y\n3,5\n4,z\n');
  const m = classifyColumns(mostly.accs, ['a', 'b'], -1, 'f.csv', ',');
  assert.equal(m.ignored[0].reason, 'mostly-text');
  assert.equal(describeIgnored(m.ignored[0]), 'b: mostly text (1 number, 3 text cells, the first "x" on line 2)');
  const comma = rowsOf('a;b\n1;2,5\n2;3,5\n');
  const e = expectError(() => classifyColumns(comma.accs, ['a', 'b'], -1, 'f.csv', ';'), 'NON_NUMERIC_CELL');
  assert.deepEqual(e.location, { file: 'f.csv', line: 2, column: 2 });
  assert.match(e.hint ?? '', /--decimal-comma to read 2,5 as 2\.5/);
  assert.deepEqual(classifyColumns(rowsOf('a;b\n1;2,5\n2;3,5\n', true).accs, ['a', 'b'], -1, 'f.csv', ';').numeric, [0, 1]);
  const none = expectError(() => classifyColumns(rowsOf('a;b\nx;y\nz;w\n').accs, ['a', 'b'], -1, 'f.csv', ';'), 'NO_NUMERIC_COLUMN');
  assert.equal(none.location.line, 2);
});

test('missing policy, row order, table and stats', () => {
  const v = [Float64Array.from([0, 1, NaN, 3]), Float64Array.from([0, 10, 20, 30])];
  const kept = { index: [0, 1], values: v, accs: rowsOf('a,b\n1,10\n,20\n3,30\n').accs };
  const e = expectError(() => applyMissingPolicy(kept, ['a', 'b'], 1, 4, 'error', 'f.csv'), 'MISSING_VALUE');
  assert.deepEqual(e.location, { file: 'f.csv', line: 3, column: 1 });
  assert.deepEqual(Array.from(applyMissingPolicy(kept, ['a', 'b'], 1, 4, 'drop', 'f.csv')), [1, 3]);
  const all = applyMissingPolicy(kept, ['a', 'b'], 1, 4, 'ffill', 'f.csv');
  assert.deepEqual(Array.from(all), [1, 2, 3]);
  const lines = Int32Array.from([1, 2, 3, 4]);
  const where = { file: 'f.csv', column: 1, name: 'd' };
  assert.deepEqual(resolveRowOrder(all, Float64Array.from([0, 3, 2, 1]), lines, 'auto', where), { detected: 'newest-first', reversed: true });
  assert.deepEqual(resolveRowOrder(all, null, lines, 'reverse', where), { detected: 'unknown', reversed: true });
  assert.equal(expectError(() => resolveRowOrder(all, Float64Array.from([0, 1, 3, 2]), lines, 'auto', where), 'BAD_CSV').location.line, 4);
  const t = assembleTable(all, { index: [0, 1], values: v }, null, lines, 'ffill', ['a', 'b'], 'f.csv');
  assert.deepEqual(Array.from(t.data), [1, 10, 1, 20, 3, 30]);
  assert.equal(t.filledCells, 1);
  assert.deepEqual(columnStats(t.data, ['a', 'b'], [1, 0]), [
    { column: 'a', min: 1, max: 3, missing: 1 },
    { column: 'b', min: 10, max: 30, missing: 0 },
  ]);
});
