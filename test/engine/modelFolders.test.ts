// The damaged model folders of test/fixtures/bad/models/ (see its README), each through the CLI
// (`rnn-lab predict DIR file.csv`, `rnn-lab translate DIR "…"`) and the library
// (predictWithSaved, translateWithSaved): one line that names the damaged file and the field, an
// exit code that is neither 0 nor 70 (internal error), an RnnLabError, and no tensors left behind.
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/engine/backend';
import { RnnLabError } from '../../src/engine/errors';
import { predictWithSaved } from '../../src/engine/forecast/run';
import { translateWithSaved } from '../../src/engine/seq2seq/run';
import { cli, ensureCliBuilt, oneLineError, type Run } from '../helpers/cli';
import { ROOT } from './data/helpers';

const BAD = path.join(ROOT, 'test', 'fixtures', 'bad', 'models');
const CSV = 'examples/stock_daily.csv';
const SENTENCE = 'i feel hungry.';

interface Case {
  dir: string;
  kind: 'forecaster' | 'seq2seq';
  what: string;
  /** The file the error must name (relative to the folder; the CSV for a model that loads but predicts nonsense). */
  file: string;
  /** A regular expression for the field (or the fault) it must name. */
  field: string;
}
const CASES: Case[] = JSON.parse(readFileSync(path.join(BAD, 'cases.json'), 'utf8'));

/** The path the error must start with: the damaged file, as the CLI was given it. */
function named(c: Case): string {
  return c.file.endsWith('.csv') ? CSV : path.join('test', 'fixtures', 'bad', 'models', c.dir, c.file);
}

describe('damaged model folders', () => {
  before(async () => {
    ensureCliBuilt();
    await initBackend('wasm');
  });

  test('the corpus holds both kinds, and every folder has a row in the README', () => {
    const readme = readFileSync(path.join(BAD, 'README.md'), 'utf8');
    for (const kind of ['forecaster', 'seq2seq']) assert.ok(CASES.filter((c) => c.kind === kind).length >= 15, `15 or more ${kind} folders`);
    for (const c of CASES) assert.ok(readme.includes(`| \`${c.dir}/\` |`), `README row for ${c.dir}`);
  });

  test('CLI: one line naming the file and the field, exit code neither 0 nor 70', async () => {
    const runs: [Case, Run][] = [];
    for (let i = 0; i < CASES.length; i += 4) {
      const batch = CASES.slice(i, i + 4);
      const out = await Promise.all(batch.map((c) => cli(c.kind === 'forecaster' ? ['predict', path.join('test/fixtures/bad/models', c.dir), CSV] : ['translate', path.join('test/fixtures/bad/models', c.dir), SENTENCE])));
      batch.forEach((c, k) => runs.push([c, out[k]]));
    }
    for (const [c, r] of runs) {
      const line = oneLineError(r, c.dir);
      assert.notEqual(r.code, 70, `${c.dir}: not an internal error`);
      assert.equal(r.stdout, '', `${c.dir}: no result printed`);
      assert.ok(line.startsWith(`rnn-lab: ${named(c)}`), `${c.dir}: names ${named(c)}: ${line}`);
      assert.match(line, new RegExp(c.field), `${c.dir}: names the field`);
    }
  });

  test('library: an RnnLabError naming the file and the field; a failed load frees what it made', async () => {
    for (const c of CASES) {
      const before = tf.memory().numTensors;
      const dir = path.join(BAD, c.dir);
      const go = c.kind === 'forecaster' ? predictWithSaved(dir, path.join(ROOT, CSV), { backend: 'wasm' }) : translateWithSaved(dir, [SENTENCE], { backend: 'wasm' });
      const e = await go.then(
        () => assert.fail(`${c.dir}: loads`),
        (err: unknown) => err,
      );
      assert.ok(e instanceof RnnLabError, `${c.dir}: ${String(e)}`);
      const text = e.toString();
      assert.ok(text.includes(c.file.endsWith('.csv') ? path.join(ROOT, CSV) : path.join(dir, c.file)), `${c.dir}: ${text}`);
      assert.match(text, new RegExp(c.field), c.dir);
      assert.doesNotMatch(text, /\n/, `${c.dir}: one line`);
      assert.equal(tf.memory().numTensors, before, `${c.dir}: no tensors left`);
    }
  });
});
