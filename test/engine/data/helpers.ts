import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import { RnnLabError, type ErrorCode } from '../../../src/engine/errors';

/** Repository root: the nearest folder above this file with a package.json. */
function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('package.json not found above ' + __dirname);
    dir = up;
  }
  return dir;
}

export const ROOT = repoRoot();
/** The course's data sets, kept in the repository (examples/), so a clone anywhere can test. */
export const EXAMPLES = path.join(ROOT, 'examples');
export const FILES = path.join(__dirname, 'files');

export function fixture(name: string): { path: string; bytes: Buffer } {
  const p = path.join(FILES, name);
  return { path: p, bytes: readFileSync(p) };
}

/** Runs fn, asserts it throws an RnnLabError with this code, and returns it. */
export function expectError(fn: () => unknown, code: ErrorCode): RnnLabError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof RnnLabError, `expected RnnLabError ${code}, got ${String(e)}`);
    assert.equal(e.code, code, `expected ${code}, got ${e.code}: ${e.toString()}`);
    assert.ok(e.hint && e.hint.length > 0, 'every user-facing error has a hint');
    return e;
  }
  assert.fail(`expected RnnLabError ${code}, nothing was thrown`);
}

export async function expectErrorAsync(fn: () => Promise<unknown>, code: ErrorCode): Promise<RnnLabError> {
  try {
    await fn();
  } catch (e) {
    assert.ok(e instanceof RnnLabError, `expected RnnLabError ${code}, got ${String(e)}`);
    assert.equal(e.code, code, `expected ${code}, got ${e.code}: ${e.toString()}`);
    return e;
  }
  assert.fail(`expected RnnLabError ${code}, nothing was thrown`);
}
