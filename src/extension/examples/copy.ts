/**
 * What Open Examples copies, and where each file goes, decided before anything is written: a file
 * already there with the same bytes is left alone, a different file of the same name is the
 * user's and is never overwritten (the copy takes a free name, if the user agrees). Plain Node, no
 * `vscode`, so it is tested on a temp folder.
 */
import { constants } from 'node:fs';
import { copyFile, mkdir, readFile, readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';

/** The examples the extension ships (examples/ in the .vsix), README.md being their licence note. */
export const EXAMPLE_FILES = ['course-pairs.tsv', 'kor-eng.txt', 'stock_daily.csv', 'README.md'] as const;
/** The folder they are copied into, in the workspace. */
export const EXAMPLES_FOLDER = 'rnn-lab-examples';

export interface PlannedCopy {
  name: string;
  from: string;
  /** Where it goes: its own name, or a free one when a different file holds that name. */
  to: string;
  status: 'new' | 'same' | 'renamed';
}

/** `stem-2.ext`, `stem-3.ext`, …: the first name `taken` says is free. */
export function freeFileName(name: string, taken: (candidate: string) => boolean): string {
  const ext = extname(name);
  const stem = name.slice(0, name.length - ext.length);
  for (let k = 2; ; k++) if (!taken(`${stem}-${k}${ext}`)) return `${stem}-${k}${ext}`;
}

async function readOrNull(path: string): Promise<Buffer | null> {
  return readFile(path).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    throw e;
  });
}

export async function planExampleCopies(fromDir: string, toDir: string): Promise<PlannedCopy[]> {
  const existing = new Set(await readdir(toDir).catch(() => [] as string[]));
  const plan: PlannedCopy[] = [];
  for (const name of EXAMPLE_FILES) {
    const from = join(fromDir, name);
    const there = await readOrNull(join(toDir, name));
    if (there === null) {
      plan.push({ name, from, to: join(toDir, name), status: 'new' });
    } else if (there.equals(await readFile(from))) {
      plan.push({ name, from, to: join(toDir, name), status: 'same' });
    } else {
      const free = freeFileName(name, (c) => existing.has(c));
      existing.add(free);
      plan.push({ name, from, to: join(toDir, free), status: 'renamed' });
    }
  }
  return plan;
}

/**
 * Copies the planned files. COPYFILE_EXCL: a file that appeared since the plan was made is not
 * overwritten either; that copy fails with EEXIST instead.
 */
export async function copyPlanned(plan: readonly PlannedCopy[], toDir: string): Promise<void> {
  await mkdir(toDir, { recursive: true });
  for (const p of plan) if (p.status !== 'same') await copyFile(p.from, p.to, constants.COPYFILE_EXCL);
}
