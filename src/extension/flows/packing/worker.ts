/**
 * The packing inspector's half of the worker: read the sequences (the built-in strings, or a text
 * file split as asked) and run the chosen batch through the engine's inspector. The file's
 * corpus is kept between requests, so moving a control does not read the file again; it is read
 * again when the file changed on disk or is split another way.
 */
import { stat } from 'node:fs/promises';
import { initBackend } from '../../../engine/backend';
import { readInputFile } from '../../../engine/data/text';
import { corpusFromText, courseCorpus, inspectPacking, type Corpus } from '../../../engine/packingInspector';
import type { WorkerHandlers } from '../../core/workerHandlers';
import { say } from '../../../shared/said';

/** The last file read, and how its size and time stamp stood then. */
let cached: { key: string; corpus: Corpus } | null = null;

export const packingHandlers: WorkerHandlers<'inspectPacking'> = {
  async inspectPacking(ask) {
    // The inspector's tensors are a few kilobytes: the JavaScript backend starts at once.
    await initBackend('cpu');
    const { split, column } = ask.options;
    if (ask.source.kind === 'course') {
      // The built-in strings are whole lines: no pair side to pick.
      return inspectPacking(courseCorpus(split), { ...ask.options, column: 'line' });
    }
    const path = ask.source.path;
    const st = await stat(path).catch(() => null);
    const key = JSON.stringify([path, split, column, st?.size, st?.mtimeMs]);
    if (cached?.key !== key) {
      cached = null;
      const bytes = await readInputFile(path, ask.fileName, say('text file'));
      cached = { key, corpus: corpusFromText(bytes, ask.fileName, split, column) };
    }
    return inspectPacking(cached.corpus, ask.options);
  },
};
