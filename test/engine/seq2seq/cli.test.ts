// `rnn-lab seq2seq` and `rnn-lab translate` as a user runs them: `node dist/cli.js …` in a child
// process. The --json contract on the course's four pairs, save + translate (with an unknown word),
// and one-line errors for a malformed pairs file and bad options.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FILES } from '../data/helpers';
import { cli, ensureCliBuilt, lastJsonLine, oneLineError } from '../../helpers/cli';

const COURSE = path.join(__dirname, 'files', 'course.txt');

describe('rnn-lab seq2seq / translate', () => {
  let tmp: string;
  before(async () => {
    ensureCliBuilt();
    tmp = await mkdtemp(path.join(tmpdir(), 'rnn-lab-s2s-cli-'));
  });
  after(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  test("seq2seq on the course's four pairs --json, --save, then translate", async () => {
    const model = path.join(tmp, 'model');
    const r = await cli(['seq2seq', COURSE, '--json', '--save', model]);
    assert.equal(r.code, 0, r.stderr);
    const j = lastJsonLine(r.stdout);
    for (const k of ['trainSeconds', 'finalLoss', 'pairs', 'sourceVocab', 'targetVocab', 'test', 'samples', 'backend']) assert.ok(k in j, `has ${k}`);
    assert.equal(j.pairs, 4);
    assert.deepEqual(j.test, { tokenAccuracy: 1, exactMatch: 1, bleu: 1, unknownTokens: 0 });
    const samples = j.samples as { source: string; target: string; prediction: string }[];
    assert.equal(samples.length, 4);
    for (const s of samples) assert.deepEqual(Object.keys(s).sort(), ['prediction', 'source', 'target']);
    assert.ok(samples.every((s) => s.prediction === s.target));
    assert.ok(['wasm', 'cpu', 'tensorflow'].includes(j.backend as string));
    assert.match(r.stderr, /step 5000\/5000/);
    assert.match(r.stderr, /saved model to/);

    const t = await cli(['translate', model, 'I feel hungry.']);
    assert.equal(t.code, 0, t.stderr);
    assert.equal(t.stdout, '나는 배가 고프다.\n');
    const u = await cli(['translate', model, 'I feel sleepy.', '--json']);
    assert.equal(u.code, 0, u.stderr);
    assert.match(u.stderr, /not in the source vocabulary.*"sleepy\."/);
    const uj = lastJsonLine(u.stdout) as { translations: { unknown: string[]; prediction: string }[] };
    assert.deepEqual(uj.translations[0].unknown, ['sleepy.']);
    assert.equal(typeof uj.translations[0].prediction, 'string');
  });

  test('errors: one line on stderr, non-zero exit', async () => {
    const e1 = oneLineError(await cli(['seq2seq', path.join(FILES, 'pairs_no_tab.txt')]), 'pairs without a tab');
    assert.match(e1, /pairs_no_tab\.txt:2: .*no tab/);
    const e2 = oneLineError(await cli(['seq2seq', path.join(FILES, 'pairs_empty_target.txt'), '--iterations', '1']), 'empty target');
    assert.match(e2, /empty target/);
    const e3 = oneLineError(await cli(['translate', path.join(tmp, 'nowhere'), 'hi']), 'missing model');
    assert.match(e3, /missing/);
    const e4 = await cli(['seq2seq', COURSE, '--epochs', '2', '--iterations', '3']);
    assert.equal(e4.code, 2);
    assert.match(e4.stderr, /not both/);
    oneLineError(await cli(['seq2seq', COURSE, '--teacher-forcing', '1.5']), '--teacher-forcing 1.5');
  });
});

describe('rnn-lab seq2seq --run-dir', () => {
  test('stores a seq2seq run with its held-out figures as the headline', async () => {
    const tmp = await mkdtemp(path.join(tmpdir(), 'rnn-lab-s2s-runs-'));
    try {
      const runs = path.join(tmp, 'runs');
      const r = await cli(['seq2seq', COURSE, '--iterations', '500', '--json', '--run-dir', runs]);
      assert.equal(r.code, 0, r.stderr);
      const j = lastJsonLine(r.stdout);
      const { listRuns, readRun } = await import('../../../src/extension/runs/store');
      const [entry] = await listRuns(runs);
      assert.ok(entry && !entry.damaged);
      const { run, metrics } = await readRun(entry.dir);
      assert.deepEqual([run.kind, run.status, run.config.iterations], ['seq2seq', 'done', 500]);
      const test = j.test as { tokenAccuracy: number; bleu: number; exactMatch: number };
      assert.deepEqual(run.headline, { tokenAccuracy: test.tokenAccuracy, bleu: test.bleu, exactMatch: test.exactMatch });
      assert.ok(metrics.length > 0, 'the loss curve is stored');
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });
});
