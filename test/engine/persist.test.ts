// Saving a model folder loses nothing: every kind of thing a user can name as the save path (the
// input CSV, a file, a folder of their own, `.`, a path under a file, a link, a model folder they
// added notes to) is refused with nothing touched and a free path suggested; only an RNN Lab model
// folder or an empty folder is replaced. A save killed between its two renames is repaired at the
// next load or save, and two saves into one path at once leave one whole model.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkSaveTarget, readModelFile, writeModelDir } from '../../src/engine/persist';
import { RnnLabError } from '../../src/engine/errors';
import { freeModelName, judgeModelFolder } from '../../src/shared/modelFolder';
import { cli, ensureCliBuilt, oneLineError } from '../helpers/cli';

/** A model folder's files, as the flows write them (contents beside the point here). */
function modelFiles(tag: string): Record<string, unknown> {
  return { 'config.json': { kind: 'forecaster', version: 2, tag }, 'model.safetensors': new Uint8Array([1, 2, 3]), 'scaler.json': { min: [0], max: [1] } };
}

/** Every file under `dir`, path → bytes as text: to show that nothing changed. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out[join(e.parentPath, e.name)] = await readFile(join(e.parentPath, e.name), 'latin1');
  }
  return out;
}

async function refusal(p: Promise<unknown>): Promise<RnnLabError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof RnnLabError, `an RnnLabError, got ${String(e)}`);
    assert.equal(e.code, 'BAD_SAVE_PATH');
    return e;
  }
  assert.fail('the save was not refused');
}

describe('saving a model folder', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'rnn-lab-save-'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  test('what a user owns is refused, untouched, with a free path suggested', async () => {
    const home = join(root, 'home');
    await mkdir(join(home, 'project', 'src'), { recursive: true });
    await writeFile(join(home, 'data.csv'), 'a,b\n1,2\n');
    await writeFile(join(home, 'thesis.txt'), 'chapter one');
    await writeFile(join(home, 'project', 'src', 'main.py'), 'print(1)');
    await mkdir(join(home, 'noted'));
    await writeFile(join(home, 'noted', 'config.json'), JSON.stringify({ kind: 'forecaster', version: 2 }));
    await writeFile(join(home, 'noted', 'notes.txt'), 'my notes');
    await symlink(join(home, 'project'), join(home, 'link'));
    const before = await snapshot(home);
    const cases: [string, RegExp, RegExp][] = [
      ['data.csv', /data\.csv is a file; nothing there was changed/, /data-model\b/],
      ['thesis.txt', /thesis\.txt is a file/, /thesis-model\b/],
      ['project', /project is a folder that is not an RNN Lab model \(it holds 1 entry/, /project-model\b/],
      ['noted', /noted is an RNN Lab model folder that also holds files RNN Lab did not write \(notes\.txt\)/, /noted-model\b/],
      ['link', /link is a symbolic link/, /link-model\b/],
      [join('data.csv', 'model'), /data\.csv is a file, so \S*data\.csv\/model cannot be made inside it/, /data-model\b/],
    ];
    for (const [name, message, hint] of cases) {
      const path = join(home, name);
      for (const attempt of [() => checkSaveTarget(path), () => writeModelDir(path, modelFiles('new'))]) {
        const e = await refusal(attempt());
        assert.match(e.message, message, name);
        assert.match(e.hint ?? '', hint, name);
        assert.ok(!existsSync(join(home, e.hint!.match(/such as (.*)\.$/)![1].split('/').pop()!)), `${name}: the suggested path is free`);
      }
    }
    assert.deepEqual(await snapshot(home), before, 'every file is as it was');
    assert.deepEqual((await readdir(home)).sort(), ['data.csv', 'link', 'noted', 'project', 'thesis.txt'], 'no temporary or lock files are left');
  });

  test('`.` and the root are refused; the suggestion for `.` is a free folder inside it', async () => {
    const cwd = process.cwd();
    const work = join(root, 'cwd');
    await mkdir(work);
    await writeFile(join(work, 'keep.csv'), '1\n');
    process.chdir(work);
    try {
      const e = await refusal(writeModelDir('.', modelFiles('x')));
      assert.match(e.toString(), /^\.: \. is a folder that is not an RNN Lab model.*such as cwd-model\.$/);
    } finally {
      process.chdir(cwd);
    }
    assert.deepEqual(await readdir(work), ['keep.csv']);
    await refusal(checkSaveTarget('/'));
  });

  test('a new path is created; an RNN Lab model folder or an empty folder is replaced, with nothing left beside it', async () => {
    const parent = join(root, 'replace');
    const dir = join(parent, 'deep', 'model');
    assert.deepEqual(await checkSaveTarget(dir), { state: 'free' });
    await writeModelDir(dir, modelFiles('first'));
    assert.deepEqual(await checkSaveTarget(dir), { state: 'replace', kind: 'forecaster' });
    await writeModelDir(dir, modelFiles('second'));
    assert.equal((await readModelFile<{ tag: string }>(dir, 'config.json')).tag, 'second');
    assert.deepEqual((await readdir(dir)).sort(), ['config.json', 'model.safetensors', 'scaler.json']);
    assert.deepEqual(await readdir(join(parent, 'deep')), ['model'], 'no temporary, backup or lock folders');
    const empty = join(parent, 'empty');
    await mkdir(empty);
    assert.deepEqual(await checkSaveTarget(empty), { state: 'replace', kind: null });
    await writeModelDir(empty, modelFiles('into-empty'));
    assert.equal((await readModelFile<{ tag: string }>(empty, 'config.json')).tag, 'into-empty');
  });

  test('a save killed between its two renames: the next load puts the old model back, the next save cleans up', async () => {
    const parent = join(root, 'killed');
    const dir = join(parent, 'model');
    await writeModelDir(dir, modelFiles('old'));
    // The state a kill leaves: the old model moved aside, the new one still in its temporary folder.
    const { rename } = await import('node:fs/promises');
    await rename(dir, join(parent, '.model.rnnlab-old'));
    await mkdir(join(parent, '.model.tmp-abc123'));
    await writeFile(join(parent, '.model.tmp-abc123', 'config.json'), '{"kind":"forecaster","ver');
    assert.equal((await readModelFile<{ tag: string }>(dir, 'config.json')).tag, 'old', 'loading finds the old model');
    assert.deepEqual((await readdir(parent)).sort(), ['model'], 'backup and temporary folders are gone');
    // Killed after the second rename: the new model is in place, the backup beside it.
    await mkdir(join(parent, '.model.rnnlab-old'));
    await writeFile(join(parent, '.model.rnnlab-old', 'config.json'), '{}');
    await writeModelDir(dir, modelFiles('newer'));
    assert.equal((await readModelFile<{ tag: string }>(dir, 'config.json')).tag, 'newer');
    assert.deepEqual((await readdir(parent)).sort(), ['model']);
  });

  test('two saves into one path at once: both finish, one whole model is there, nothing is left beside it', async () => {
    const parent = join(root, 'race');
    const dir = join(parent, 'model');
    await writeModelDir(dir, modelFiles('zero'));
    await Promise.all(['a', 'b', 'c'].map((tag) => writeModelDir(dir, modelFiles(tag))));
    const tag = (await readModelFile<{ tag: string }>(dir, 'config.json')).tag;
    assert.ok(['a', 'b', 'c'].includes(tag), tag);
    assert.deepEqual((await readdir(dir)).sort(), ['config.json', 'model.safetensors', 'scaler.json']);
    assert.deepEqual(await readdir(parent), ['model']);
  });

  test('a folder that cannot be written is found before anything is saved, and said in words', async () => {
    // /proc takes no new folders, even for root (for whom permission checks pass).
    for (const attempt of [() => checkSaveTarget('/proc/rnn-lab-model'), () => writeModelDir('/proc/rnn-lab-model', modelFiles('x'))]) {
      const e = await refusal(attempt());
      assert.match(e.toString(), /^\/proc\/rnn-lab-model: Cannot save the model to \/proc\/rnn-lab-model: /);
    }
  });

  test('the verdict and the suggestion on their own', () => {
    assert.deepEqual(judgeModelFolder([], undefined), { replaceable: true, kind: null });
    assert.deepEqual(judgeModelFolder(['config.json', 'model.safetensors', 'source_vocab.json', 'target_vocab.json'], { kind: 'seq2seq' }), { replaceable: true, kind: 'seq2seq' });
    assert.equal(judgeModelFolder(['config.json'], { kind: 'something-else' }).replaceable, false);
    assert.equal(judgeModelFolder(['config.json'], null).replaceable, false);
    assert.equal(judgeModelFolder(['a', 'b', 'c', 'd', 'config.json'], { kind: 'seq2seq' }).replaceable, false);
    assert.equal(freeModelName('data.csv', () => false), 'data-model');
    assert.equal(freeModelName('model', (n) => n === 'model'), 'model-2');
    assert.equal(freeModelName('run', (n) => n === 'run-model' || n === 'run-model-2'), 'run-model-3');
  });
});

describe('rnn-lab --save', () => {
  let dir: string;
  before(async () => {
    ensureCliBuilt();
    dir = await mkdtemp(join(tmpdir(), 'rnn-lab-cli-save-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('--save onto the input CSV, or under it, fails before training and leaves the file as it was', async () => {
    const csv = join(dir, 'data.csv');
    const text = 'x,y\n' + Array.from({ length: 40 }, (_, i) => `${Math.sin(i)},${Math.cos(i)}`).join('\n') + '\n';
    await writeFile(csv, text);
    for (const save of [csv, join(csv, 'model')]) {
      const r = await cli(['forecast', csv, '--epochs', '1', '--seq-length', '3', '--save', save]);
      const line = oneLineError(r, `--save ${save}`);
      assert.match(line, /data\.csv is a file/);
      assert.doesNotMatch(r.stderr, /backend|epoch/, 'nothing was trained');
      assert.equal(await readFile(csv, 'utf8'), text);
    }
    const pairs = join(dir, 'pairs.txt');
    await writeFile(pairs, 'hi .\tsalut .\n');
    const r = await cli(['seq2seq', pairs, '--iterations', '1', '--save', dir]);
    assert.match(oneLineError(r, 'seq2seq --save into a folder of files'), /is a folder that is not an RNN Lab model/);
    assert.deepEqual((await readdir(dir)).sort(), ['data.csv', 'pairs.txt']);
  });
});
