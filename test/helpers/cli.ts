// Running the `rnn-lab` CLI as a user does, `node dist/cli.js …` in a child process, for the CLI
// tests: build dist when it is missing or stale, spawn it, read its --json line and its errors.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../engine/data/helpers';

export const CLI = path.join(ROOT, 'dist', 'cli.js');

function newestMtime(dir: string): number {
  let t = 0;
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    const s = statSync(p);
    t = Math.max(t, s.isDirectory() ? newestMtime(p) : s.mtimeMs);
  }
  return t;
}

/** `npm test` builds first; when a test runs alone, build if dist/cli.js is missing or older than the engine. */
export function ensureCliBuilt(): void {
  if (!existsSync(CLI) || statSync(CLI).mtimeMs < newestMtime(path.join(ROOT, 'src', 'engine'))) {
    const b = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(b.status, 0, `build failed:\n${b.stderr}`);
  }
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `node dist/cli.js ...args` from the repository root, with RNN_LAB_DEBUG cleared and `env` added. */
export function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, RNN_LAB_DEBUG: '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The last line of stdout, parsed: where --json puts its one object. */
export function lastJsonLine(stdout: string): Record<string, unknown> {
  const lines = stdout.trimEnd().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}

/** stderr of a failed run: exactly one line, no stack trace, not an internal error. */
export function oneLineError(r: Run, label: string): string {
  assert.notEqual(r.code, 0, `${label}: exits non-zero`);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `${label}: one line on stderr, got:\n${r.stderr}`);
  assert.doesNotMatch(r.stderr, /^\s+at /m, `${label}: no stack trace`);
  assert.doesNotMatch(r.stderr, /internal error/, `${label}: an expected error, not a crash`);
  return lines[0];
}
