// The one reader of user files (readInputFile) on what is not a regular file, and decodeText on
// NUL bytes: each a clear error naming the path or the line, never a hang or a read without end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeText, readInputFile } from '../../../src/engine/data/text';
import { say } from '../../../src/shared/said';
import { expectError, expectErrorAsync } from './helpers';

test('a FIFO without a writer, /dev/zero through a symlink and a folder are refused at once, naming what they are', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rnnlab-special-'));
  try {
    const fifo = join(dir, 'pipe.csv');
    execFileSync('mkfifo', [fifo]);
    const zero = join(dir, 'zero.csv');
    await symlink('/dev/zero', zero);
    const e1 = await expectErrorAsync(() => readInputFile(fifo, 'pipe.csv', say('CSV file')), 'BAD_OPTION');
    assert.match(e1.message, /pipe\.csv is a named pipe \(FIFO\), not a regular file/);
    const e2 = await expectErrorAsync(() => readInputFile(zero, 'zero.csv', say('CSV file')), 'BAD_OPTION');
    assert.match(e2.message, /zero\.csv is a character device/);
    const e3 = await expectErrorAsync(() => readInputFile(dir, 'the folder', say('CSV file')), 'BAD_OPTION');
    assert.match(e3.message, /the folder is a folder/);
    const e4 = await expectErrorAsync(() => readInputFile(join(dir, 'nope.csv'), 'nope.csv', say('CSV file')), 'BAD_OPTION');
    assert.match(e4.message, /nope\.csv does not exist/);
    const real = join(dir, 'real.csv');
    await writeFile(real, 'a\n1\n');
    await symlink(real, join(dir, 'link.csv'));
    assert.equal((await readInputFile(join(dir, 'link.csv'), 'link.csv', say('CSV file'))).toString(), 'a\n1\n', 'a symlink to a regular file is read');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('NUL bytes: the line and column of the first, and UTF-16 said as such', () => {
  const e = expectError(() => decodeText(Buffer.from('a,b\n1,2\n3,\u00004\n'), 'n.csv'), 'NOT_UTF8');
  assert.deepEqual(e.location, { file: 'n.csv', line: 3, column: 3 });
  assert.match(e.message, /binary or damaged/);
  const utf16 = Buffer.from('a,b\n1,2\n', 'utf16le');
  assert.match(expectError(() => decodeText(utf16, 'u.csv'), 'NOT_UTF8').message, /UTF-16/);
});
