/**
 * Saved runs of every kind: `<workspace>/.rnnlab/runs/<id>/{config.json, result.json, model/}`;
 * config.json is a RunConfig (src/shared/runs.ts), discriminated by `kind`.
 *
 * A run is written into a hidden temporary folder beside the others and renamed into place only
 * when every file is written, so a cancelled or failed run (or a crash half-way) never leaves a
 * half-written run behind and never touches earlier runs. Plain Node (no `vscode`): the training
 * worker writes runs, the extension host lists them, tests run it on a temp folder.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RUN_KINDS, type RunConfig, type RunRecord, type RunResults } from '../../shared/runs';

export type { RunConfig, RunRecord } from '../../shared/runs';

export const RUNS_DIR = join('.rnnlab', 'runs');
const TMP_PREFIX = '.tmp-';

export interface RunSummary {
  id: string;
  dir: string;
  config: RunConfig;
  /** Test RMSE of the model and of persistence, when the result was written. */
  rmse: number | null;
  naiveRmse: number | null;
  hasModel: boolean;
}

/** Folder-name-safe, sortable id from a time: 2025-03-01T12-30-05-123Z. */
export function runIdFor(date: Date): string {
  return date.toISOString().replace(/[:.]/g, '-');
}

export function runsRoot(workspaceDir: string): string {
  return join(workspaceDir, RUNS_DIR);
}

/**
 * Writes a run atomically. `writeModel` (optional) writes the model into the folder it is given.
 * Returns the final folder. On any error the temporary folder is removed and the error rethrown.
 */
export async function writeRun(
  root: string,
  run: RunRecord,
  writeModel?: (dir: string) => Promise<void>,
): Promise<string> {
  await mkdir(root, { recursive: true });
  let id = run.config.id;
  const tmp = join(root, `${TMP_PREFIX}${id}-${randomBytes(4).toString('hex')}`);
  await mkdir(tmp);
  try {
    if (writeModel) await writeModel(join(tmp, 'model'));
    await writeFile(join(tmp, 'result.json'), JSON.stringify(run.result));
    // Two runs in the same millisecond: take the next free name rather than overwrite.
    let final = join(root, id);
    for (let k = 1; await exists(final); k++) {
      id = `${run.config.id}-${k}`;
      final = join(root, id);
    }
    await writeFile(join(tmp, 'config.json'), JSON.stringify({ ...run.config, id }, null, 2));
    await rename(tmp, final);
    return final;
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

/** Saved runs, newest first. Temporary and unreadable folders are skipped. */
export async function listRuns(root: string): Promise<RunSummary[]> {
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return [];
  }
  const runs: RunSummary[] = [];
  for (const name of names) {
    if (name.startsWith('.')) continue;
    const summary = await readRunSummary(join(root, name)).catch(() => null);
    if (summary) runs.push(summary);
  }
  return runs.sort((a, b) => (a.config.createdAt < b.config.createdAt ? 1 : a.config.createdAt > b.config.createdAt ? -1 : 0));
}

export async function readRunSummary(dir: string): Promise<RunSummary> {
  const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as RunConfig;
  if (config.version !== 1 || typeof config.id !== 'string') throw new Error(`${dir}: not a run`);
  // A kind from a newer version is left alone, not misread as one of ours.
  if (!RUN_KINDS.includes(config.kind)) throw new Error(`${dir}: a run of unknown kind ${String(config.kind)}`);
  let rmse: number | null = null;
  let naiveRmse: number | null = null;
  try {
    const result = await readRunResult(dir);
    rmse = result.test.rmse;
    naiveRmse = result.naive.rmse;
  } catch {
    // a run without a readable result still lists
  }
  return { id: config.id, dir, config, rmse, naiveRmse, hasModel: await exists(join(dir, 'model')) };
}

/** A run's result.json, as its kind wrote it (`K` names the kind the caller expects). */
export async function readRunResult<K extends keyof RunResults = 'forecast'>(dir: string): Promise<RunResults[K]> {
  return JSON.parse(await readFile(join(dir, 'result.json'), 'utf8')) as RunResults[K];
}

/** Removes temporary folders left by a crash. Only ones older than `olderThanMs`, so a run being written now is safe. */
export async function removeStaleTemps(root: string, olderThanMs = 24 * 3600_000, now = Date.now()): Promise<number> {
  let removed = 0;
  for (const name of await readdir(root).catch(() => [] as string[])) {
    if (!name.startsWith(TMP_PREFIX)) continue;
    const p = join(root, name);
    const s = await stat(p).catch(() => null);
    if (s && now - s.mtimeMs > olderThanMs) {
      await rm(p, { recursive: true, force: true });
      removed++;
    }
  }
  return removed;
}
