import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { copyPlanned, EXAMPLE_FILES, freeFileName, planExampleCopies } from '../../../src/extension/examples/copy';

const SHIPPED = resolve(__dirname, '../../../examples');

test('Open Examples copies the four files into an empty folder, and nothing the second time', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rnnlab-examples-'));
  try {
    const to = join(dir, 'rnn-lab-examples');
    const plan = await planExampleCopies(SHIPPED, to);
    assert.deepEqual(plan.map((p) => [p.name, p.status]), EXAMPLE_FILES.map((n) => [n, 'new']));
    await copyPlanned(plan, to);
    assert.deepEqual(readdirSync(to).sort(), [...EXAMPLE_FILES].sort());
    for (const n of EXAMPLE_FILES) assert.ok(readFileSync(join(to, n)).equals(readFileSync(join(SHIPPED, n))), n);
    // kor-eng.txt keeps its attribution column.
    assert.match(readFileSync(join(to, 'kor-eng.txt'), 'utf8').split('\n')[0], /^Go\.\t가\.\tCC-BY 2\.0 \(France\) Attribution: tatoeba\.org/);
    const again = await planExampleCopies(SHIPPED, to);
    assert.ok(again.every((p) => p.status === 'same'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a user's file of the same name is never overwritten: the example takes a free name", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rnnlab-examples-'));
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'course-pairs.tsv'), 'my own\tpairs\n');
    writeFileSync(join(dir, 'course-pairs-2.tsv'), 'also mine\tyes\n');
    const plan = await planExampleCopies(SHIPPED, dir);
    const pairs = plan.find((p) => p.name === 'course-pairs.tsv')!;
    assert.equal(pairs.status, 'renamed');
    assert.equal(pairs.to, join(dir, 'course-pairs-3.tsv'));
    await copyPlanned(plan, dir);
    assert.equal(readFileSync(join(dir, 'course-pairs.tsv'), 'utf8'), 'my own\tpairs\n');
    assert.equal(readFileSync(join(dir, 'course-pairs-2.tsv'), 'utf8'), 'also mine\tyes\n');
    assert.ok(readFileSync(join(dir, 'course-pairs-3.tsv')).equals(readFileSync(join(SHIPPED, 'course-pairs.tsv'))));
    // A file that appears after the plan was made is not overwritten either.
    writeFileSync(join(dir, 'late.csv'), 'mine');
    await assert.rejects(copyPlanned([{ name: 'stock_daily.csv', from: join(SHIPPED, 'stock_daily.csv'), to: join(dir, 'late.csv'), status: 'new' }], dir), /EEXIST/);
    assert.equal(readFileSync(join(dir, 'late.csv'), 'utf8'), 'mine');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('freeFileName keeps the extension', () => {
  const taken = new Set(['a-2.txt']);
  assert.equal(freeFileName('a.txt', (c) => taken.has(c)), 'a-3.txt');
  assert.equal(freeFileName('README', () => false), 'README-2');
});
