// The bad-input corpus (test/fixtures/bad/): every case of manifest.json runs through the CLI
// (`node dist/cli.js …`, tiny sizes) and through the library, and must end as its entry expects:
// an RnnLabError with the code and location, or a correct result. Nothing may end in an internal
// error, run past 10 s, exit 0 with a wrong or empty result, or change a file of the corpus.
// Special files (a FIFO, links to /dev/zero, a folder) are made at test time. README.md there
// says how to add a case.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { RnnLabError } from '../../src/engine/errors';
import { checkForecastFile, predictWithSaved } from '../../src/engine/forecast/run';
import { translateWithSaved } from '../../src/engine/seq2seq/run';
import { describeIgnored } from '../../src/engine/data/csv';
import { readPairsFile } from '../../src/engine/data/pairs';
import { CLI, ensureCliBuilt, lastJsonLine, type Run } from '../helpers/cli';
import { ROOT } from './data/helpers';

const BAD = path.join(ROOT, 'test', 'fixtures', 'bad');
const HANG_MS = 10_000;
/** What `translate` cases translate. */
const SENTENCE = 'i feel hungry.';

interface Expect {
  code?: string;
  line?: number;
  column?: number;
  /** Regular expressions the message / hint must match. */
  message?: string;
  hint?: string;
  ok?: { rows?: number; columns?: string[]; firstDate?: string; lastDate?: string; ignored?: string[]; pairs?: number; skipped?: number };
}

interface Case {
  path?: string;
  special?: 'fifo' | 'dev-zero-link' | 'dev-stdin' | 'dir' | 'dangling-link' | 'fifo-test-file' | 'model-config-zero' | 'model-config-fifo';
  run: 'forecast' | 'seq2seq' | 'predict' | 'translate';
  args?: string[];
  what: string;
  does: string;
  expect: Expect;
  /** Run again with these options, taken from the hint (each must appear in it): the fix works. */
  then?: { args: string[]; expect: Expect };
}

const manifest = JSON.parse(readFileSync(path.join(BAD, 'manifest.json'), 'utf8')) as { cases: Case[] };

/** CLI flags to the library's options: --seq-length 5 → seqLength: 5, --features a,b → ['a','b'], a bare flag → true. */
function optionsOf(args: string[]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (let i = 0; i < args.length; i++) {
    const key = args[i].replace(/^--/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    const v = args[i + 1];
    if (v === undefined || v.startsWith('--')) o[key] = true;
    else {
      o[key] = key === 'features' ? v.split(',') : /^-?[\d.]+$/.test(v) ? Number(v) : v;
      i++;
    }
  }
  return o;
}

function snapshot(dir: string, out = new Map<string, string>()): Map<string, string> {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) snapshot(p, out);
    else out.set(p, createHash('sha256').update(readFileSync(p)).digest('hex'));
  }
  return out;
}

/** `node dist/cli.js …` killed after HANG_MS; `hung` says whether it had to be. */
function cliRun(args: string[]): Promise<Run & { hung: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, RNN_LAB_DEBUG: '' } });
    let stdout = '';
    let stderr = '';
    let hung = false;
    const timer = setTimeout(() => {
      hung = true;
      child.kill('SIGKILL');
    }, HANG_MS);
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, hung });
    });
  });
}

/** The files a case reads: its corpus path, or a special file made in `tmp`. */
async function materialize(c: Case, tmp: string, k: number): Promise<{ file: string; extra: string[] }> {
  const at = (name: string) => path.join(tmp, `${k}-${name}`);
  switch (c.special) {
    case undefined:
      return { file: path.relative(ROOT, path.join(BAD, c.path as string)), extra: [] };
    case 'fifo': {
      const p = at('pipe.txt');
      execFileSync('mkfifo', [p]);
      return { file: p, extra: [] };
    }
    case 'dev-zero-link': {
      const p = at('zero.txt');
      await symlink('/dev/zero', p);
      return { file: p, extra: [] };
    }
    case 'dev-stdin':
      return { file: '/dev/stdin', extra: [] };
    case 'dir': {
      const p = at('folder.csv');
      await mkdir(p);
      return { file: p, extra: [] };
    }
    case 'dangling-link': {
      const p = at('gone.csv');
      await symlink(at('never-made.csv'), p);
      return { file: p, extra: [] };
    }
    case 'fifo-test-file': {
      const p = at('test-pipe.txt');
      execFileSync('mkfifo', [p]);
      return { file: path.relative(ROOT, path.join(BAD, 'pairs', 'three_columns.txt')), extra: ['--test-file', p] };
    }
    case 'model-config-zero':
    case 'model-config-fifo': {
      const dir = at('model');
      await mkdir(dir);
      const config = path.join(dir, 'config.json');
      if (c.special === 'model-config-zero') await symlink('/dev/zero', config);
      else execFileSync('mkfifo', [config]);
      return { file: dir, extra: [] };
    }
  }
}

const cliArgs: Record<Case['run'], string[]> = {
  forecast: ['--epochs', '1', '--hidden', '2', '--horizon', '2'],
  seq2seq: ['--iterations', '10', '--hidden', '4'],
  predict: [],
  translate: [],
};

function commandOf(c: Case, file: string, args: string[]): string[] {
  const rest = [...cliArgs[c.run], ...args, '--backend', 'cpu', '--json', '--quiet'];
  if (c.run === 'predict') return ['predict', file, path.relative(ROOT, path.join(BAD, 'csv', 'newest_first.csv')), '--backend', 'cpu', '--json'];
  if (c.run === 'translate') return ['translate', file, SENTENCE, '--backend', 'cpu', '--json'];
  return [c.run, file, ...rest];
}

async function checkCli(label: string, c: Case, file: string, args: string[], e: Expect): Promise<void> {
  const r = await cliRun(commandOf(c, file, args));
  assert.equal(r.hung, false, `${label}: still running after ${HANG_MS / 1000} s`);
  assert.doesNotMatch(r.stderr, /internal error/, `${label}: ${r.stderr}`);
  if (e.ok) {
    assert.equal(r.code, 0, `${label}: exits 0, got ${r.code}: ${r.stderr}`);
    const j = lastJsonLine(r.stdout) as { rows?: number; pairs?: number; forecast?: number[]; test: Record<string, number> };
    if (c.run === 'forecast') {
      assert.equal(j.rows, e.ok.rows, `${label}: rows`);
      assert.equal(j.forecast?.length, 2, `${label}: a forecast of the horizon's length`);
      assert.ok(j.forecast?.every(Number.isFinite) && Number.isFinite(j.test.rmse), `${label}: finite numbers`);
    } else assert.equal(j.pairs, e.ok.pairs, `${label}: pairs`);
    return;
  }
  assert.equal(r.code, 1, `${label}: exits 1 (an RnnLabError), got ${r.code}: ${r.stderr}`);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `${label}: one line on stderr:\n${r.stderr}`);
  if (e.line !== undefined) {
    const where = `rnn-lab: ${file}:${e.line}${e.column !== undefined ? `:${e.column}` : ''}`;
    assert.ok(lines[0].startsWith(where) && /^:\d+: |^: /.test(lines[0].slice(where.length)), `${label}: starts with ${where}\n${lines[0]}`);
  }
}

async function checkLibrary(label: string, c: Case, file: string, args: string[], e: Expect): Promise<void> {
  const o = optionsOf(args);
  const call = async (): Promise<void> => {
    if (c.run === 'forecast') {
      const table = await checkForecastFile(file, o);
      const ok = e.ok;
      assert.ok(ok, `${label}: expected an error, the file was read`);
      if (ok.rows !== undefined) assert.equal(table.rows, ok.rows, `${label}: rows`);
      if (ok.columns) assert.deepEqual(table.columns, ok.columns, `${label}: columns`);
      if (ok.firstDate) assert.equal(table.dates?.[0], ok.firstDate, `${label}: first date`);
      if (ok.lastDate) assert.equal(table.dates?.[table.rows - 1], ok.lastDate, `${label}: last date`);
      if (ok.ignored) assert.deepEqual(table.ignored.map(describeIgnored), ok.ignored, `${label}: ignored columns and why`);
    } else if (c.run === 'seq2seq') {
      const r = await readPairsFile(file, o);
      if (typeof o.testFile === 'string') await readPairsFile(o.testFile, o);
      assert.ok(e.ok, `${label}: expected an error, the file was read`);
      if (e.ok.pairs !== undefined) assert.equal(r.pairs.length, e.ok.pairs, `${label}: pairs`);
      if (e.ok.skipped !== undefined) assert.equal(r.skipped, e.ok.skipped, `${label}: skipped`);
    } else {
      // As a library user applies a saved model (these pick the backend, which loading needs).
      if (c.run === 'predict') await predictWithSaved(file, path.join(BAD, 'csv', 'newest_first.csv'), { backend: 'cpu' });
      else await translateWithSaved(file, [SENTENCE], { backend: 'cpu' });
      assert.ok(e.ok, `${label}: expected an error`);
    }
  };
  try {
    await call();
  } catch (err) {
    if (err instanceof assert.AssertionError) throw err;
    assert.ok(err instanceof RnnLabError, `${label}: an RnnLabError, got ${String((err as Error).stack ?? err)}`);
    assert.ok(!e.ok, `${label}: expected a result, got ${err.toString()}`);
    assert.equal(err.code, e.code, `${label}: ${err.toString()}`);
    assert.ok(err.hint, `${label}: every error says what to do`);
    if (e.line !== undefined) assert.equal(err.location.line, e.line, `${label}: line: ${err.toString()}`);
    if (e.column !== undefined) assert.equal(err.location.column, e.column, `${label}: column: ${err.toString()}`);
    if (e.message) assert.match(err.message, new RegExp(e.message), label);
    if (e.hint) assert.ok(err.hint?.includes(e.hint), `${label}: hint has ${e.hint}: ${err.hint}`);
  }
}

// Cases run three at a time: each is mostly a CLI process starting up.
test('bad-input corpus: every case through the CLI and the library ends as its manifest entry says', { concurrency: 3 }, async (t) => {
  ensureCliBuilt();
  const before = snapshot(BAD);
  const tmp = await mkdtemp(path.join(tmpdir(), 'rnnlab-bad-'));
  try {
    const runs = manifest.cases.map((c, k) => {
      const label = `${c.path ?? c.special} (${c.run}${c.args ? ` ${c.args.join(' ')}` : ''})`;
      return t.test(label, async () => {
        const { file, extra } = await materialize(c, tmp, k);
        const args = [...(c.args ?? []), ...extra];
        await checkLibrary(label, c, file, args, c.expect);
        await checkCli(label, c, file, args, c.expect);
        if (c.then) {
          const hint = await hintOf(c, file, args);
          for (const a of c.then.args) assert.ok(hint.includes(a), `${label}: the hint suggests ${a}: ${hint}`);
          await checkLibrary(`${label} then ${c.then.args.join(' ')}`, c, file, [...args, ...c.then.args], c.then.expect);
          await checkCli(`${label} then ${c.then.args.join(' ')}`, c, file, [...args, ...c.then.args], c.then.expect);
        }
      });
    });
    await Promise.all(runs);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  assert.deepEqual(snapshot(BAD), before, 'no file of the corpus was changed or deleted');
});

async function hintOf(c: Case, file: string, args: string[]): Promise<string> {
  const o = optionsOf(args);
  try {
    if (c.run === 'forecast') await checkForecastFile(file, o);
    else await readPairsFile(file, o);
  } catch (e) {
    if (e instanceof RnnLabError) return e.hint ?? '';
  }
  return '';
}

test('the corpus README has a row for every case, and the corpus has at least 60 files and folders', () => {
  const readme = readFileSync(path.join(BAD, 'README.md'), 'utf8');
  for (const c of manifest.cases) {
    const name = c.path ?? c.special ?? '';
    assert.ok(readme.includes(`\`${name}\``), `README.md lists ${name}`);
    if (c.path) assert.ok(existsSync(path.join(BAD, c.path)), `${c.path} exists`);
  }
  const real = new Set(manifest.cases.flatMap((c) => (c.path ? [c.path] : [])));
  assert.ok(real.size + new Set(manifest.cases.flatMap((c) => (c.special ? [c.special] : []))).size >= 60, `${real.size} files`);
});
